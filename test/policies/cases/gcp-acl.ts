/**
 * Every GCS ACL resource of @pulumi/gcp v9 under gcp-storage-no-public-members: canned ACLs
 * (predefinedAcl, BucketACL's defaultAcl), role/entity lists and single entities, bad and hardened.
 * (v9's BucketObject has no predefinedAcl any more; object ACLs are the ObjectACL resource.)
 */
import type { ResourceCase } from "../harness";
import { PREVIEW, U } from "../harness";

const policy = "gcp-storage-no-public-members";
const t = (mod: string, name: string) => `gcp:storage/${mod}:${name}`;
const DEFAULT_ACL = t("defaultObjectACL", "DefaultObjectACL");
const OBJECT_ACL = t("objectACL", "ObjectACL");
const BUCKET_ACL = t("bucketACL", "BucketACL");

export const gcpAclCases: ResourceCase[] = [
  { policy, title: "DefaultObjectACL READER:allUsers", type: DEFAULT_ACL, props: { bucket: "b", roleEntities: ["OWNER:project-owners-1", "READER:allUsers"] }, bad: [/grants allUsers/] },
  { policy, title: "DefaultObjectACL project roles only", type: DEFAULT_ACL, props: { bucket: "b", roleEntities: ["OWNER:project-owners-1", "READER:project-viewers-1"] } },
  { policy, title: "DefaultObjectACL roleEntities unknown", preview: PREVIEW, type: DEFAULT_ACL, props: { bucket: "b", roleEntities: U.array } },
  { policy, title: "ObjectACL predefinedAcl publicRead", type: OBJECT_ACL, props: { bucket: "b", object: "o", predefinedAcl: "publicRead" }, bad: [/predefinedAcl "publicRead"/] },
  { policy, title: "ObjectACL predefinedAcl projectPrivate", type: OBJECT_ACL, props: { bucket: "b", object: "o", predefinedAcl: "projectPrivate" } },
  { policy, title: "ObjectACL READER:allAuthenticatedUsers", type: OBJECT_ACL, props: { bucket: "b", object: "o", roleEntities: ["READER:allAuthenticatedUsers"] }, bad: [/allAuthenticatedUsers/] },
  { policy, title: "ObjectACL predefinedAcl unknown", preview: PREVIEW, type: OBJECT_ACL, props: { bucket: "b", object: "o", predefinedAcl: U.string } },
  { policy, title: "BucketACL defaultAcl publicRead", type: BUCKET_ACL, props: { bucket: "b", defaultAcl: "publicRead" }, bad: [/defaultAcl "publicRead"/] },
  { policy, title: "BucketACL defaultAcl private", type: BUCKET_ACL, props: { bucket: "b", defaultAcl: "private" } },
  { policy, title: "BucketAccessControl allUsers", type: t("bucketAccessControl", "BucketAccessControl"), props: { bucket: "b", role: "READER", entity: "allUsers" }, bad: [/grants allUsers/] },
  { policy, title: "BucketAccessControl a group", type: t("bucketAccessControl", "BucketAccessControl"), props: { bucket: "b", role: "READER", entity: "group-ops@example.com" } },
  { policy, title: "DefaultObjectAccessControl a user", type: t("defaultObjectAccessControl", "DefaultObjectAccessControl"), props: { bucket: "b", role: "READER", entity: "user-a@example.com" } },
  { policy, title: "DefaultObjectAccessControl entity unknown", preview: PREVIEW, type: t("defaultObjectAccessControl", "DefaultObjectAccessControl"), props: { bucket: "b", role: "READER", entity: U.string } },
  { policy, title: "ObjectAccessControl allAuthenticatedUsers", type: t("objectAccessControl", "ObjectAccessControl"), props: { bucket: "b", object: "o", role: "READER", entity: "allAuthenticatedUsers" }, bad: [/allAuthenticatedUsers/] },
  { policy, title: "ObjectAccessControl project team", type: t("objectAccessControl", "ObjectAccessControl"), props: { bucket: "b", object: "o", role: "READER", entity: "project-viewers-1" } },
];
