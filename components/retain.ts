/**
 * The provider-neutral retain rule as Pulumi resource options (spec.ts `retain`, `retains()`).
 * Adapters spread `retainOptions(spec)` into the options of each resource that holds data or the
 * key to read it, and `guardOptions(spec)` into the separate resources that harden it (public
 * access block, TLS-only policy, encryption, versioning, access logging, blob service settings).
 * Keys and their policies stay destroyable: credentials are not data.
 */
import type * as pulumi from "@pulumi/pulumi";
import { retains, type BucketSpec } from "./spec";

/**
 * `protect` makes `pulumi destroy` (and a replacement) refuse; `retainOnDelete` makes a deliberate
 * removal (`pulumi state unprotect` then destroy, or dropping the bucket from config) leave the
 * data in the cloud instead of deleting it. Not retained: no options, so a caller's own
 * `protect` on the component still reaches its children.
 */
export function retainOptions(spec: Pick<BucketSpec, "retain" | "forceDestroy">): pulumi.CustomResourceOptions {
  return retains(spec) ? { protect: true, retainOnDelete: true } : {};
}

/**
 * `pulumi destroy` deletes dependents before it reaches a protected bucket and refuses there, so a
 * retained bucket's hardening would be gone by then: it is protected too. Not `retainOnDelete`: a
 * spec change that drops a setting (logging, a lifecycle rule) must still remove it.
 */
export function guardOptions(spec: Pick<BucketSpec, "retain" | "forceDestroy">): pulumi.CustomResourceOptions {
  return retains(spec) ? { protect: true } : {};
}
