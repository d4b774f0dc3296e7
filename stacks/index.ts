/**
 * The Pulumi program: config -> validated StorageSpec -> one component per bucket -> `storage`.
 * Config is validated first, so a bad field fails the update before anything is registered.
 * No provider is named here: each one is an adapter (components/adapters.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { ADAPTERS } from "../components/adapters";
import type { BucketContract, ContractInput, StorageContract } from "../components/contract";
import { physicalBucketName } from "../components/naming";
import type { BucketSpec } from "../components/spec";
import { readStackConfig } from "./config";

export function program(): { storage: ContractInput<StorageContract> } {
  const { spec, settings, options } = readStackConfig();
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const contracts: Record<string, ContractInput<BucketContract>> = {};
  const byProvider = new Map<keyof typeof ADAPTERS, Record<string, BucketSpec>>();

  for (const [logical, bucket] of Object.entries(spec.buckets)) {
    const adapter = ADAPTERS[bucket.provider]!;
    const bucketName = physicalBucketName(project, stack, logical);
    contracts[logical] = adapter.bucket({ logical, bucketName, spec: bucket, settings: settings[bucket.provider], options: options[logical], stack }).contract;
    const group = byProvider.get(bucket.provider) ?? {};
    group[logical] = bucket;
    byProvider.set(bucket.provider, group);
  }
  for (const [provider, buckets] of byProvider) ADAPTERS[provider]!.shared?.(buckets, settings[provider], stack);

  return { storage: { buckets: contracts } };
}
