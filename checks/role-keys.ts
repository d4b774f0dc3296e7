/**
 * AWS keys served by an IAM role (`kind: "role"` in the contract) have no secret to probe with.
 */
import type { BucketContract } from "../components/contract";
import { skipped, type ProbeResult } from "./report";

/**
 * No local stand-in evaluates IAM roles (MinIO's STS ignores the role ARN and answers with the
 * caller's own policy), and the operator running verify is not one of the role's trusted
 * principals, so a role key's grant cannot be exercised: one skipped row per role key says so.
 */
export function roleKeyRows(logical: string, b: BucketContract): ProbeResult[] {
  return Object.entries(b.keys).flatMap(([name, k]) =>
    k.kind !== "role"
      ? []
      : [
          skipped(
            { bucket: logical, key: name, probe: `role key ${k.access.join(",")} (${k.roleArn})`, expect: "contain" },
            "an IAM role key has no secret: probing it needs sts:AssumeRole as one of its trusted principals " +
              "on real AWS, and no local stand-in evaluates IAM roles",
          ),
        ],
  );
}
