import type { ResourceCase } from "../harness";
import { doc, U, PREVIEW } from "../harness";

const BUCKET = "aws:s3/bucket:Bucket";
const tlsDeny = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
const keyGrant = { Sid: "ReadObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/users/*"] };

export const awsCases: ResourceCase[] = [
  // aws-s3-no-public-acl
  { policy: "aws-s3-no-public-acl", title: "bucket without ACL", type: BUCKET, props: { bucket: "b" } },
  { policy: "aws-s3-no-public-acl", title: "private BucketAclV2", type: "aws:s3/bucketAclV2:BucketAclV2", props: { bucket: "b", acl: "private" } },
  { policy: "aws-s3-no-public-acl", title: "inline public-read", type: BUCKET, props: { acl: "public-read" }, bad: [/canned ACL "public-read"/] },
  { policy: "aws-s3-no-public-acl", title: "BucketAcl public-read-write", type: "aws:s3/bucketAcl:BucketAcl", props: { bucket: "b", acl: "public-read-write" }, bad: [/public-read-write/] },
  {
    policy: "aws-s3-no-public-acl",
    title: "AllUsers grant, next to an unknown one",
    type: "aws:s3/bucketAcl:BucketAcl",
    props: { bucket: "b", accessControlPolicy: { grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }, { grantee: U.object }] } },
    bad: [/AllUsers/],
  },
  { policy: "aws-s3-no-public-acl", title: "unknown acl in preview", preview: PREVIEW, type: "aws:s3/bucketAcl:BucketAcl", props: { bucket: U.string, acl: U.string } },
  // aws-s3-no-public-policy
  { policy: "aws-s3-no-public-policy", title: "TLS deny only", type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: doc(tlsDeny) } },
  {
    policy: "aws-s3-no-public-policy",
    title: "Principal * pinned to the org",
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { bucket: "b", policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } }) },
  },
  {
    policy: "aws-s3-no-public-policy",
    title: "Principal * GetObject",
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { bucket: "b", policy: doc(tlsDeny, { Sid: "Public", Effect: "Allow", Principal: { AWS: ["*"] }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) },
    bad: [/statement "Public" allows Principal "\*"/],
  },
  { policy: "aws-s3-no-public-policy", title: "inline bucket policy object", type: BUCKET, props: { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }) }, bad: [/Principal "\*"/] },
  { policy: "aws-s3-no-public-policy", title: "policy unknown in preview", preview: PREVIEW, type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: U.string } },
  // aws-s3-public-access-block
  {
    policy: "aws-s3-public-access-block",
    title: "all four flags on",
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    props: { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
  },
  {
    policy: "aws-s3-public-access-block",
    title: "one flag off, one missing, one unknown",
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    props: { bucket: "b", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: U.bool },
    bad: [/blockPublicPolicy is false/, /restrictPublicBuckets is not set/],
  },
  // aws-s3-acls-disabled
  { policy: "aws-s3-acls-disabled", title: "BucketOwnerEnforced", type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", props: { bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } } },
  {
    policy: "aws-s3-acls-disabled",
    title: "ObjectWriter",
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    props: { bucket: "b", rule: { objectOwnership: "ObjectWriter" } },
    bad: [/"ObjectWriter"/],
  },
  // aws-s3-default-encryption
  {
    policy: "aws-s3-default-encryption",
    title: "SSE-KMS",
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    props: { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: U.string }, bucketKeyEnabled: true }] },
  },
  {
    policy: "aws-s3-default-encryption",
    title: "no default rule",
    type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    props: { bucket: "b", rules: [{ bucketKeyEnabled: true }] },
    bad: [/no rule applies default encryption/],
  },
  // aws-s3-tls-only
  { policy: "aws-s3-tls-only", title: "TLS deny plus a grant", type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: doc(keyGrant, tlsDeny) } },
  {
    policy: "aws-s3-tls-only",
    title: "TLS deny with boolean false and Action *",
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { bucket: "b", policy: doc({ ...tlsDeny, Action: "*", Condition: { Bool: { "aws:SecureTransport": false } } }) },
  },
  { policy: "aws-s3-tls-only", title: "grant only", type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: doc(keyGrant) }, bad: [/plain HTTP is accepted/] },
  { policy: "aws-s3-tls-only", title: "malformed JSON", type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: "{not json" }, bad: [/not valid JSON/] },
  // aws-s3-cors-no-wildcard-write
  {
    policy: "aws-s3-cors-no-wildcard-write",
    title: "app origin with PUT; * with GET only",
    type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    props: { bucket: "b", corsRules: [{ allowedOrigins: ["https://app.example.com"], allowedMethods: ["PUT", "GET"] }, { allowedOrigins: ["*"], allowedMethods: ["GET"] }] },
  },
  {
    policy: "aws-s3-cors-no-wildcard-write",
    title: "* with PUT",
    type: "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
    props: { bucket: "b", corsRules: [{ allowedOrigins: [U.string] , allowedMethods: ["PUT"] }, { allowedOrigins: ["*"], allowedMethods: ["GET", "PUT", "DELETE"] }] },
    bad: [/corsRules\[1\] lets any origin \("\*"\) send PUT, DELETE/],
  },
  { policy: "aws-s3-cors-no-wildcard-write", title: "inline bucket corsRules", type: BUCKET, props: { corsRules: [{ allowedOrigins: ["https://*"], allowedMethods: ["POST"] }] }, bad: [/https:\/\/\*/] },
  // aws-s3-lifecycle-abort-multipart
  {
    policy: "aws-s3-lifecycle-abort-multipart",
    title: "abort rule enabled",
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    props: { bucket: "b", rules: [{ id: "tmp", status: "Enabled", expiration: { days: 7 } }, { id: "abort", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] },
  },
  {
    policy: "aws-s3-lifecycle-abort-multipart",
    title: "abort rule disabled",
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    props: { bucket: "b", rules: [{ id: "abort", status: "Disabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] },
    bad: [/no enabled rule aborts incomplete multipart uploads/],
  },
  // aws-s3-versioning
  { policy: "aws-s3-versioning", title: "Enabled", type: "aws:s3/bucketVersioning:BucketVersioning", props: { bucket: "b", versioningConfiguration: { status: "Enabled" } } },
  { policy: "aws-s3-versioning", title: "Suspended", type: "aws:s3/bucketVersioningV2:BucketVersioningV2", props: { bucket: "b", versioningConfiguration: { status: "Suspended" } }, bad: [/"Suspended"/] },
  { policy: "aws-s3-versioning", title: "inline versioning off", type: BUCKET, props: { versioning: { enabled: false } }, bad: [/versioning.enabled is false/] },
  // aws-s3-no-website
  { policy: "aws-s3-no-website", title: "plain bucket", type: BUCKET, props: { bucket: "b" } },
  { policy: "aws-s3-no-website", title: "website configuration", type: "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", props: { bucket: "b", indexDocument: { suffix: "index.html" } }, bad: [/website hosting/] },
  { policy: "aws-s3-no-website", title: "inline website", type: BUCKET, props: { website: { indexDocument: "index.html" } }, bad: [/website hosting/] },
  // aws-iam-no-s3-wildcards
  { policy: "aws-iam-no-s3-wildcards", title: "scoped user policy (KMS on * is not S3)", type: "aws:iam/userPolicy:UserPolicy", props: { user: "u", policy: doc(keyGrant, { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }) } },
  {
    policy: "aws-iam-no-s3-wildcards",
    title: "s3:* on every bucket",
    type: "aws:iam/policy:Policy",
    props: { policy: doc({ Sid: "All", Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::*" }) },
    bad: [/wildcard action\(s\) "s3:\*"/, /"arn:aws:s3:::\*" \(every bucket\)/],
  },
  { policy: "aws-iam-no-s3-wildcards", title: "Get* on * in a role policy", type: "aws:iam/rolePolicy:RolePolicy", props: { role: "r", policy: doc({ Effect: "Allow", Action: "s3:Get*", Resource: "*" }) }, bad: [/"s3:Get\*"/, /"\*" \(every bucket\)/] },
  { policy: "aws-iam-no-s3-wildcards", title: "NotAction Allow", type: "aws:iam/userPolicy:UserPolicy", props: { user: "u", policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" }) }, bad: [/NotAction/] },
  { policy: "aws-iam-no-s3-wildcards", title: "document unknown in preview", preview: PREVIEW, type: "aws:iam/userPolicy:UserPolicy", props: { user: "u", policy: U.string } },
];
