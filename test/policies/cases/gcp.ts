import type { ResourceCase } from "../harness";
import { U, PREVIEW } from "../harness";

const BUCKET = "gcp:storage/bucket:Bucket";
const ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole";
const ACL = "gcp:storage/bucketACL:BucketACL";
const MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding";
const SA = "serviceAccount:app@p.iam.gserviceaccount.com";
const ADMIN = "serviceAccount:deployer@p.iam.gserviceaccount.com";
const abort = { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } };
const secure = { name: "b", location: "EU", uniformBucketLevelAccess: true, publicAccessPrevention: "enforced", versioning: { enabled: true }, lifecycleRules: [abort] };

export const gcpCases: ResourceCase[] = [
  { policy: "gcp-storage-uniform-access", title: "on", type: BUCKET, props: secure },
  { policy: "gcp-storage-uniform-access", title: "not set", type: BUCKET, props: { ...secure, uniformBucketLevelAccess: undefined }, bad: [/not set \(false\)/] },
  { policy: "gcp-storage-uniform-access", title: "unknown", preview: PREVIEW, type: BUCKET, props: { ...secure, uniformBucketLevelAccess: U.bool } },
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
  // Issue 21: hand-written GCS resources.
  { policy: "gcp-storage-no-public-members", title: "BucketACL predefinedAcl private", type: ACL, props: { bucket: "b", predefinedAcl: "private" } },
  ...["publicRead", "publicReadWrite", "authenticatedRead"].map(
    (acl): ResourceCase => ({ policy: "gcp-storage-no-public-members", title: `BucketACL predefinedAcl ${acl}`, type: ACL, props: { bucket: "b", predefinedAcl: acl }, bad: [new RegExp(`predefinedAcl "${acl}"`)] }),
  ),
  { policy: "gcp-storage-no-public-members", title: "ACL roleEntities allAuthenticatedUsers", type: ACL, props: { bucket: "b", roleEntities: ["READER:allAuthenticatedUsers"] }, bad: [/grants allAuthenticatedUsers/] },
  { policy: "gcp-storage-lifecycle-abort-multipart", title: "abort rule next to a delete rule", type: BUCKET, props: { ...secure, lifecycleRules: [abort, { action: { type: "Delete" }, condition: { age: 30 } }] } },
  { policy: "gcp-storage-lifecycle-abort-multipart", title: "no lifecycle rules", type: BUCKET, props: { ...secure, lifecycleRules: undefined }, bad: [/^no lifecycle rules: nothing aborts/] },
  { policy: "gcp-storage-lifecycle-abort-multipart", title: "only a delete rule", type: BUCKET, props: { ...secure, lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 30 } }] }, bad: [/^no lifecycle rule aborts/] },
  { policy: "gcp-storage-lifecycle-abort-multipart", title: "rule action unknown", preview: PREVIEW, type: BUCKET, props: { ...secure, lifecycleRules: [{ action: U.object, condition: {} }] } },
  { policy: "gcp-storage-no-admin-roles", title: "key's custom role", type: MEMBER, props: { bucket: "b", role: "projects/p/roles/key", member: SA } },
  { policy: "gcp-storage-no-admin-roles", title: "storage.admin to a service account", type: MEMBER, props: { bucket: "b", role: "roles/storage.admin", member: SA }, bad: [/grants roles\/storage.admin to serviceAccount:app@/] },
  { policy: "gcp-storage-no-admin-roles", title: "storage.admin to the configured admin", type: MEMBER, props: { bucket: "b", role: "roles/storage.admin", member: ADMIN }, config: { admins: [ADMIN] } },
  { policy: "gcp-storage-no-admin-roles", title: "storage.admin to a group", type: MEMBER, props: { bucket: "b", role: "roles/storage.admin", member: "group:storage-admins@example.com" } },
  {
    policy: "gcp-storage-no-admin-roles",
    title: "roles/editor binding: the admin passes, a user does not",
    type: BINDING,
    props: { bucket: "b", role: "roles/editor", members: [ADMIN, "user:bob@example.com", U.string] },
    config: { admins: [ADMIN] },
    bad: [/grants roles\/editor to user:bob@example.com/],
  },
  {
    policy: "gcp-storage-no-admin-roles",
    title: "policyData with roles/owner and roles/viewer",
    type: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
    props: { bucket: "b", policyData: JSON.stringify({ bindings: [{ role: "roles/owner", members: [SA] }, { role: "roles/viewer", members: ["user:eve@example.com"] }] }) },
    bad: [/roles\/owner to serviceAccount/, /roles\/viewer to user:eve/],
  },
  { policy: "gcp-storage-no-admin-roles", title: "role unknown", preview: PREVIEW, type: MEMBER, props: { bucket: "b", role: U.string, member: SA } },
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
  { policy: "gcp-role-object-generations", title: "permissions unknown", preview: PREVIEW, type: ROLE, props: { roleId: "x", permissions: U.array } },
];
