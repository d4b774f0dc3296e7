/**
 * The stack output `storage`: what applications and `npm run verify` consume.
 * `secret` values are Pulumi secrets in the stack output.
 */
import type { Access, CorsRule, Presign, Provider } from "./spec";

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
  cors: CorsRule[];
  keys: Record<string, KeyContract>;
}

export interface StorageContract {
  buckets: Record<string, BucketContract>;
}
