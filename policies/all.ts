/** Every policy of the pack, in the order the docs table lists them. Tests import from here. */
import type { Policies } from "@pulumi/policy";
import type { StoragePolicy } from "./policy";
import { awsPolicies } from "./rules/aws";
import { azurePolicies } from "./rules/azure";
import { b2Policies } from "./rules/b2";
import { commonPolicies } from "./rules/common";
import { gcpPolicies } from "./rules/gcp";
import { minioPolicies } from "./rules/minio";
import { minioPackagePolicies } from "./rules/minio-package";
import { stackPolicies } from "./rules/stack";

export const catalog: StoragePolicy[] = [...awsPolicies, ...azurePolicies, ...gcpPolicies, ...minioPolicies, ...minioPackagePolicies, ...b2Policies, ...commonPolicies, ...stackPolicies];

/** The CrossGuard policies the pack serves. */
export const policies: Policies = catalog.map((p) => p.policy);

export function policyNamed(name: string): StoragePolicy {
  const p = catalog.find((c) => c.name === name);
  if (!p) throw new Error(`no policy named "${name}"`);
  return p;
}
