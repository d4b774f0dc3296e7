/**
 * Hand-written `@pulumi/minio` resources: what only that package can express (canned bucket ACLs,
 * policy attachments, ILM rules, SSE and versioning as separate resources). Policy documents are
 * judged by the rules in minio.ts, through the one walker in iam.ts.
 */
import { resourcePolicy, stackPolicy, type StackResource, type StackViolation, type StoragePolicy } from "../policy";
import { at, isUnknown, list } from "../props";
import { missingCompanions, ofType, shownName } from "./stack";
import { MINIO_PKG } from "./types";

/** MinIO's built-in policies reach every bucket (readwrite is s3:* on arn:aws:s3:::*). */
const BUILT_IN = ["readwrite", "readonly", "writeonly", "diagnostics", "consoleAdmin"];
/** Noncurrent versions are the recovery path; a week matches the soft-delete floor elsewhere. */
const MIN_NONCURRENT_DAYS = 7;

const bucketLabel = (b: StackResource) => `MinIO bucket "${shownName(b)}"`;

/** Principals each policy is attached to, by policy name. */
function attachments(all: StackResource[]): Map<string, { urn: string; principals: Set<string> }> {
  const out = new Map<string, { urn: string; principals: Set<string> }>();
  for (const a of ofType(all, MINIO_PKG.attachment)) {
    const { policyName, userName, groupName } = a.props;
    const [kind, who] = userName !== undefined ? ["user", userName] : ["group", groupName];
    if (typeof policyName !== "string" || isUnknown(policyName) || typeof who !== "string" || isUnknown(who)) continue;
    const entry = out.get(policyName) ?? { urn: a.urn, principals: new Set<string>() };
    entry.principals.add(`${kind} "${who}"`);
    out.set(policyName, entry);
  }
  return out;
}

export const minioPackagePolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "minio-s3-bucket-private-acl",
    summary: 'MinIO S3Bucket acl must be "private" (or omitted): public, public-read, public-write and public-read-write open it to anyone.',
    controls: ["equivalent of AWS FSBP S3.2 / S3.3", "CKV_AWS_20", "CKV_AWS_57"],
    providers: ["minio"],
    guard: "public-access",
    types: [...MINIO_PKG.bucket],
    check: (p) =>
      p.acl === undefined || p.acl === null || isUnknown(p.acl) || p.acl === "private"
        ? []
        : [`acl is ${JSON.stringify(p.acl)}: anonymous requests reach the bucket; it must be "private"`],
  }),
  resourcePolicy({
    name: "minio-iam-no-built-in-policy",
    summary:
      "MinIO users and groups must not be attached a built-in policy (readwrite, readonly, writeonly, diagnostics, consoleAdmin): " +
      "each reaches every bucket.",
    controls: ["equivalent of AWS FSBP IAM.1", "equivalent of CKV_AWS_274"],
    providers: ["minio"],
    guard: "least-privilege",
    types: [...MINIO_PKG.attachment],
    check: (p) =>
      typeof p.policyName === "string" && BUILT_IN.includes(p.policyName)
        ? [`attaches the built-in policy "${p.policyName}", which reaches every bucket on the server: attach one scoped to one bucket`]
        : [],
  }),
  resourcePolicy({
    name: "minio-ilm-keeps-history",
    summary:
      `MinIO ILM rules must keep noncurrent versions at least ${MIN_NONCURRENT_DAYS} days ` +
      "(noncurrentVersionExpirationDays), the window to recover an overwrite or delete.",
    controls: ["equivalent of AWS FSBP S3.14", "equivalent of CIS Azure 3.11"],
    providers: ["minio"],
    guard: "data-protection",
    types: [...MINIO_PKG.ilm],
    check: (p) =>
      list(p.rules).flatMap((r, i) => {
        const days = at(r, "noncurrentVersionExpirationDays");
        if (typeof days !== "number" || days >= MIN_NONCURRENT_DAYS || at(r, "status") === "Disabled") return [];
        return [`rules[${i}] expires noncurrent versions after ${days} day(s); keep them at least ${MIN_NONCURRENT_DAYS}`];
      }),
  }),
  stackPolicy({
    name: "minio-stack-policy-single-principal",
    summary: "A MinIO policy may be attached to one user or group only: one scoped key per policy, so revoking one never cuts another.",
    controls: ["CIS Controls v8 6.8", "equivalent of AWS FSBP IAM.21"],
    providers: ["minio"],
    guard: "least-privilege",
    types: [...MINIO_PKG.attachment],
    check: (all) =>
      [...attachments(all)]
        .filter(([, a]) => a.principals.size > 1)
        .map(([name, a]): StackViolation => {
          const who = [...a.principals].sort().join(", ");
          return { urn: a.urn, message: `policy "${name}" is attached to ${who}: attach each policy to one principal` };
        }),
  }),
  stackPolicy({
    name: "minio-stack-encryption-companions",
    summary: "Every MinIO S3Bucket must have an S3BucketServerSideEncryption (the package has no inline default encryption).",
    controls: ["equivalent of AWS FSBP S3.17", "CKV_AWS_145"],
    providers: ["minio"],
    guard: "encryption",
    types: [...MINIO_PKG.bucket, ...MINIO_PKG.encryption],
    check: (all) =>
      missingCompanions(
        ofType(all, MINIO_PKG.bucket),
        all,
        [{ what: "default encryption (minio.S3BucketServerSideEncryption)", types: MINIO_PKG.encryption, field: "bucket" }],
        bucketLabel,
      ),
  }),
  stackPolicy({
    name: "minio-stack-versioning-companions",
    summary: "Every MinIO S3Bucket must have an S3BucketVersioning (buckets start unversioned).",
    controls: ["equivalent of AWS FSBP S3.14", "CKV_AWS_21"],
    providers: ["minio"],
    guard: "data-protection",
    types: [...MINIO_PKG.bucket, ...MINIO_PKG.versioning],
    check: (all) =>
      missingCompanions(
        ofType(all, MINIO_PKG.bucket),
        all,
        [{ what: "versioning (minio.S3BucketVersioning)", types: MINIO_PKG.versioning, field: "bucket" }],
        bucketLabel,
      ),
  }),
];
