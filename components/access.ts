/**
 * One place that turns a key's `{access, prefixes}` into each provider's least-privilege grant.
 * Nothing here ever grants a `*` action or a `*` resource: object actions are limited to
 * `bucket/prefix*`, and listing is limited to the prefixes by an `s3:prefix` condition. Deny
 * statements reach the whole (single) bucket: history is off limits everywhere in it.
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
 * History (issue 19): application keys never list, read or delete non-current versions, never
 * change retention or legal hold, and never suspend versioning. Recovery is the operator's job.
 * Denied explicitly, so no other policy attached to the identity can grant them back. Every name
 * here is one MinIO parses, and none of them, denied there, stops anything else a key needs
 * (test/e2e/history-minio.test.ts). Kept short: a user's inline IAM policies share 2048 characters.
 */
export const S3_HISTORY_OBJECT_ACTIONS = [
  "s3:BypassGovernanceRetention",
  "s3:DeleteObjectVersion",
  "s3:PutObjectLegalHold",
  "s3:PutObjectRetention",
];
export const S3_HISTORY_BUCKET_ACTIONS = ["s3:ListBucketVersions", "s3:PutBucketVersioning"];

/**
 * Reading a version on AWS is `s3:GetObjectVersion`; AWS-only because MinIO reads any statement on
 * s3:GetObjectVersion as one on s3:GetObject too, so this Deny would stop every read there.
 */
export const AWS_ONLY_HISTORY_OBJECT_ACTIONS = ["s3:GetObjectVersion"];

/** What MinIO cannot express of the history rule (test/e2e/history-minio.test.ts), for the README. */
export const MINIO_HISTORY_LIMITS =
  "MinIO authorizes ListObjectVersions with s3:ListBucket and no Deny stops it, so a key with list access " +
  "can list object versions (ids, sizes, names of deleted objects) under its own prefixes; it cannot read, " +
  "copy or delete them, nor change retention or legal hold.";

/** What every key may do whatever its access: SDKs (minio-js, older AWS SDKs) ask for the region first. */
const bucketLocation = (bucketArn: string): PolicyStatement => ({
  Sid: "BucketLocation",
  Effect: "Allow",
  Action: ["s3:GetBucketLocation"],
  Resource: [bucketArn],
});

function historyDenies(bucketArn: string): PolicyStatement[] {
  return [
    { Sid: "DenyObjectHistory", Effect: "Deny", Action: [...S3_HISTORY_OBJECT_ACTIONS], Resource: [`${bucketArn}/*`] },
    { Sid: "DenyBucketHistory", Effect: "Deny", Action: [...S3_HISTORY_BUCKET_ACTIONS], Resource: [bucketArn] },
    // MinIO authorizes GET, HEAD and copy-source ?versionId as s3:GetObject. On AWS those requests
    // are s3:GetObjectVersion and a GetObject request has no s3:versionid, so this never matches there.
    {
      Sid: "DenyReadsByVersionId",
      Effect: "Deny",
      Action: ["s3:GetObject"],
      Resource: [`${bucketArn}/*`],
      Condition: { StringLike: { "s3:versionid": ["?*"] } },
    },
  ];
}

/**
 * The IAM policy document for one key on one bucket (AWS IAM language; MinIO speaks it too):
 * what its access grants, the bucket location, and the history denies. `bucketArn` is
 * `arn:aws:s3:::<bucket>`. AWS denies a little more (awsKeyPolicy).
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
  statements.push(bucketLocation(bucketArn), ...historyDenies(bucketArn));
  return { Version: "2012-10-17", Statement: statements };
}

/** The AWS document: the shared one, its object-history deny also naming what only AWS may deny by name. */
export function awsKeyPolicy(bucketArn: string, grant: KeyGrant): PolicyDocument {
  const doc = s3KeyPolicy(bucketArn, grant);
  // One statement, not a second one: a user's inline IAM policies share 2048 characters.
  const history = doc.Statement.find((st) => st.Sid === "DenyObjectHistory")!;
  history.Action = [...history.Action, ...AWS_ONLY_HISTORY_OBJECT_ACTIONS].sort();
  return doc;
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
