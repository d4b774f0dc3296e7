/**
 * A key's `{access, prefixes}` as GCS IAM: custom roles holding exactly the permissions the access
 * list needs, bound on the bucket with IAM conditions on the object name.
 *
 * Why custom roles: every predefined role grants more than one access. objectViewer = get + list,
 * objectCreator also creates managed folders, objectUser adds update/restore. A write-only key
 * must be able to create objects and nothing else.
 *
 * Why `list` is separate: `storage.objects.list` is checked against the *bucket*
 * (`projects/_/buckets/<b>`), so a `resource.name.startsWith(".../objects/<prefix>")` condition can
 * never match it. A prefixed key's list binding is conditioned on the list request's prefix instead
 * (see listCondition), or, with `options.listScope: bucket`, granted on the whole bucket.
 */
import type { Access } from "../spec";
import type { KeyGrant } from "../access";

/** GCS permissions per access. Sorted so role definitions are canonical. */
export const GCS_PERMISSIONS: Record<Access, string[]> = {
  read: ["storage.objects.get"],
  // Create-only: GCS needs storage.objects.delete to overwrite an existing name, so a write-only
  // key cannot replace objects. The XML API's multipart uploads (S3 interop) need the three
  // multipartUploads permissions, like s3:AbortMultipartUpload/ListMultipartUploadParts on S3.
  write: ["storage.multipartUploads.abort", "storage.multipartUploads.create", "storage.multipartUploads.listParts", "storage.objects.create"],
  delete: ["storage.objects.delete"],
  list: ["storage.objects.list"],
};

export type ListScope = "prefix" | "bucket";

export interface RoleDef {
  /** `objects_r`, `objects_rwd`, `list`: part of the role ID, one role per bucket and code. */
  code: string;
  permissions: string[];
}

export interface IamCondition {
  title: string;
  description: string;
  expression: string;
}

export interface KeyBinding {
  role: RoleDef;
  /** Absent for whole-bucket keys (and list with `listScope: bucket`). */
  condition?: IamCondition;
  /** The prefix this binding is scoped to, if any (names the resource). */
  prefix?: string;
}

const OBJECT_ACCESS = ["read", "write", "delete"] as const;
const LETTER: Record<(typeof OBJECT_ACCESS)[number], string> = { read: "r", write: "w", delete: "d" };

/** The object-level role for an access list (undefined when it only lists). */
export function objectRole(access: readonly Access[]): RoleDef | undefined {
  const granted = OBJECT_ACCESS.filter((a) => access.includes(a));
  if (!granted.length) return undefined;
  return { code: `objects_${granted.map((a) => LETTER[a]).join("")}`, permissions: granted.flatMap((a) => GCS_PERMISSIONS[a]).sort() };
}

export const LIST_ROLE: RoleDef = { code: "list", permissions: [...GCS_PERMISSIONS.list] };

/** Characters a prefix may hold so it can sit verbatim inside a CEL double-quoted string. */
export const CEL_SAFE_PREFIX = /^[A-Za-z0-9!_.()\-/]+$/;

function celString(s: string): string {
  if (!CEL_SAFE_PREFIX.test(s)) throw new Error(`"${s}" cannot be expressed in an IAM condition`);
  return `"${s}"`;
}

/** `resource.name.startsWith("projects/_/buckets/<bucket>/objects/<prefix>")`: object permissions under a prefix. */
export function objectCondition(bucketName: string, prefix: string): IamCondition {
  return {
    title: `objects under ${prefix}`.slice(0, 100),
    description: `Object names in ${bucketName} starting with ${prefix}`,
    expression: `resource.name.startsWith(${celString(`projects/_/buckets/${bucketName}/objects/${prefix}`)})`,
  };
}

/**
 * List requests whose `prefix` parameter starts with the key's prefix. The attribute is absent on
 * other requests and defaults to "", so when it is not evaluated the binding never matches: the
 * condition fails closed (listing denied), it never widens.
 */
export function listCondition(prefix: string): IamCondition {
  return {
    title: `list under ${prefix}`.slice(0, 100),
    description: `List requests whose prefix starts with ${prefix}`,
    expression: `api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith(${celString(prefix)})`,
  };
}

/** Every binding one key needs on one bucket. */
export function keyBindings(bucketName: string, grant: KeyGrant, listScope: ListScope): KeyBinding[] {
  const out: KeyBinding[] = [];
  const role = objectRole(grant.access);
  if (role) {
    if (!grant.prefixes.length) out.push({ role });
    for (const prefix of grant.prefixes) out.push({ role, prefix, condition: objectCondition(bucketName, prefix) });
  }
  if (grant.access.includes("list")) {
    if (!grant.prefixes.length || listScope === "bucket") out.push({ role: LIST_ROLE });
    else for (const prefix of grant.prefixes) out.push({ role: LIST_ROLE, prefix, condition: listCondition(prefix) });
  }
  return out;
}
