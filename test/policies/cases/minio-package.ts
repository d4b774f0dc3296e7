/**
 * Hand-written `@pulumi/minio` resources, with inputs exactly as the engine passes them to the pack
 * (the package's own Args types keep the property names honest). Documents go through the same
 * rules as the component's MinIO policies.
 */
import type * as minio from "@pulumi/minio";
import type { ResourceCase } from "../harness";
import { doc, U, PREVIEW } from "../harness";

const T = (n: string) => `minio:index/${n[0].toLowerCase()}${n.slice(1)}:${n}`;
const bucket = { bucket: "reports", acl: "private" } satisfies minio.S3BucketArgs;
/** `mc anonymous set download reports` writes this bucket policy. */
const anonymousDownload = doc(
  { Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: ["arn:aws:s3:::reports"] },
  { Effect: "Allow", Principal: { AWS: ["*"] }, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::reports/*"] },
);
const tlsOnly = doc({ Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } });
const scoped = doc({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::reports/app/*"] });
const everything = doc({ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] });
const policyCases = (type: string, base: Record<string, unknown>): ResourceCase[] => [
  { policy: "minio-policy-least-privilege", title: `${type}: scoped to one prefix`, type: T(type), props: { ...base, policy: scoped } },
  { policy: "minio-policy-least-privilege", title: `${type}: s3:* on arn:aws:s3:::*`, type: T(type), props: { ...base, policy: everything }, bad: [/"s3:\*"/, /"arn:aws:s3:::\*"/] },
  { policy: "minio-policy-least-privilege", title: `${type}: policy unknown`, preview: PREVIEW, type: T(type), props: { ...base, policy: U.string } },
];

export const minioPackageCases: ResourceCase[] = [
  // canned bucket ACLs
  { policy: "minio-s3-bucket-private-acl", title: "private", type: T("S3Bucket"), props: bucket },
  { policy: "minio-s3-bucket-private-acl", title: "acl omitted (private)", type: T("S3Bucket"), props: { bucket: "reports" } satisfies minio.S3BucketArgs },
  { policy: "minio-s3-bucket-private-acl", title: "acl unknown", preview: PREVIEW, type: T("S3Bucket"), props: { bucket: "reports", acl: U.string } },
  ...["public", "public-read", "public-read-write", "public-write"].map(
    (acl): ResourceCase => ({ policy: "minio-s3-bucket-private-acl", title: acl, type: T("S3Bucket"), props: { ...bucket, acl }, bad: [new RegExp(`acl is "${acl}"`)] }),
  ),
  // bucket policies: anonymous Allow is public, a TLS-only Deny is not
  { policy: "minio-policy-not-public", title: "TLS-only Deny with Principal *", type: T("S3BucketPolicy"), props: { bucket: "reports", policy: tlsOnly } satisfies minio.S3BucketPolicyArgs },
  { policy: "minio-policy-not-public", title: "mc anonymous set download", type: T("S3BucketPolicy"), props: { bucket: "reports", policy: anonymousDownload }, bad: [/statement 0 allows Principal "\*"/, /statement 1 allows Principal "\*"/] },
  {
    policy: "minio-policy-not-public",
    title: 'Principal "*" string, next to a TLS-only Deny',
    type: T("S3BucketPolicy"),
    props: { bucket: "reports", policy: doc(JSON.parse(tlsOnly).Statement[0], { Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/*" }) },
    bad: [/statement 1 allows Principal "\*"/],
  },
  { policy: "minio-policy-not-public", title: "policy unknown", preview: PREVIEW, type: T("S3BucketPolicy"), props: { bucket: "reports", policy: U.string } },
  // identity policies
  ...policyCases("IamPolicy", { name: "reports-app" } satisfies Partial<minio.IamPolicyArgs>),
  ...policyCases("IamGroupPolicy", { group: "analysts", name: "reports" } satisfies Partial<minio.IamGroupPolicyArgs>),
  ...policyCases("IamServiceAccount", { targetUser: "app" } satisfies Partial<minio.IamServiceAccountArgs>),
  { policy: "minio-policy-least-privilege", title: "IamServiceAccount without inline policy (inherits its user's)", type: T("IamServiceAccount"), props: { targetUser: "app" } satisfies minio.IamServiceAccountArgs },
  { policy: "minio-policy-least-privilege", title: "IamPolicy without a document", type: T("IamPolicy"), props: { name: "p", policy: "" } satisfies minio.IamPolicyArgs, bad: [/policy has no document/] },
  {
    policy: "minio-policy-least-privilege",
    title: "IamPolicy with an admin action",
    type: T("IamPolicy"),
    props: { name: "p", policy: doc({ Effect: "Allow", Action: ["admin:*"], Resource: ["arn:minio:admin:::*"] }) } satisfies minio.IamPolicyArgs,
    bad: [/admin action "admin:\*"/],
  },
  // built-in policies attached to users and groups
  { policy: "minio-iam-no-built-in-policy", title: "user gets a scoped policy", type: T("IamUserPolicyAttachment"), props: { userName: "app", policyName: "reports-app" } satisfies minio.IamUserPolicyAttachmentArgs },
  { policy: "minio-iam-no-built-in-policy", title: "user gets readwrite", type: T("IamUserPolicyAttachment"), props: { userName: "app", policyName: "readwrite" }, bad: [/built-in policy "readwrite"/] },
  { policy: "minio-iam-no-built-in-policy", title: "group gets consoleAdmin", type: T("IamGroupPolicyAttachment"), props: { groupName: "ops", policyName: "consoleAdmin" } satisfies minio.IamGroupPolicyAttachmentArgs, bad: [/"consoleAdmin"/] },
  { policy: "minio-iam-no-built-in-policy", title: "policy name unknown", preview: PREVIEW, type: T("IamGroupPolicyAttachment"), props: { groupName: "ops", policyName: U.string } },
  // SSE and versioning as resources of their own
  { policy: "minio-bucket-encryption", title: "SSE with a KMS key", type: T("S3BucketServerSideEncryption"), props: { bucket: "reports", encryptionType: "aws:kms", kmsKeyId: "reports-key" } satisfies minio.S3BucketServerSideEncryptionArgs },
  { policy: "minio-bucket-encryption", title: "SSE without a key", type: T("S3BucketServerSideEncryption"), props: { bucket: "reports", encryptionType: "aws:kms", kmsKeyId: "" }, bad: [/kmsKeyId is not set/] },
  { policy: "minio-bucket-encryption", title: "SSE of another type", type: T("S3BucketServerSideEncryption"), props: { bucket: "reports", encryptionType: "AES256", kmsKeyId: "k" }, bad: [/encryptionType is "AES256"; it must be "aws:kms"/] },
  { policy: "minio-bucket-versioning", title: "Enabled", type: T("S3BucketVersioning"), props: { bucket: "reports", versioningConfiguration: { status: "Enabled" } } satisfies minio.S3BucketVersioningArgs },
  { policy: "minio-bucket-versioning", title: "Suspended", type: T("S3BucketVersioning"), props: { bucket: "reports", versioningConfiguration: { status: "Suspended" } }, bad: [/versioningConfiguration.status is "Suspended"; it must be "Enabled"/] },
  { policy: "minio-bucket-versioning", title: "status unknown", preview: PREVIEW, type: T("S3BucketVersioning"), props: { bucket: "reports", versioningConfiguration: { status: U.string } } },
  // ILM
  {
    policy: "minio-ilm-keeps-history",
    title: "expire current after 90d, noncurrent after 30 days",
    type: T("IlmPolicy"),
    props: { bucket: "reports", rules: [{ id: "expire", expiration: "90d" }, { id: "nc", noncurrentVersionExpirationDays: 30 }] } satisfies minio.IlmPolicyArgs,
  },
  {
    policy: "minio-ilm-keeps-history",
    title: "noncurrent versions gone after 1 day (a disabled rule does not count)",
    type: T("IlmPolicy"),
    props: { bucket: "reports", rules: [{ id: "off", noncurrentVersionExpirationDays: 0, status: "Disabled" }, { id: "nc", noncurrentVersionExpirationDays: 1 }] },
    bad: [/rules\[1\] expires noncurrent versions after 1 day/],
  },
  { policy: "storage-no-force-destroy", title: "S3Bucket forceDestroy", type: T("S3Bucket"), props: { ...bucket, forceDestroy: true }, bad: [/forceDestroy is true/] },
  { policy: "storage-no-force-destroy", title: "S3Bucket without forceDestroy", type: T("S3Bucket"), props: bucket },
];
