/**
 * AWS keys served by an IAM role have no secret, so the stack output lists them under the
 * bucket's `roles` (not `keys`). Read here by shape, not through components/aws, so the checker
 * stays independent of the adapter.
 */
import type { BucketContract } from "../components/contract";
import type { Access } from "../components/spec";
import { skipped, type ProbeResult } from "./report";

export interface RoleKey {
  access: Access[];
  prefixes: string[];
  roleArn: string;
}

export function roleKeysOf(b: BucketContract): Record<string, RoleKey> {
  const roles = (b as BucketContract & { roles?: Record<string, RoleKey> }).roles;
  return roles && typeof roles === "object" ? roles : {};
}

/**
 * No local stand-in evaluates IAM roles (MinIO's STS ignores the role ARN and answers with the
 * caller's own policy), and the operator running verify is not one of the role's trusted
 * principals, so a role key's grant cannot be exercised: one skipped row per role key says so.
 */
export function roleKeyRows(logical: string, b: BucketContract): ProbeResult[] {
  return Object.entries(roleKeysOf(b)).map(([name, role]) =>
    skipped(
      { bucket: logical, key: name, probe: `role key ${role.access.join(",")} (${role.roleArn})`, expect: "contain" },
      "an IAM role key has no secret: probing it needs sts:AssumeRole as one of its trusted principals " +
        "on real AWS, and no local stand-in evaluates IAM roles",
    ),
  );
}
