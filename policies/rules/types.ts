/** Resource type tokens the policies look at, per provider (AWS keeps its V2 aliases alive). */
const aws = (mod: string, names: string[]) => names.map((n) => `aws:${mod}/${n[0].toLowerCase()}${n.slice(1)}:${n}`);

/**
 * The project's own resources (components/*\/resources.ts): `secure-storage:<module>:<Type>`, served
 * by the provider plugin (provider/), and the dynamic type a stack deployed before the plugin holds
 * until its next `up` migrates it (`pulumi-nodejs:dynamic/<module>:<Type>`).
 */
function own<M extends string, T extends string>(mod: M, type: T) {
  return [`secure-storage:${mod}:${type}`, `pulumi-nodejs:dynamic/${mod}:${type}`] as const;
}

export const AWS = {
  bucket: aws("s3", ["Bucket", "BucketV2"]),
  acl: aws("s3", ["BucketAcl", "BucketAclV2"]),
  policy: aws("s3", ["BucketPolicy"]),
  publicAccessBlock: aws("s3", ["BucketPublicAccessBlock"]),
  ownership: aws("s3", ["BucketOwnershipControls"]),
  encryption: aws("s3", ["BucketServerSideEncryptionConfiguration", "BucketServerSideEncryptionConfigurationV2"]),
  cors: aws("s3", ["BucketCorsConfiguration", "BucketCorsConfigurationV2"]),
  lifecycle: aws("s3", ["BucketLifecycleConfiguration", "BucketLifecycleConfigurationV2"]),
  versioning: aws("s3", ["BucketVersioning", "BucketVersioningV2"]),
  logging: aws("s3", ["BucketLogging", "BucketLoggingV2"]),
  website: aws("s3", ["BucketWebsiteConfiguration", "BucketWebsiteConfigurationV2"]),
  iamPolicy: aws("iam", ["Policy", "UserPolicy", "RolePolicy", "GroupPolicy"]),
} as const;

export const AZURE = {
  account: ["azure-native:storage:StorageAccount"],
  container: ["azure-native:storage:BlobContainer"],
  blobService: ["azure-native:storage:BlobServiceProperties"],
  /** The Azure component's service-SAS issuer (components/azure/resources.ts). */
  storedAccessPolicy: own("azure", "StoredAccessPolicy"),
} as const;

export const GCP = {
  bucket: ["gcp:storage/bucket:Bucket"],
  /** The component's per-bucket key roles (components/gcp/index.ts). */
  customRole: ["gcp:projects/iAMCustomRole:IAMCustomRole"],
  iamMember: ["gcp:storage/bucketIAMMember:BucketIAMMember"],
  iamBinding: ["gcp:storage/bucketIAMBinding:BucketIAMBinding"],
  iamPolicy: ["gcp:storage/bucketIAMPolicy:BucketIAMPolicy"],
  acl: [
    "gcp:storage/bucketACL:BucketACL",
    "gcp:storage/defaultObjectACL:DefaultObjectACL",
    "gcp:storage/bucketAccessControl:BucketAccessControl",
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
    "gcp:storage/objectAccessControl:ObjectAccessControl",
    "gcp:storage/objectACL:ObjectACL",
  ],
} as const;

const minio = {
  bucket: own("minio", "Bucket"),
  /** Everything that carries a key's canned policy in `document`: a key generation, or the former policy. */
  /** A key generation: its policy document is an input; its outputs keep only the hash. */
  key: ["secure-storage:minio:Key"] as const, // came after the plugin: no dynamic type of it to read
  /** The policy a key's generations shared before minio:Key; its document is in inputs and outputs. */
  formerPolicy: own("minio", "Policy"),
  /** Everything that carries a key's canned policy in `document`. */
  policy: ["secure-storage:minio:Key", ...own("minio", "Policy")] as const,
  user: own("minio", "User"),
  serverCors: own("minio", "ServerCors"),
} as const;
export const MINIO = { ...minio, all: [...new Set(Object.values(minio).flat())] };

/**
 * Hand-written `@pulumi/minio` resources (tokens and property names from the package's schema;
 * catalog.test.ts checks them against its classes). SSE and versioning are separate resources there.
 */
const minioPkg = (names: string[]) => names.map((n) => `minio:index/${n[0].toLowerCase()}${n.slice(1)}:${n}`);
export const MINIO_PKG = {
  bucket: minioPkg(["S3Bucket"]),
  bucketPolicy: minioPkg(["S3BucketPolicy"]),
  /** Identity policies: a `policy` JSON document (a service account's is inline and optional). */
  iamPolicy: minioPkg(["IamPolicy", "IamGroupPolicy", "IamServiceAccount"]),
  attachment: minioPkg(["IamUserPolicyAttachment", "IamGroupPolicyAttachment"]),
  encryption: minioPkg(["S3BucketServerSideEncryption"]),
  versioning: minioPkg(["S3BucketVersioning"]),
  ilm: minioPkg(["IlmPolicy"]),
} as const;

export const B2 = {
  bucket: own("b2", "Bucket"),
  key: own("b2", "ApplicationKey"),
} as const;

/** Issue 19, for the policies that flag a provider that cannot keep application keys from history. */
export const HISTORY_RULE = "project rule (no benchmark id): application keys never touch version history, issue 19";
export const HISTORY_ADVISORY = "the provider cannot express it: no change to the program makes this pass";
