/**
 * The stack output `storage`: what applications and `npm run verify` consume.
 * `secret` values are Pulumi secrets in the stack output.
 */
import type { Access, CorsRule, Presign, Provider, UploadRule } from "./spec";

/** A static credential pair: an S3 access key, a B2 application key, or an Azure SAS token. */
export interface Credential {
  id: string;
  secret: string;
  generation: number;
  /** ISO time after which the provider refuses the credential (Azure stored access policies), if it expires. */
  expiresAt?: string;
}

interface KeyGrantContract {
  access: Access[];
  prefixes: string[];
}

/**
 * A key with static credentials in two rotation slots: `current`, and `previous` from a generation
 * bump until `retirePrevious` (npm run rotate).
 */
export interface StaticKeyContract extends KeyGrantContract {
  kind: "static";
  current: Credential;
  previous?: Credential;
}

/** An AWS IAM role that named principals assume: no static secret, sessions expire on their own. */
export interface RoleKeyContract extends KeyGrantContract {
  kind: "role";
  roleArn: string;
  maxSessionSeconds: number;
  externalId?: string;
}

/**
 * An Azure Entra ID principal with a role assignment on the container: it authenticates with its
 * own tokens, so there is nothing to rotate. With `userDelegationSas` it may also mint
 * user-delegation SAS URLs, capped by that assignment.
 */
export interface IdentityKeyContract extends KeyGrantContract {
  kind: "identity";
  principalId: string;
  /** Absent only in a stack output written before keys had a kind (lib/contract-upgrade.ts): unknown. */
  userDelegationSas?: boolean;
}

/** One spec key as the stack output carries it; `kind` says how applications authenticate. */
export type KeyContract = StaticKeyContract | RoleKeyContract | IdentityKeyContract;
export type KeyKind = KeyContract["kind"];

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
  /**
   * Headers every upload must carry because the bucket requires them. No adapter sets any today
   * (default encryption applies to uploads without SSE headers); clients and verify honour it.
   */
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
export type ContractInput<T> = T extends string
  ? string extends T
    ? import("@pulumi/pulumi").Input<T>
    : T // a literal (`kind`, `provider`, an access word) is known when the program runs: keeps unions discriminated
  : T extends number | boolean
  ? import("@pulumi/pulumi").Input<T>
  : T extends Array<infer U>
    ? ReadonlyArray<ContractInput<U>> | import("@pulumi/pulumi").Input<T>
    : { [K in keyof T]: ContractInput<T[K]> };

/** `k` narrowed to a static key; throws for a role or identity key, which has no secret to sign with. */
export function asStaticKey<K extends { kind: KeyKind }>(k: K | undefined): Extract<K, { kind: "static" }> {
  if (!k) throw new Error("no such key in the contract");
  if (k.kind !== "static") throw new Error(`${k.kind === "identity" ? "an" : "a"} ${k.kind} key has no static credential`);
  return k as Extract<K, { kind: "static" }>;
}

/** A bucket's keys with static credentials: the ones an S3 or SAS client can sign with. */
export function staticKeysOf(b: Pick<BucketContract, "keys">): Array<[string, StaticKeyContract]> {
  return Object.entries(b.keys).filter((e): e is [string, StaticKeyContract] => e[1].kind === "static");
}
