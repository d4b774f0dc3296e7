/**
 * One place that turns a key's `{access, prefixes}` into each provider's least-privilege grant.
 * Nothing here ever grants a `*` action or a `*` resource: object actions are limited to
 * `bucket/prefix*`, and listing is limited to the prefixes by an `s3:prefix` condition.
 */
import type { Access, KeySpec } from "./spec";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[] | string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export type KeyGrant = Pick<KeySpec, "access" | "prefixes">;

/** Object actions per access, as S3 (and MinIO) name them. Sorted so documents are canonical. */
export const S3_OBJECT_ACTIONS: Record<Exclude<Access, "list">, string[]> = {
  read: ["s3:GetObject"],
  // Multipart uploads need to be abortable and resumable by the writer.
  write: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
  delete: ["s3:DeleteObject"],
};

const SIDS: Record<Access, string> = { read: "ReadObjects", write: "WriteObjects", delete: "DeleteObjects", list: "ListObjects" };

/**
 * The IAM policy document for one key on one bucket (AWS IAM language; MinIO speaks it too).
 * `bucketArn` is `arn:aws:s3:::<bucket>`.
 */
export function s3KeyPolicy(bucketArn: string, grant: KeyGrant): PolicyDocument {
  if (!/^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketArn)) {
    throw new Error(`s3KeyPolicy: "${bucketArn}" is not a single-bucket ARN`);
  }
  const objectPatterns = grant.prefixes.length ? grant.prefixes.map((p) => `${p}*`) : ["*"];
  const objectResources = objectPatterns.map((p) => `${bucketArn}/${p}`).sort();
  const statements: PolicyStatement[] = [];
  for (const access of ["read", "write", "delete"] as const) {
    if (!grant.access.includes(access)) continue;
    statements.push({ Sid: SIDS[access], Effect: "Allow", Action: [...S3_OBJECT_ACTIONS[access]], Resource: objectResources });
  }
  if (grant.access.includes("list")) {
    const list: PolicyStatement = { Sid: SIDS.list, Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] };
    // A whole-bucket key may list the whole (single) bucket; a scoped key only its prefixes.
    if (grant.prefixes.length) list.Condition = { StringLike: { "s3:prefix": [...objectPatterns].sort() } };
    statements.push(list);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Canonical JSON (sorted object keys) so a stored policy never shows a spurious diff. */
export function canonicalJson(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, norm((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(norm(value));
}

/** True if `objectKey` lies under one of the grant's prefixes (or the grant is whole-bucket). */
export function grantCovers(grant: KeyGrant, objectKey: string): boolean {
  return grant.prefixes.length === 0 || grant.prefixes.some((p) => objectKey.startsWith(p));
}
