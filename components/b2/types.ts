/**
 * Wire shapes of the Backblaze B2 native API v3 calls this provider uses, as documented at
 * https://www.backblaze.com/apidocs (request bodies, response bodies, error bodies).
 */

/** Every B2 capability an application key can carry (b2_create_key `capabilities`). */
export const B2_CAPABILITIES = [
  "listKeys",
  "writeKeys",
  "deleteKeys",
  "listBuckets",
  "listAllBucketNames",
  "readBuckets",
  "writeBuckets",
  "deleteBuckets",
  "readBucketRetentions",
  "writeBucketRetentions",
  "readBucketEncryption",
  "writeBucketEncryption",
  "readBucketReplications",
  "writeBucketReplications",
  "readBucketNotifications",
  "writeBucketNotifications",
  "readBucketLogging",
  "writeBucketLogging",
  "listFiles",
  "readFiles",
  "shareFiles",
  "writeFiles",
  "deleteFiles",
  "readFileLegalHolds",
  "writeFileLegalHolds",
  "readFileRetentions",
  "writeFileRetentions",
  "bypassGovernance",
] as const;
export type B2Capability = (typeof B2_CAPABILITIES)[number];

/** B2's error body: `{"status": 400, "code": "duplicate_bucket_name", "message": "..."}`. */
export interface B2ErrorBody {
  status: number;
  code: string;
  message: string;
}

/** v3 b2_authorize_account: the information needed for the storage API suite. */
export interface B2StorageApiInfo {
  infoType: "storageApi";
  apiUrl: string;
  downloadUrl: string;
  s3ApiUrl: string;
  recommendedPartSize: number;
  absoluteMinimumPartSize: number;
  bucketId: string | null;
  bucketName: string | null;
  capabilities: B2Capability[];
  namePrefix: string | null;
}

export interface B2AuthorizeResponse {
  accountId: string;
  authorizationToken: string;
  apiInfo: { storageApi: B2StorageApiInfo };
  applicationKeyExpirationTimestamp: number | null;
}

/** S3-API CORS operations (the data path of this project is the S3-compatible API). */
export type B2CorsOperation = "s3_get" | "s3_head" | "s3_put" | "s3_post" | "s3_delete";

export interface B2CorsRule {
  corsRuleName: string;
  allowedOrigins: string[];
  allowedOperations: B2CorsOperation[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

export interface B2LifecycleRule {
  fileNamePrefix: string;
  daysFromUploadingToHiding?: number;
  daysFromHidingToDeleting?: number;
  daysFromStartingToCancelingUnfinishedLargeFiles?: number;
}

export interface B2ServerSideEncryption {
  mode: "SSE-B2";
  algorithm: "AES256";
}

export interface B2DefaultRetention {
  mode: "governance" | "compliance";
  period: { duration: number; unit: "days" };
}

export type B2BucketType = "allPrivate" | "allPublic" | "snapshot" | "restricted" | "shared";

/** The bucket object returned by b2_create_bucket, b2_update_bucket, b2_list_buckets, b2_delete_bucket. */
export interface B2BucketInfo {
  accountId: string;
  bucketId: string;
  bucketName: string;
  bucketType: B2BucketType;
  bucketInfo: Record<string, string>;
  corsRules: B2CorsRule[];
  lifecycleRules: B2LifecycleRule[];
  defaultServerSideEncryption: { isClientAuthorizedToRead: boolean; value?: { mode: string | null; algorithm?: string | null } };
  fileLockConfiguration: {
    isClientAuthorizedToRead: boolean;
    value?: {
      isFileLockEnabled: boolean;
      defaultRetention: { mode: B2DefaultRetention["mode"] | null; period: B2DefaultRetention["period"] | null };
    };
  };
  options: string[];
  revision: number;
}

export interface B2CreateBucketRequest {
  accountId: string;
  bucketName: string;
  bucketType: "allPrivate";
  bucketInfo: Record<string, string>;
  corsRules: B2CorsRule[];
  lifecycleRules: B2LifecycleRule[];
  defaultServerSideEncryption: B2ServerSideEncryption;
  fileLockEnabled?: boolean;
}

export interface B2UpdateBucketRequest {
  accountId: string;
  bucketId: string;
  bucketType?: "allPrivate";
  bucketInfo?: Record<string, string>;
  corsRules?: B2CorsRule[];
  lifecycleRules?: B2LifecycleRule[];
  defaultServerSideEncryption?: B2ServerSideEncryption;
  defaultRetention?: B2DefaultRetention | { mode: null };
  fileLockEnabled?: boolean;
  ifRevisionIs?: number;
}

export interface B2CreateKeyRequest {
  accountId: string;
  keyName: string;
  capabilities: B2Capability[];
  bucketId: string;
  namePrefix?: string;
  validDurationInSeconds?: number;
}

/** b2_list_keys / b2_delete_key entry (no secret). */
export interface B2KeyInfo {
  accountId: string;
  applicationKeyId: string;
  keyName: string;
  capabilities: B2Capability[];
  bucketId: string | null;
  namePrefix: string | null;
  expirationTimestamp: number | null;
  options: string[];
}

/** b2_create_key also returns the secret, once. */
export interface B2NewKey extends B2KeyInfo {
  applicationKey: string;
}
