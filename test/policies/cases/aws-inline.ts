/**
 * Settings made inline on aws.s3.Bucket (v7: one object each) and aws.s3.BucketV2 (lists): each
 * rule that judges the companion resource judges the inline spelling too, bad and hardened.
 */
import type { ResourceCase } from "../harness";
import { doc, PREVIEW, U } from "../harness";

const BUCKET = "aws:s3/bucket:Bucket";
const V2 = "aws:s3/bucketV2:BucketV2";
const tlsDeny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
const kms = { sseAlgorithm: "aws:kms" };

export const awsInlineCases: ResourceCase[] = [
  // aws-s3-no-public-acl: BucketV2 grants and canned ACL
  { policy: "aws-s3-no-public-acl", title: "BucketV2 private", type: V2, props: { bucket: "b", acl: "private" } },
  { policy: "aws-s3-no-public-acl", title: "BucketV2 AllUsers grant", type: V2, props: { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }] }, bad: [/AllUsers/] },
  { policy: "aws-s3-no-public-acl", title: "Bucket acl unknown", preview: PREVIEW, type: BUCKET, props: { bucket: "b", acl: U.string } },
  // aws-s3-no-public-policy / aws-s3-tls-only on inline policies
  { policy: "aws-s3-no-public-policy", title: "BucketV2 inline public policy", type: V2, props: { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }) }, bad: [/Principal "\*"/] },
  { policy: "aws-s3-no-public-policy", title: "BucketV2 inline TLS deny", type: V2, props: { policy: doc(tlsDeny) } },
  { policy: "aws-s3-tls-only", title: "Bucket inline policy without TLS deny", type: BUCKET, props: { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:GetObject", Resource: "*" }) }, bad: [/plain HTTP/] },
  { policy: "aws-s3-tls-only", title: "Bucket inline policy object with TLS deny", type: BUCKET, props: { policy: { Version: "2012-10-17", Statement: [tlsDeny] } } },
  { policy: "aws-s3-tls-only", title: "Bucket without inline policy (the companion is judged)", type: BUCKET, props: { bucket: "b" } },
  { policy: "aws-s3-tls-only", title: "BucketV2 inline policy unknown", preview: PREVIEW, type: V2, props: { policy: U.string } },
  // aws-s3-default-encryption: Bucket's rule object, BucketV2's lists
  { policy: "aws-s3-default-encryption", title: "Bucket inline SSE-KMS", type: BUCKET, props: { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: kms } } } },
  { policy: "aws-s3-default-encryption", title: "Bucket inline rule without default", type: BUCKET, props: { serverSideEncryptionConfiguration: { rule: { bucketKeyEnabled: true } } }, bad: [/no rule applies default encryption/] },
  {
    policy: "aws-s3-default-encryption",
    title: "BucketV2 inline AES256",
    type: V2,
    props: { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "AES256" }] }] }] },
  },
  {
    policy: "aws-s3-default-encryption",
    title: "BucketV2 inline unsupported algorithm",
    type: V2,
    props: { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "none" }] }] }] },
    bad: [/no rule applies default encryption/],
  },
  { policy: "aws-s3-default-encryption", title: "BucketV2 inline algorithm unknown", preview: PREVIEW, type: V2, props: { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: U.string }] }] }] } },
  // aws-s3-cors-no-wildcard-write
  { policy: "aws-s3-cors-no-wildcard-write", title: "BucketV2 * with PUT", type: V2, props: { corsRules: [{ allowedOrigins: ["*"], allowedMethods: ["PUT"] }] }, bad: [/PUT/] },
  { policy: "aws-s3-cors-no-wildcard-write", title: "BucketV2 app origin with PUT", type: V2, props: { corsRules: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: ["PUT"] }] } },
  // aws-s3-lifecycle-abort-multipart: inline lifecycleRules
  { policy: "aws-s3-lifecycle-abort-multipart", title: "Bucket inline abort rule", type: BUCKET, props: { lifecycleRules: [{ enabled: true, abortIncompleteMultipartUploadDays: 1 }] } },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "Bucket inline rule without abort", type: BUCKET, props: { lifecycleRules: [{ enabled: true, expiration: { days: 30 } }] }, bad: [/no enabled rule aborts/] },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "BucketV2 inline abort rule disabled", type: V2, props: { lifecycleRules: [{ enabled: false, abortIncompleteMultipartUploadDays: 1 }] }, bad: [/no enabled rule aborts/] },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "BucketV2 inline abort rule enabled", type: V2, props: { lifecycleRules: [{ enabled: true, abortIncompleteMultipartUploadDays: 7 }] } },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "BucketV2 inline enabled unknown", preview: PREVIEW, type: V2, props: { lifecycleRules: [{ enabled: U.bool, abortIncompleteMultipartUploadDays: 7 }] } },
  // aws-s3-versioning: BucketV2 versionings
  { policy: "aws-s3-versioning", title: "Bucket inline versioning on", type: BUCKET, props: { versioning: { enabled: true } } },
  { policy: "aws-s3-versioning", title: "BucketV2 versionings off", type: V2, props: { versionings: [{ enabled: false }] }, bad: [/versioning.enabled is false/] },
  { policy: "aws-s3-versioning", title: "BucketV2 versionings on", type: V2, props: { versionings: [{ enabled: true }] } },
  { policy: "aws-s3-versioning", title: "BucketV2 versionings unknown", preview: PREVIEW, type: V2, props: { versionings: [{ enabled: U.bool }] } },
  // aws-s3-no-website: BucketV2 websites
  { policy: "aws-s3-no-website", title: "BucketV2 websites", type: V2, props: { websites: [{ indexDocument: "index.html" }] }, bad: [/website hosting/] },
  { policy: "aws-s3-no-website", title: "BucketV2 empty websites", type: V2, props: { websites: [] } },
  { policy: "aws-s3-no-website", title: "website configuration V2", type: "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2", props: { bucket: "b" }, bad: [/website hosting/] },
  // the other V2 / non-V2 companion names, one row each
  { policy: "aws-s3-no-public-acl", title: "BucketAclV2 AllUsers grant", type: "aws:s3/bucketAclV2:BucketAclV2", props: { accessControlPolicy: { grants: [{ grantee: { uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" } }] } }, bad: [/AuthenticatedUsers/] },
  { policy: "aws-s3-no-public-acl", title: "BucketAcl private", type: "aws:s3/bucketAcl:BucketAcl", props: { bucket: "b", acl: "private" } },
  { policy: "aws-s3-default-encryption", title: "SSE-S3 V2", type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", props: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] } },
  { policy: "aws-s3-default-encryption", title: "no default rule (non-V2)", type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", props: { rules: [{}] }, bad: [/no rule/] },
  { policy: "aws-s3-versioning", title: "Enabled V2", type: "aws:s3/bucketVersioningV2:BucketVersioningV2", props: { versioningConfiguration: { status: "Enabled" } } },
  { policy: "aws-s3-versioning", title: "Disabled (non-V2)", type: "aws:s3/bucketVersioning:BucketVersioning", props: { versioningConfiguration: { status: "Disabled" } }, bad: [/"Disabled"/] },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "abort rule V2", type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", props: { rules: [{ status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] } },
  { policy: "aws-s3-lifecycle-abort-multipart", title: "no abort rule V2", type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", props: { rules: [{ status: "Enabled" }] }, bad: [/no enabled rule/] },
  { policy: "aws-s3-cors-no-wildcard-write", title: "app origin (non-V2)", type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", props: { corsRules: [{ allowedOrigins: ["https://a.example"], allowedMethods: ["POST"] }] } },
  { policy: "aws-s3-cors-no-wildcard-write", title: "* DELETE V2", type: "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2", props: { corsRules: [{ allowedOrigins: ["*"], allowedMethods: ["DELETE"] }] }, bad: [/DELETE/] },
];
