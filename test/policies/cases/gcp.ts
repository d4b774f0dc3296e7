import type { ResourceCase } from "../harness";
import { U } from "../harness";

const BUCKET = "gcp:storage/bucket:Bucket";
const ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole";
const secure = { name: "b", location: "EU", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", versioning: { enabled: true } };

export const gcpCases: ResourceCase[] = [
  { policy: "gcp-storage-uniform-access", title: "on", type: BUCKET, props: secure },
  { policy: "gcp-storage-uniform-access", title: "not set", type: BUCKET, props: { ...secure, uniformBucketLevelAccess: undefined }, bad: [/not set \(false\)/] },
  { policy: "gcp-storage-uniform-access", title: "unknown", type: BUCKET, props: { ...secure, uniformBucketLevelAccess: U.bool } },
  { policy: "gcp-storage-public-access-prevention", title: "enforced", type: BUCKET, props: secure },
  { policy: "gcp-storage-public-access-prevention", title: "inherited", type: BUCKET, props: { ...secure, publicAccessPrevention: "inherited" }, bad: [/"inherited"/] },
  { policy: "gcp-storage-no-public-members", title: "service account member", type: "gcp:storage/bucketIAMMember:BucketIAMMember", props: { bucket: "b", role: "roles/storage.objectViewer", member: "serviceAccount:sa@p.iam.gserviceaccount.com" } },
  { policy: "gcp-storage-no-public-members", title: "allUsers member", type: "gcp:storage/bucketIAMMember:BucketIAMMember", props: { bucket: "b", role: "roles/storage.objectViewer", member: "allUsers" }, bad: [/grants allUsers/] },
  {
    policy: "gcp-storage-no-public-members",
    title: "binding with allAuthenticatedUsers next to an unknown member",
    type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    props: { bucket: "b", role: "roles/storage.objectViewer", members: [U.string, "allAuthenticatedUsers"] },
    bad: [/allAuthenticatedUsers.*Google account/],
  },
  {
    policy: "gcp-storage-no-public-members",
    title: "policyData with allUsers",
    type: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
    props: { bucket: "b", policyData: JSON.stringify({ bindings: [{ role: "roles/storage.objectViewer", members: ["allUsers"] }] }) },
    bad: [/grants allUsers/],
  },
  { policy: "gcp-storage-no-public-members", title: "ACL READER:allUsers", type: "gcp:storage/bucketACL:BucketACL", props: { bucket: "b", roleEntities: ["OWNER:project-owners-1", "READER:allUsers"] }, bad: [/grants allUsers/] },
  { policy: "gcp-storage-no-public-members", title: "default object access control", type: "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl", props: { bucket: "b", role: "READER", entity: "allUsers" }, bad: [/grants allUsers/] },
  { policy: "gcp-storage-cors-no-wildcard-write", title: "app origin PUT", type: BUCKET, props: { ...secure, cors: [{ origins: ["https://app.example.com"], methods: ["PUT", "GET"] }] } },
  { policy: "gcp-storage-cors-no-wildcard-write", title: "* with method *", type: BUCKET, props: { ...secure, cors: [{ origins: ["*"], methods: ["*"] }] }, bad: [/cors\[0\]/] },
  { policy: "gcp-storage-versioning", title: "on", type: BUCKET, props: secure },
  { policy: "gcp-storage-versioning", title: "off", type: BUCKET, props: { ...secure, versioning: { enabled: false } }, bad: [/is false/] },
  { policy: "gcp-storage-versioning", title: "not set", type: BUCKET, props: { ...secure, versioning: undefined }, bad: [/not set/] },
  // Issue 19: GCS IAM cannot tell generations apart.
  {
    policy: "gcp-role-object-generations",
    title: "create-only key role",
    type: ROLE,
    props: { roleId: "w", permissions: ["storage.multipartUploads.create", "storage.objects.create"] },
  },
  {
    policy: "gcp-role-object-generations",
    title: "read and list role",
    type: ROLE,
    props: { roleId: "rl", permissions: ["storage.objects.get", U.string, "storage.objects.list"] },
    bad: [/^storage.objects.get reads any generation; storage.objects.list lists every generation: GCS cannot keep a key/],
  },
  { policy: "gcp-role-object-generations", title: "permissions unknown", type: ROLE, props: { roleId: "x", permissions: U.array } },
];
