import { canonicalJson, s3KeyPolicy } from "../../../components/access";
import type { ResourceCase } from "../harness";
import { doc, U, PREVIEW } from "../harness";

const BUCKET = "secure-storage:minio:Bucket";
const POLICY = "secure-storage:minio:Policy";
const KEY = "secure-storage:minio:Key";
/** A key generation's inputs (components/minio/key-impl.ts), with `document` as given. */
const key = (document: unknown) => ({ conn: { endpoint: "http://127.0.0.1:9000", region: "us-east-1" }, slot: "clinic-dev-1-app", generation: 1, label: "app", document });
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const bucket = { conn, bucket: "clinic-dev-1", versioning: true, kmsKeyId: "dev-sse-key", lifecycle: [], forceDestroy: false };
/** What the component really emits for a scoped key. */
const componentDoc = canonicalJson(s3KeyPolicy("arn:aws:s3:::clinic-dev-1", { access: ["read", "write", "delete", "list"], prefixes: ["workspaces/"] }));
const writeOnlyDoc = canonicalJson(s3KeyPolicy("arn:aws:s3:::clinic-dev-1", { access: ["write"], prefixes: ["in/"] }));

export const minioCases: ResourceCase[] = [
  { policy: "minio-policy-least-privilege", title: "component's scoped key policy", type: POLICY, props: { conn, name: "p", document: componentDoc } },
  { policy: "minio-policy-least-privilege", title: "s3:* on arn:aws:s3:::*", type: POLICY, props: { conn, name: "p", document: doc({ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }) }, bad: [/"s3:\*"/, /"arn:aws:s3:::\*"/] },
  { policy: "minio-policy-least-privilege", title: "admin action", type: POLICY, props: { conn, name: "p", document: doc({ Effect: "Allow", Action: ["admin:CreateUser"], Resource: ["arn:aws:s3:::b/*"] }) }, bad: [/admin action "admin:CreateUser"/] },
  { policy: "minio-policy-least-privilege", title: "wildcard bucket name prefix", type: POLICY, props: { conn, name: "p", document: doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::clinic-*/x/*"] }) }, bad: [/every bucket/] },
  { policy: "minio-policy-least-privilege", title: "document unknown in preview", preview: PREVIEW, type: POLICY, props: { conn, name: U.string, document: U.string } },
  { policy: "minio-policy-not-public", title: "component's policy", type: POLICY, props: { conn, name: "p", document: componentDoc } },
  { policy: "minio-policy-not-public", title: "anonymous read", type: POLICY, props: { conn, name: "p", document: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }) }, bad: [/Principal "\*"/] },
  { policy: "minio-key-single-bucket", title: "component's key", type: KEY, props: key(componentDoc) },
  { policy: "minio-key-single-bucket", title: "document unknown in preview", preview: PREVIEW, type: KEY, props: key(U.string) },
  {
    policy: "minio-key-single-bucket",
    title: "a second bucket",
    type: KEY,
    props: key(doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::clinic-dev-1/*", "arn:aws:s3:::billing-dev-1/*"] })),
    bad: [/reaches "billing-dev-1", "clinic-dev-1": a scoped key must reach exactly one bucket/],
  },
  {
    policy: "minio-key-single-bucket",
    title: "a wildcard bucket",
    type: KEY,
    props: key(doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::clinic-*/x/*"] })),
    bad: [/reaches "\*"/],
  },
  {
    policy: "minio-key-single-bucket",
    title: "a Deny on another bucket is not a reach",
    type: KEY,
    props: key(doc(
      { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::clinic-dev-1/*"] },
      { Effect: "Deny", Action: ["s3:*"], Resource: ["arn:aws:s3:::billing-dev-1/*"] },
    )),
  },
  { policy: "minio-policy-least-privilege", title: "a key's wildcard grant", type: KEY, props: key(doc({ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::b/*"] })), bad: [/"s3:\*"/] },
  { policy: "minio-bucket-encryption", title: "KMS key", type: BUCKET, props: bucket },
  { policy: "minio-bucket-encryption", title: "KMS key unknown", preview: PREVIEW, type: BUCKET, props: { ...bucket, kmsKeyId: U.string } },
  { policy: "minio-bucket-encryption", title: "no KMS key", type: BUCKET, props: { ...bucket, kmsKeyId: undefined }, bad: [/kmsKeyId is not set/] },
  { policy: "minio-bucket-encryption", title: "empty KMS key", type: BUCKET, props: { ...bucket, kmsKeyId: " " }, bad: [/kmsKeyId is not set/] },
  { policy: "minio-bucket-versioning", title: "on", type: BUCKET, props: bucket },
  { policy: "minio-bucket-versioning", title: "off", type: BUCKET, props: { ...bucket, versioning: false }, bad: [/versioning is false/] },
  { policy: "minio-endpoint-tls", title: "loopback http", type: BUCKET, props: bucket },
  { policy: "minio-endpoint-tls", title: "https", type: "secure-storage:minio:User", props: { conn: { endpoint: "https://minio.example.com" }, policyName: "p", generation: 1, label: "k" } },
  { policy: "minio-endpoint-tls", title: "http over the network", type: POLICY, props: { conn: { endpoint: "http://minio.internal:9000" }, name: "p", document: componentDoc }, bad: [/is not https/] },
  { policy: "minio-endpoint-tls", title: "conn unknown", preview: PREVIEW, type: BUCKET, props: { ...bucket, conn: U.object } },
  { policy: "minio-cors-no-wildcard", title: "app origin", type: "secure-storage:minio:ServerCors", props: { conn, origins: ["http://localhost:3000"] } },
  { policy: "minio-cors-no-wildcard", title: "*", type: "secure-storage:minio:ServerCors", props: { conn, origins: ["http://localhost:3000", "*"] }, bad: [/origin "\*"/] },
  // Issue 19: MinIO authorizes ListObjectVersions with s3:ListBucket (test/e2e/history-minio.test.ts).
  {
    policy: "minio-policy-version-listing",
    title: "component's key that lists",
    type: POLICY,
    props: { conn, name: "p", document: componentDoc },
    bad: [/statement "ListObjects" allows s3:ListBucket, which on MinIO also lists object versions/],
  },
  { policy: "minio-policy-version-listing", title: "write-only key", type: POLICY, props: { conn, name: "p", document: writeOnlyDoc } },
  { policy: "minio-policy-version-listing", title: "document unknown", preview: PREVIEW, type: POLICY, props: { conn, name: "p", document: U.string } },
];
