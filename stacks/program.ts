/**
 * The Pulumi program: config -> validated StorageSpec -> one component per bucket -> `storage`.
 * Everything that keeps an update safe runs here, before any resource is registered, so the
 * Pulumi CLI, the npm shortcuts and the Automation API get the same guards (README, "The Pulumi CLI").
 * No provider is named here: each one is an adapter (components/registry.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { ADAPTERS } from "../components/registry";
import type { BucketContract, ContractInput, StorageContract } from "../components/contract";
import { physicalBucketName } from "../components/naming";
import { SpecError, type BucketSpec } from "../components/spec";
import { environmentProblems, preflightProblems, readStackConfig, type StackConfig } from "./config";
import { deployedStorage } from "./deployed";
import { generationProblems } from "./generations";

export interface ProgramOutputs {
  storage: ContractInput<StorageContract>;
}

/** Register every bucket of a validated config (no checks against the environment or the state). */
export function buildStorage({ spec, settings, options }: StackConfig): ProgramOutputs {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const contracts: Record<string, ContractInput<BucketContract>> = {};
  const byProvider = new Map<keyof typeof ADAPTERS, Record<string, BucketSpec>>();

  for (const [logical, bucket] of Object.entries(spec.buckets)) {
    const adapter = ADAPTERS[bucket.provider]!;
    const bucketName = physicalBucketName(project, stack, logical);
    const build = { logical, bucketName, spec: bucket, settings: settings[bucket.provider], options: options[logical], stack };
    contracts[logical] = adapter.bucket(build).contract;
    const group = byProvider.get(bucket.provider) ?? {};
    group[logical] = bucket;
    byProvider.set(bucket.provider, group);
  }
  for (const [provider, buckets] of byProvider) ADAPTERS[provider]!.shared?.(buckets, settings[provider], stack);

  return { storage: { buckets: contracts } };
}

/**
 * The whole program. Throws SpecError naming every bad config path (spec, provider settings,
 * missing or rejected admin environment, a server that does not answer, a generation that would
 * break applications) and then nothing is registered, so nothing changes.
 */
export async function program(): Promise<ProgramOutputs> {
  const config = readStackConfig();
  const dryRun = pulumi.runtime.isDryRun();
  const problems = environmentProblems(config, dryRun);
  if (problems.length) throw new SpecError(problems);
  const server = await preflightProblems(config, dryRun);
  if (server.length) throw new SpecError(server);
  const rotation = generationProblems(config.spec, await deployedStorage());
  if (rotation.length) throw new SpecError(rotation);
  return buildStorage(config);
}

/** Config -> resources without the environment and state guards (component tests under mocks). */
export function storageFromConfig(): ProgramOutputs {
  return buildStorage(readStackConfig());
}
