/**
 * The contract between the project's resource implementations (components/*-impl.ts, each exporting
 * a ProviderImpl as `provider`) and what serves them: the secure-storage provider plugin
 * (provider/server.ts) today, Pulumi dynamic resources before it.
 *
 * State deployed before the plugin holds the dynamic provider's serialized closure until its next
 * `up` migrates it (a refresh runs that closure first). The closure finds the project by this file
 * (components/dynamic.ts) and loads each implementation by its path relative to the project, so
 * this file and the *-impl.ts files must stay where they are.
 */
import * as pulumi from "@pulumi/pulumi";
import { PACKAGE, resourceType } from "../provider/types";
import { canonicalJson } from "./access";

export interface ProviderImpl {
  check?(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read?(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update?(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/**
 * Resource options for a type of the secure-storage plugin (`module:Name`, e.g. `minio:Bucket`).
 * The aliases name the types the same resource had before (provider/types.ts `formerTokens`: the
 * dynamic type before the plugin, by default), so the engine moves such state here in place.
 */
export function pluginOptions(type: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  // The outputs the plugin always stores as secrets (provider/types.ts), also secret in the program's view.
  const { secretOutputs, formerTokens } = resourceType(`${PACKAGE}:${type}`);
  return {
    ...opts,
    aliases: [...(opts?.aliases ?? []), ...formerTokens.map((t) => ({ type: t }))],
    ...(secretOutputs.length ? { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] } : {}),
  };
}

/** Keys whose values differ (deep; object key order does not count, array order does) between two property bags. */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null));
}
