/**
 * The stack output `storage`: what applications and `npm run verify` consume.
 * `secret` values are Pulumi secrets in the stack output.
 */
import type { Access, CorsRule, Presign, Provider, UploadRule } from "./spec";

export interface Credential {
  id: string;
  secret: string;
  generation: number;
}

export interface KeyContract {
  access: Access[];
  prefixes: string[];
  current: Credential;
  previous?: Credential;
}

export interface BucketContract {
  provider: Provider;
  bucket: string;
  region?: string;
  /** S3-compatible endpoint, or the blob service URL on Azure. */
  endpoint: string;
  /** PEM CA bundle clients must trust for `endpoint` (private-CA deployments only). */
  caBundle?: string;
  presign: Presign;
  /** Upload limits the presign helpers (client/presign.ts) sign into every upload URL. */
  uploads?: UploadRule[];
  /** Headers every upload must carry because the bucket requires them (e.g. SSE-KMS on AWS). */
  uploadHeaders?: Record<string, string>;
  cors: CorsRule[];
  keys: Record<string, KeyContract>;
}

export interface StorageContract {
  buckets: Record<string, BucketContract>;
}

/**
 * The contract as a component builds it: plain objects holding Outputs, so that when exported
 * only the `secret` fields are secret in the stack output (an `apply` over everything would
 * make the whole contract one opaque secret).
 */
export type ContractInput<T> = T extends string | number | boolean
  ? import("@pulumi/pulumi").Input<T>
  : T extends Array<infer U>
    ? ReadonlyArray<ContractInput<U>> | import("@pulumi/pulumi").Input<T>
    : { [K in keyof T]: ContractInput<T[K]> };
