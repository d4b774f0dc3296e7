/**
 * Stack-level policies: what one resource cannot show on its own. Every bucket must have its
 * companions (public-access guard, encryption, lifecycle, logging), and no scoped key may reach
 * two buckets. Companions are linked to their bucket through the engine's property dependencies
 * (known even in preview) or, failing that, by the bucket/account name; when neither can be
 * decided yet, the bucket is skipped rather than reported.
 */
import { bucketsReached, isDocument, parseDocument } from "../iam";
import { stackPolicy, type StackResource, type StackViolation, type StoragePolicy } from "../policy";
import { asBool, at, isUnknown, knownStrings, type Plain, type Unknown, UNKNOWN } from "../props";
import { inlineEncryptionRules, inlineLifecycleRules, inlineLogging, inlineVersioning } from "./aws-inline";
import { AWS, AZURE, GCP, MINIO } from "./types";

export const ofType = (rs: StackResource[], types: readonly string[]) => rs.filter((r) => types.includes(r.type));

/** Names a companion may use to point at a target: bucket/account name or id. */
function targetNames(t: StackResource): string[] {
  return [t.props.bucket, t.props.id, t.props.name, t.props.accountName].filter((v): v is string => typeof v === "string" && !isUnknown(v));
}

/** How a message names a bucket or account: its bucket/account name, else its logical name. */
export const shownName = (t: StackResource) => targetNames(t)[0] ?? t.name;

function linked(c: StackResource, field: string, target: StackResource): boolean | Unknown {
  if ((c.propertyDependencies[field] ?? []).includes(target.urn)) return true;
  const v = c.props[field];
  if (isUnknown(v)) return UNKNOWN;
  return typeof v === "string" && targetNames(target).includes(v);
}

/** True/false whether `target` has a companion matching `ok`; UNKNOWN when that cannot be decided yet. */
function hasCompanion(target: StackResource, companions: StackResource[], field: string, ok: (c: StackResource) => boolean | Unknown = () => true): boolean | Unknown {
  let undecided = false;
  for (const c of companions) {
    const l = linked(c, field, target);
    const good = l === true ? ok(c) : l;
    if (good === true) return true;
    if (good === UNKNOWN) undecided = true;
  }
  return undecided ? UNKNOWN : false;
}

interface Requirement {
  what: string;
  types: readonly string[];
  field: string;
  ok?: (c: StackResource) => boolean | Unknown;
  /** The same setting made inline on the bucket resource itself. */
  inline?: (bucket: StackResource) => boolean;
}

export function missingCompanions(targets: StackResource[], all: StackResource[], reqs: Requirement[], label: (t: StackResource) => string): StackViolation[] {
  const out: StackViolation[] = [];
  for (const t of targets) {
    for (const req of reqs) {
      if (req.inline?.(t)) continue;
      if (hasCompanion(t, ofType(all, req.types), req.field, req.ok) === false) out.push({ urn: t.urn, message: `${label(t)} has no ${req.what}` });
    }
  }
  return out;
}

const awsBucketLabel = (b: StackResource) => `S3 bucket "${shownName(b)}"`;

/** Buckets that receive other buckets' access logs: they do not log to themselves (that would loop). */
function logTargets(all: StackResource[]): Set<string> {
  return new Set(ofType(all, AWS.logging).flatMap((l) => knownStrings(l.props.targetBucket)));
}

const known = (v: Plain) => v !== undefined && v !== null && !isUnknown(v);

function versionedInline(b: StackResource): boolean {
  const states = inlineVersioning(b.props);
  return Array.isArray(states) && states.length > 0 && states.every((e) => asBool(e) === true);
}

export const stackPolicies: StoragePolicy[] = [
  stackPolicy({
    name: "storage-stack-public-access-companions",
    summary: "Every S3 bucket must have a public access block and BucketOwnerEnforced ownership controls.",
    controls: ["AWS FSBP S3.8", "AWS FSBP S3.12", "CKV2_AWS_6", "CKV2_AWS_65"],
    providers: ["aws"],
    guard: "public-access",
    types: [...AWS.bucket, ...AWS.publicAccessBlock, ...AWS.ownership],
    check: (all) =>
      missingCompanions(
        ofType(all, AWS.bucket),
        all,
        [
          { what: "public access block (aws.s3.BucketPublicAccessBlock)", types: AWS.publicAccessBlock, field: "bucket" },
          { what: "ownership controls (aws.s3.BucketOwnershipControls)", types: AWS.ownership, field: "bucket" },
        ],
        awsBucketLabel,
      ),
  }),
  stackPolicy({
    name: "storage-stack-encryption-companions",
    summary: "Every S3 bucket must have default encryption and a bucket policy (which must deny non-TLS requests).",
    controls: ["AWS FSBP S3.17", "AWS FSBP S3.5", "CKV_AWS_145"],
    providers: ["aws"],
    guard: "encryption",
    types: [...AWS.bucket, ...AWS.encryption, ...AWS.policy],
    check: (all) =>
      missingCompanions(
        ofType(all, AWS.bucket),
        all,
        [
          {
            what: "default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
            types: AWS.encryption,
            field: "bucket",
            inline: (b) => known(inlineEncryptionRules(b.props)),
          },
          // An inline policy is held to TLS-only by aws-s3-tls-only like a BucketPolicy.
          { what: "bucket policy denying non-TLS requests (aws.s3.BucketPolicy)", types: AWS.policy, field: "bucket", inline: (b) => known(b.props.policy) },
        ],
        awsBucketLabel,
      ),
  }),
  stackPolicy({
    name: "storage-stack-lifecycle-companions",
    summary:
      "Every S3 bucket must have versioning and a lifecycle configuration; every Azure storage account must have blob service properties (soft delete).",
    controls: ["AWS FSBP S3.13", "AWS FSBP S3.14", "CKV2_AWS_61", "CIS Azure 3.11"],
    providers: ["aws", "azure"],
    guard: "data-protection",
    types: [...AWS.bucket, ...AWS.versioning, ...AWS.lifecycle, ...AZURE.account, ...AZURE.blobService],
    check: (all) => [
      ...missingCompanions(
        ofType(all, AWS.bucket),
        all,
        [
          { what: "versioning (aws.s3.BucketVersioning)", types: AWS.versioning, field: "bucket", inline: versionedInline },
          { what: "lifecycle configuration (aws.s3.BucketLifecycleConfiguration)", types: AWS.lifecycle, field: "bucket", inline: (b) => known(inlineLifecycleRules(b.props)) },
        ],
        awsBucketLabel,
      ),
      ...missingCompanions(
        ofType(all, AZURE.account),
        all,
        [{ what: "blob service properties with soft delete (azure-native.storage.BlobServiceProperties)", types: AZURE.blobService, field: "accountName" }],
        (a) => `storage account "${shownName(a)}"`,
      ),
    ],
  }),
  stackPolicy({
    name: "storage-stack-access-logging",
    summary: "Every S3 bucket must log server access (aws.s3.BucketLogging), except the buckets that receive the logs.",
    controls: ["AWS FSBP S3.9", "CKV_AWS_18"],
    providers: ["aws"],
    guard: "logging",
    types: [...AWS.bucket, ...AWS.logging],
    check: (all) => {
      const sinks = logTargets(all);
      const buckets = ofType(all, AWS.bucket).filter((b) => !targetNames(b).some((n) => sinks.has(n)));
      return missingCompanions(
        buckets,
        all,
        [{ what: "server access logging (aws.s3.BucketLogging)", types: AWS.logging, field: "bucket", inline: (b) => known(inlineLogging(b.props)) }],
        awsBucketLabel,
      );
    },
  }),
  stackPolicy({
    name: "azure-storage-shared-key-only-for-sas",
    summary:
      "Azure storage accounts must disable shared key access unless the spec issues SAS keys from it (stored access policies, which shared key signs).",
    controls: ["CKV2_AZURE_40"],
    providers: ["azure"],
    guard: "least-privilege",
    types: [...AZURE.account, ...AZURE.storedAccessPolicy],
    check: (all) => {
      const out: StackViolation[] = [];
      for (const a of ofType(all, AZURE.account)) {
        const sharedKey = asBool(a.props.allowSharedKeyAccess);
        if (isUnknown(sharedKey) || sharedKey === false) continue;
        if (hasCompanion(a, ofType(all, AZURE.storedAccessPolicy), "accountName") !== false) continue;
        out.push({
          urn: a.urn,
          message: `storage account "${shownName(a)}" allows shared key access (${sharedKey === undefined ? "the default" : "explicitly"}) but issues no SAS keys: set allowSharedKeyAccess to false`,
        });
      }
      return out;
    },
  }),
  stackPolicy({
    name: "storage-stack-key-single-bucket",
    summary:
      "No scoped key (AWS IAM user, role or group policies, a MinIO policy, a GCS service account) may reach more than one bucket; " +
      "B2 keys are held to one bucket by b2-key-scoped, MinIO keys (minio:Key) by minio-key-single-bucket.",
    controls: ["AWS FSBP IAM.21", "CKV_AWS_355", "CIS Controls v8 6.8"],
    providers: ["aws", "gcp", "minio"],
    guard: "least-privilege",
    // A stack policy sees outputs: a minio:Key keeps only its document's hash there.
    types: [...AWS.iamPolicy, ...MINIO.formerPolicy, ...GCP.iamMember, ...GCP.iamBinding],
    check: (all) => keyReach(all),
  }),
];

/** Buckets reached per key, keyed by the identity that holds the grant. */
function keyReach(all: StackResource[]): StackViolation[] {
  const reach = new Map<string, { urn: string; buckets: Set<string> }>();
  const add = (key: string, urn: string, buckets: Iterable<string>) => {
    const entry = reach.get(key) ?? { urn, buckets: new Set<string>() };
    for (const b of buckets) entry.buckets.add(b);
    reach.set(key, entry);
  };
  const holder: Record<string, string> = {
    "aws:iam/userPolicy:UserPolicy": "user",
    "aws:iam/rolePolicy:RolePolicy": "role",
    "aws:iam/groupPolicy:GroupPolicy": "group",
  };
  for (const r of [...ofType(all, AWS.iamPolicy), ...ofType(all, MINIO.formerPolicy)]) {
    const doc = parseDocument(MINIO.formerPolicy.includes(r.type as never) ? r.props.document : r.props.policy);
    if (!isDocument(doc)) continue;
    const who = holder[r.type] ? r.props[holder[r.type]] : undefined;
    const key = typeof who === "string" && !isUnknown(who) ? `${holder[r.type]} "${who}"` : `${r.type.split(":").pop()} "${r.name}"`;
    add(key, r.urn, bucketsReached(doc));
  }
  for (const r of [...ofType(all, GCP.iamMember), ...ofType(all, GCP.iamBinding)]) {
    const bucket = r.props.bucket;
    if (typeof bucket !== "string" || isUnknown(bucket)) continue;
    const members = [...knownStrings(r.props.member), ...knownStrings(r.props.members)].filter((m) => m.startsWith("serviceAccount:"));
    for (const m of members) add(m, r.urn, [bucket]);
  }
  const out: StackViolation[] = [];
  for (const [key, { urn, buckets }] of reach) {
    if (buckets.size > 1 || buckets.has("*")) out.push({ urn, message: `${key} reaches ${[...buckets].sort().map((b) => `"${b}"`).join(", ")}: a scoped key must reach exactly one bucket` });
  }
  return out;
}
