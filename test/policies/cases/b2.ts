import type { ResourceCase } from "../harness";
import { U, PREVIEW } from "../harness";

const BUCKET = "secure-storage:b2:Bucket";
const KEY = "secure-storage:b2:ApplicationKey";
const bucket = {
  bucketName: "invoices-prod-1",
  bucketType: "allPrivate",
  defaultServerSideEncryption: { mode: "SSE-B2", algorithm: "AES256" },
  corsRules: [{ corsRuleName: "app", allowedOrigins: ["https://app.example.com"], allowedOperations: ["s3_get", "s3_put"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
  lifecycleRules: [{ fileNamePrefix: "", daysFromStartingToCancelingUnfinishedLargeFiles: 1 }],
  bucketInfo: {},
};
const key = { keyName: "invoices-backend-g1", capabilities: ["listFiles", "readFiles", "writeFiles"], bucketId: "b2-bucket-id", namePrefix: "invoices/" };

export const b2Cases: ResourceCase[] = [
  { policy: "b2-bucket-all-private", title: "allPrivate", type: BUCKET, props: bucket },
  { policy: "b2-bucket-all-private", title: "allPublic", type: BUCKET, props: { ...bucket, bucketType: "allPublic" }, bad: [/"allPublic"/] },
  { policy: "b2-bucket-encryption", title: "SSE-B2", type: BUCKET, props: bucket },
  { policy: "b2-bucket-encryption", title: "none", type: BUCKET, props: { ...bucket, defaultServerSideEncryption: { mode: "none" } }, bad: [/"none"/] },
  { policy: "b2-bucket-encryption", title: "missing", type: BUCKET, props: { ...bucket, defaultServerSideEncryption: undefined }, bad: [/null/] },
  { policy: "b2-bucket-cors-no-wildcard-write", title: "app origin", type: BUCKET, props: bucket },
  { policy: "b2-bucket-cors-no-wildcard-write", title: "* downloads only", type: BUCKET, props: { ...bucket, corsRules: [{ ...bucket.corsRules[0], allowedOrigins: ["*"], allowedOperations: ["s3_get", "s3_head"] }] } },
  { policy: "b2-bucket-cors-no-wildcard-write", title: "* uploads", type: BUCKET, props: { ...bucket, corsRules: [{ ...bucket.corsRules[0], allowedOrigins: ["*"], allowedOperations: ["b2_upload_file", "s3_delete"] }] }, bad: [/PUT, DELETE/] },
  { policy: "b2-bucket-lifecycle-abort-large-files", title: "cancels after a day", type: BUCKET, props: bucket },
  { policy: "b2-bucket-lifecycle-abort-large-files", title: "only hides", type: BUCKET, props: { ...bucket, lifecycleRules: [{ fileNamePrefix: "tmp/", daysFromUploadingToHiding: 7 }] }, bad: [/unfinished large files/] },
  { policy: "b2-key-scoped", title: "bucket key", type: KEY, props: key },
  { policy: "b2-key-scoped", title: "bucketId unknown in preview", preview: PREVIEW, type: KEY, props: { ...key, bucketId: U.string } },
  { policy: "b2-key-scoped", title: "account-wide capabilities", type: KEY, props: { ...key, capabilities: ["readFiles", "writeKeys", "deleteBuckets", U.string] }, bad: [/"writeKeys"/, /"deleteBuckets"/] },
  { policy: "b2-key-scoped", title: "no bucketId", type: KEY, props: { ...key, bucketId: undefined }, bad: [/every bucket of the account/] },
  { policy: "b2-key-scoped", title: "two bucketIds", type: KEY, props: { ...key, bucketId: undefined, bucketIds: ["a", "b"] }, bad: [/bucketIds lists 2/] },
  // Issue 19: B2 has no capability limited to the live file version.
  { policy: "b2-key-file-versions", title: "write-only key", type: KEY, props: { ...key, capabilities: ["writeFiles"] } },
  {
    policy: "b2-key-file-versions",
    title: "list, read and write key",
    type: KEY,
    props: key,
    bad: [/^listFiles lists every file version; readFiles downloads any file version by id: B2 cannot keep a key/],
  },
  { policy: "b2-key-file-versions", title: "capabilities unknown", preview: PREVIEW, type: KEY, props: { ...key, capabilities: U.array } },
];
