/**
 * The provider-neutral retain rule as Pulumi resource options (spec.ts `retain`, `retains()`).
 * Adapters spread `retainOptions(spec)` into the options of each resource that holds data or the
 * key to read it, and of nothing else: keys, policies and settings stay destroyable.
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
