/** Read and validate the stack config before any resource is registered. */
import * as pulumi from "@pulumi/pulumi";
import { ADAPTERS } from "../components/registry";
import { issueProblem, parseStorageSpec, SpecError, PROVIDERS, type Provider, type StorageSpec } from "../components/spec";

export interface StackConfig {
  spec: StorageSpec;
  /** Parsed `storage:<provider>` settings, for each provider a bucket uses. */
  settings: Partial<Record<Provider, unknown>>;
  /** Parsed `options` per logical bucket. */
  options: Record<string, unknown>;
}

export type RawStackConfig = { buckets: unknown } & Partial<Record<Provider, unknown>>;

/** Parse raw config values (`storage:buckets`, `storage:<provider>`); throws SpecError naming every bad path. */
export function parseStackConfig(raw: RawStackConfig): StackConfig {
  const problems: string[] = [];
  let spec: StorageSpec | undefined;
  try {
    spec = parseStorageSpec({ buckets: raw.buckets });
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    problems.push(...e.problems);
  }
  const buckets = Object.entries(spec?.buckets ?? {});
  const settings: StackConfig["settings"] = {};
  for (const provider of PROVIDERS) {
    const used = buckets.some(([, b]) => b.provider === provider);
    if (!used && raw[provider] === undefined) continue;
    const adapter = ADAPTERS[provider];
    if (!adapter) {
      for (const [logical, b] of buckets) {
        if (b.provider === provider) problems.push(`storage:buckets.${logical}.provider: "${provider}" is not deployable by this program`);
      }
      continue;
    }
    if (raw[provider] === undefined) {
      problems.push(`storage:${provider}: required when a bucket uses provider ${provider}`);
      continue;
    }
    const parsed = adapter.settings.safeParse(raw[provider]);
    if (parsed.success) settings[provider] = parsed.data;
    else for (const i of parsed.error.issues) problems.push(issueProblem(`storage:${provider}`, i));
  }
  const options: Record<string, unknown> = {};
  for (const [logical, bucket] of buckets) {
    const adapter = ADAPTERS[bucket.provider];
    if (!adapter) continue;
    const parsed = adapter.bucketOptions.safeParse(bucket.options);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push(issueProblem(`storage:buckets.${logical}.options`, i));
      continue;
    }
    options[logical] = parsed.data;
    if (bucket.provider in settings) problems.push(...adapter.specProblems(logical, bucket, parsed.data, settings[bucket.provider]));
  }
  if (problems.length || !spec) throw new SpecError(problems);
  return { spec, settings, options };
}

export function readStackConfig(): StackConfig {
  const cfg = new pulumi.Config("storage");
  const raw: RawStackConfig = { buckets: cfg.requireObject("buckets") };
  for (const provider of PROVIDERS) {
    const value = cfg.getObject<unknown>(provider);
    if (value !== undefined) raw[provider] = value;
  }
  return parseStackConfig(raw);
}

/** Each provider at least one bucket uses, once. */
function providersInUse(spec: StorageSpec): Provider[] {
  return [...new Set(Object.values(spec.buckets).map((b) => b.provider))];
}

/** What the run needs from the environment and lacks, per provider in use (adapter.environmentProblems). */
export function environmentProblems({ spec, settings }: StackConfig, dryRun: boolean): string[] {
  return providersInUse(spec).flatMap((p) => ADAPTERS[p]?.environmentProblems?.(settings[p], dryRun) ?? []);
}

/** What each provider in use reports about its server for this run (adapter.preflight). */
export async function preflightProblems({ spec, settings }: StackConfig, dryRun: boolean): Promise<string[]> {
  const found = await Promise.all(providersInUse(spec).map((p) => ADAPTERS[p]?.preflight?.(settings[p], dryRun) ?? []));
  return found.flat();
}
