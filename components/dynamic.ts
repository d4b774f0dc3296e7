/**
 * The contract between the project's resource implementations (components/*-impl.ts, each exporting
 * a ProviderImpl as `provider`) and what serves them: the secure-storage provider plugin
 * (provider/server.ts) today, Pulumi dynamic resources before it.
 *
 * lazyProvider is the dynamic-resource adapter, kept for state deployed before the plugin: such
 * state holds a serialized closure that loads the implementation by its path relative to the
 * project (never by absolute path: state outlives checkouts; a stack created in one clone is
 * refreshed or destroyed from another), so the implementations must stay where they are.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "./access";

const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface ProviderImpl {
  check?(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read?(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update?(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/**
 * A ResourceProvider whose methods delegate to the module at `implPath` (absolute, inside the
 * project, without extension; exporting a ProviderImpl as `provider`).
 */
export function lazyProvider(implPath: string): pulumi.dynamic.ResourceProvider {
  const moduleId = path.relative(PROJECT_ROOT, implPath).split(path.sep).join("/");
  if (moduleId.startsWith("..")) throw new Error(`lazyProvider: ${implPath} is outside the project`);
  const load = (): ProviderImpl => {
    const g = globalThis as { __secureStorageRoot?: string };
    if (!g.__secureStorageRoot) {
      const fs = require("node:fs") as typeof import("node:fs");
      const p = require("node:path") as typeof import("node:path");
      let root = process.env.SECURE_STORAGE_ROOT;
      for (let dir = process.cwd(); !root; dir = p.dirname(dir)) {
        if (fs.existsSync(p.join(dir, "components", "dynamic.ts"))) root = dir;
        else if (p.dirname(dir) === dir) throw new Error("secure-storage: cannot find the project (set SECURE_STORAGE_ROOT)");
      }
      require(require.resolve("tsx/cjs/api", { paths: [root] })).register();
      g.__secureStorageRoot = root;
    }
    return require(`${g.__secureStorageRoot}/${moduleId}`).provider as ProviderImpl;
  };
  return {
    async check(olds, news) {
      const impl = load();
      return impl.check ? impl.check(olds, news) : { inputs: news };
    },
    async diff(id, olds, news) {
      return load().diff(id, olds, news);
    },
    async create(inputs) {
      return load().create(inputs);
    },
    async read(id, props) {
      const impl = load();
      return impl.read ? impl.read(id, props) : { id, props };
    },
    async update(id, olds, news) {
      const impl = load();
      if (!impl.update) throw new Error("update not supported; the diff must request a replacement");
      return impl.update(id, olds, news);
    },
    async delete(id, props) {
      return load().delete(id, props);
    },
  };
}

/**
 * Resource options for a type of the secure-storage plugin (`module:Name`, e.g. `minio:Bucket`).
 * The alias names the dynamic type the same resource had before the plugin, so the engine moves
 * such state here (no replacement: the plugin's diff and update only drop the serialized provider).
 */
export function pluginOptions(
  type: string,
  opts: pulumi.CustomResourceOptions | undefined,
  secretOutputs: string[] = [],
): pulumi.CustomResourceOptions {
  return {
    ...opts,
    aliases: [...(opts?.aliases ?? []), { type: `pulumi-nodejs:dynamic/${type}` }],
    ...(secretOutputs.length ? { additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] } : {}),
  };
}

/** Keys whose values differ (deep; object key order does not count, array order does) between two property bags. */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null));
}
