/**
 * The seam between the provider-neutral program and each provider folder.
 *
 * A provider is one folder under `components/<provider>/` exporting a `ProviderAdapter` from
 * `adapter.ts`, plus one line in `registry.ts`. The program (stacks/) never names a provider:
 * it validates `storage:<provider>` settings and each bucket's `options` with the adapter's
 * schemas, asks the adapter what the provider cannot do, and then builds every bucket.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { BucketContract, ContractInput } from "./contract";
import type { BucketSpec, Provider } from "./spec";

export interface BucketBuild<S, O> {
  /** Logical name from config (`storage:buckets.<logical>`), also the component's resource name. */
  logical: string;
  /** Stack-unique physical name (naming.ts); adapters may derive a provider-legal variant. */
  bucketName: string;
  spec: BucketSpec;
  /** Parsed `storage:<provider>` stack config. */
  settings: S;
  /** Parsed `storage:buckets.<logical>.options` for this provider. */
  options: O;
  stack: string;
}

export interface BuiltBucket {
  /** This bucket's entry in the `storage` stack output. */
  contract: ContractInput<BucketContract>;
}

export interface ProviderAdapter<S = unknown, O = unknown> {
  readonly provider: Provider;
  /** Schema of the `storage:<provider>` stack config (required when any bucket uses the provider). */
  readonly settings: z.ZodType<S>;
  /** Schema of a bucket's provider-specific `options` (each hardening knob one named field). */
  readonly bucketOptions: z.ZodType<O>;
  /**
   * What the spec asks for that this provider cannot do, as `storage:buckets.<logical>...: message`
   * strings. Checked before any resource is registered, so nothing is silently dropped.
   */
  specProblems(logical: string, spec: BucketSpec, options: O, settings: S): string[];
  /**
   * What this run needs from the environment and lacks (admin credentials that config and state
   * must never hold), as one `storage:<provider>...: message` line each, naming the variables.
   * `dryRun` is true for a preview. Checked with the spec, before any resource is registered.
   */
  environmentProblems?(settings: S, dryRun: boolean): string[];
  /**
   * What the provider's server says about this run (reachable, credentials accepted, keys that
   * exist), once per stack after environmentProblems passed; one line per problem, as above.
   */
  preflight?(settings: S, dryRun: boolean): Promise<string[]>;
  /** Build one bucket (a ComponentResource) and return its contract. */
  bucket(build: BucketBuild<S, O>, opts?: pulumi.ComponentResourceOptions): BuiltBucket;
  /** Resources shared by all of this provider's buckets in the stack (e.g. MinIO's server-wide CORS). */
  shared?(buckets: Record<string, BucketSpec>, settings: S, stack: string): void;
}

/** Identity helper that keeps S and O inferred at the definition site. */
export function defineAdapter<S, O>(adapter: ProviderAdapter<S, O>): ProviderAdapter<S, O> {
  return adapter;
}
