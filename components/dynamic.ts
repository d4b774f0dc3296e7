/**
 * Dynamic providers are serialized into the state and run in a separate plain-Node process.
 * Serializing our implementation by value drags the AWS SDK and friends into the closure, so
 * instead the provider closure captures only two absolute paths and loads the implementation
 * module at run time (registering tsx so TypeScript sources load as they are).
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";

const localRequire = createRequire(__filename);

export interface ProviderImpl {
  check?(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read?(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update?(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/**
 * A ResourceProvider whose methods delegate to the module at `implPath` (absolute, without
 * extension; exporting a ProviderImpl as `provider`).
 */
export function lazyProvider(implPath: string): pulumi.dynamic.ResourceProvider {
  const tsxApi = localRequire.resolve("tsx/cjs/api");
  const load = (): ProviderImpl => {
    const g = globalThis as { __secureStorageTsx?: boolean };
    if (!g.__secureStorageTsx) {
      require(tsxApi).register();
      g.__secureStorageTsx = true;
    }
    return require(implPath).provider as ProviderImpl;
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

/** Keys whose values differ (deep, via JSON) between two property bags. */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: string[]): string[] {
  return keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
}
