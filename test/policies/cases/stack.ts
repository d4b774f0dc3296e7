import type { StackCase, TestResource } from "../harness";
import { doc, U } from "../harness";

const grant = (bucket: string) => ({ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${bucket}/*`] });

/** An S3 bucket with every companion, linked by name (`byDeps`: linked only by dependency, names unknown as in preview). */
function awsBucket(name: string, opts: { omit?: string[]; byDeps?: boolean } = {}): TestResource[] {
  const omit = new Set(opts.omit ?? []);
  const link = opts.byDeps ? { props: { bucket: U.string }, deps: { bucket: [name] } } : { props: { bucket: name } };
  const companion = (kind: string, type: string, props: Record<string, unknown>): TestResource[] =>
    omit.has(kind) ? [] : [{ type, name: `${name}-${kind}`, props: { ...link.props, ...props }, ...(link.deps ? { deps: link.deps } : {}) }];
  return [
    { type: "aws:s3/bucket:Bucket", name, props: { bucket: opts.byDeps ? U.string : name } },
    ...companion("pab", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }),
    ...companion("ownership", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    ...companion("sse", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
    ...companion("policy", "aws:s3/bucketPolicy:BucketPolicy", { policy: "{}" }),
    ...companion("versioning", "aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled" } }),
    ...companion("lifecycle", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [] }),
    ...companion("logging", "aws:s3/bucketLogging:BucketLogging", { targetBucket: "logs", targetPrefix: `${name}/` }),
  ];
}
const logBucket: TestResource = { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "logs" } };
const logBucketBaseline = awsBucket("logs", { omit: ["logging"] }).slice(1);

const account = (name: string, props: Record<string, unknown> = {}): TestResource => ({
  type: "azure-native:storage:StorageAccount",
  name,
  props: { accountName: name, allowSharedKeyAccess: false, ...props },
});
const blobService = (acct: string): TestResource => ({ type: "azure-native:storage:BlobServiceProperties", name: `${acct}-blob`, props: { accountName: acct } });

const MINIO_BUCKET = "minio:index/s3Bucket:S3Bucket";
const MINIO_VERSIONING = "minio:index/s3BucketVersioning:S3BucketVersioning";
/** A hand-written `@pulumi/minio` bucket with its SSE and versioning resources. */
function minioBucket(name: string, opts: { omit?: string[]; byDeps?: boolean } = {}): TestResource[] {
  const link = opts.byDeps ? { props: { bucket: U.string }, deps: { bucket: [name] } } : { props: { bucket: name } };
  const companions: TestResource[] = [
    { type: "minio:index/s3BucketServerSideEncryption:S3BucketServerSideEncryption", name: `${name}-sse`, props: { ...link.props, encryptionType: "aws:kms", kmsKeyId: "k" } },
    { type: MINIO_VERSIONING, name: `${name}-versioning`, props: { ...link.props, versioningConfiguration: { status: "Enabled" } } },
  ];
  return [
    { type: MINIO_BUCKET, name, props: { bucket: opts.byDeps ? U.string : name, acl: "private" } },
    ...companions.filter((c) => !opts.omit?.some((o) => c.name.endsWith(`-${o}`))).map((c) => (link.deps ? { ...c, deps: link.deps } : c)),
  ];
}
const attach = (name: string, kind: "user" | "group", who: unknown, policyName: string): TestResource => ({
  type: `minio:index/iam${kind === "user" ? "User" : "Group"}PolicyAttachment:Iam${kind === "user" ? "User" : "Group"}PolicyAttachment`,
  name,
  props: { [`${kind}Name`]: who, policyName },
});

export const stackCases: StackCase[] = [
  // public access companions
  { policy: "storage-stack-public-access-companions", title: "bucket with every companion", resources: [...awsBucket("a"), logBucket, ...logBucketBaseline] },
  { policy: "storage-stack-public-access-companions", title: "linked only by dependency (preview)", resources: awsBucket("a", { byDeps: true }) },
  {
    policy: "storage-stack-public-access-companions",
    title: "bucket without public access block, other bucket without ownership controls",
    resources: [...awsBucket("a", { omit: ["pab"] }), ...awsBucket("b", { omit: ["ownership"] })],
    bad: [
      [/S3 bucket "a" has no public access block/, "a"],
      [/S3 bucket "b" has no ownership controls/, "b"],
    ],
  },
  {
    policy: "storage-stack-public-access-companions",
    title: "companion belongs to another bucket",
    resources: [...awsBucket("a"), { type: "aws:s3/bucket:Bucket", name: "b", props: { bucket: "b" } }],
    bad: [
      [/"b" has no public access block/, "b"],
      [/"b" has no ownership controls/, "b"],
    ],
  },
  {
    policy: "storage-stack-public-access-companions",
    title: "companion's bucket unknown and no dependency: undecided, nothing reported",
    resources: [...awsBucket("a", { omit: ["pab"] }), { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "x", props: { bucket: U.string } }],
  },
  // encryption companions
  { policy: "storage-stack-encryption-companions", title: "bucket with SSE and policy", resources: awsBucket("a") },
  {
    policy: "storage-stack-encryption-companions",
    title: "inline SSE on the bucket, policy present",
    resources: [{ type: "aws:s3/bucket:Bucket", name: "a", props: { bucket: "a", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } } }, ...awsBucket("a", { omit: ["sse"] }).slice(1)],
  },
  {
    policy: "storage-stack-encryption-companions",
    title: "no SSE, no bucket policy",
    resources: awsBucket("a", { omit: ["sse", "policy"] }),
    bad: [
      [/"a" has no default encryption/, "a"],
      [/"a" has no bucket policy denying non-TLS/, "a"],
    ],
  },
  // lifecycle companions
  { policy: "storage-stack-lifecycle-companions", title: "S3 bucket and Azure account with companions", resources: [...awsBucket("a"), account("acct"), blobService("acct")] },
  {
    policy: "storage-stack-lifecycle-companions",
    title: "no lifecycle, no versioning, account without blob service properties",
    resources: [...awsBucket("a", { omit: ["lifecycle", "versioning"] }), account("acct")],
    bad: [
      [/"a" has no versioning/, "a"],
      [/"a" has no lifecycle configuration/, "a"],
      [/storage account "acct" has no blob service properties/, "acct"],
    ],
  },
  // access logging
  { policy: "storage-stack-access-logging", title: "bucket logs to the log bucket, which is exempt", resources: [...awsBucket("a"), logBucket] },
  { policy: "storage-stack-access-logging", title: "bucket without logging", resources: awsBucket("a", { omit: ["logging"] }), bad: [[/"a" has no server access logging/, "a"]] },
  // shared key
  { policy: "azure-storage-shared-key-only-for-sas", title: "shared key off", resources: [account("acct")] },
  {
    policy: "azure-storage-shared-key-only-for-sas",
    title: "shared key on for a SAS-issuing account",
    resources: [account("acct", { allowSharedKeyAccess: true }), { type: "secure-storage:azure:StoredAccessPolicy", name: "sap", props: { accountName: "acct", containerName: "c", policyId: "k-g1" } }],
  },
  {
    policy: "azure-storage-shared-key-only-for-sas",
    title: "shared key on (default) without SAS keys",
    resources: [account("acct", { allowSharedKeyAccess: undefined }), account("other", { allowSharedKeyAccess: true }), { type: "secure-storage:azure:StoredAccessPolicy", name: "sap", props: { accountName: "other" } }],
    bad: [[/"acct" allows shared key access \(the default\) but issues no SAS keys/, "acct"]],
  },
  // one bucket per key
  {
    policy: "storage-stack-key-single-bucket",
    title: "one bucket per user, MinIO policy and service account",
    resources: [
      { type: "aws:iam/userPolicy:UserPolicy", name: "u1p", props: { user: "u1", policy: doc(grant("a")) } },
      { type: "aws:iam/userPolicy:UserPolicy", name: "u2p", props: { user: "u2", policy: doc(grant("b")) } },
      { type: "secure-storage:minio:Policy", name: "mp", props: { name: "mp", document: doc(grant("c"), { Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::c"] }) } },
      { type: "gcp:storage/bucketIAMMember:BucketIAMMember", name: "g1", props: { bucket: "g", member: "serviceAccount:k1@p.iam.gserviceaccount.com" } },
      { type: "gcp:storage/bucketIAMMember:BucketIAMMember", name: "g2", props: { bucket: "h", member: "serviceAccount:k2@p.iam.gserviceaccount.com" } },
      { type: "secure-storage:minio:Policy", name: "unknown", props: { name: "x", document: U.string } },
    ],
  },
  {
    policy: "storage-stack-key-single-bucket",
    title: "a user with policies on two buckets, a MinIO policy on two, a service account on two",
    resources: [
      { type: "aws:iam/userPolicy:UserPolicy", name: "u1a", props: { user: "u1", policy: doc(grant("a")) } },
      { type: "aws:iam/userPolicy:UserPolicy", name: "u1b", props: { user: "u1", policy: doc(grant("b")) } },
      { type: "secure-storage:minio:Policy", name: "mp", props: { name: "mp", document: doc(grant("c"), grant("d")) } },
      { type: "gcp:storage/bucketIAMMember:BucketIAMMember", name: "g1", props: { bucket: "g", member: "serviceAccount:k@p.iam.gserviceaccount.com" } },
      { type: "gcp:storage/bucketIAMBinding:BucketIAMBinding", name: "g2", props: { bucket: "h", members: ["serviceAccount:k@p.iam.gserviceaccount.com"] } },
    ],
    bad: [
      [/user "u1" reaches "a", "b"/, "u1a"],
      [/Policy "mp" reaches "c", "d"/, "mp"],
      [/serviceAccount:k@p.iam.gserviceaccount.com reaches "g", "h"/, "g1"],
    ],
  },
  // hand-written @pulumi/minio: SSE and versioning are resources of their own, attachments name policies
  { policy: "minio-stack-encryption-companions", title: "bucket with SSE (by name), bucket with SSE (by dependency)", resources: [...minioBucket("a"), ...minioBucket("b", { byDeps: true })] },
  {
    policy: "minio-stack-encryption-companions",
    title: "bucket without SSE; SSE of another bucket does not count",
    resources: [...minioBucket("a", { omit: ["sse"] }), ...minioBucket("b")],
    bad: [[/MinIO bucket "a" has no default encryption \(minio.S3BucketServerSideEncryption\)/, "a"]],
  },
  { policy: "minio-stack-versioning-companions", title: "bucket with versioning", resources: minioBucket("a") },
  { policy: "minio-stack-versioning-companions", title: "bucket without versioning", resources: minioBucket("a", { omit: ["versioning"] }), bad: [[/MinIO bucket "a" has no versioning/, "a"]] },
  {
    policy: "minio-stack-versioning-companions",
    title: "companion's bucket unknown, no dependency: undecided",
    resources: [...minioBucket("a", { omit: ["versioning"] }), { type: MINIO_VERSIONING, name: "v", props: { bucket: U.string, versioningConfiguration: { status: "Enabled" } } }],
  },
  {
    policy: "minio-stack-policy-single-principal",
    title: "one principal per policy",
    resources: [attach("u1", "user", "app", "p1"), attach("g1", "group", "ops", "p2"), attach("u2", "user", U.string, "p2")],
  },
  {
    policy: "minio-stack-policy-single-principal",
    title: "a policy attached to two users and a group",
    resources: [attach("u1", "user", "app", "p1"), attach("u2", "user", "batch", "p1"), attach("g1", "group", "ops", "p1"), attach("u3", "user", "other", "p3")],
    bad: [[/policy "p1" is attached to group "ops", user "app", user "batch"/, "u1"]],
  },
];
