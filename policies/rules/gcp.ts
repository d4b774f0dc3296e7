/** Google Cloud Storage: bucket settings and anyone-on-the-internet IAM members / ACL entities. */
import { wildcardWriteRules } from "../cors";
import { mustBe, resourcePolicy, type StoragePolicy } from "../policy";
import { asBool, at, isObject, isUnknown, knownStrings, list, type Plain, type PlainObject } from "../props";
import { GCP, HISTORY_ADVISORY, HISTORY_RULE } from "./types";

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];
/** Canned ACLs that grant allUsers / allAuthenticatedUsers. */
const PUBLIC_PREDEFINED = new Map([
  ["publicRead", "allUsers"],
  ["publicReadWrite", "allUsers"],
  ["authenticatedRead", "allAuthenticatedUsers"],
]);
/** Roles that manage the bucket itself (its IAM, ACLs, deletion): storage.admin and the primitive roles. */
const ADMIN_ROLES = ["roles/storage.admin", "roles/owner", "roles/editor", "roles/viewer"];

/** Members (IAM) or entities (ACL, possibly `ROLE:entity`) that mean anyone. */
function publicEntities(type: string, p: PlainObject): string[] {
  let found: string[] = [];
  if (GCP.iamMember.includes(type as never)) found = knownStrings(p.member);
  else if (GCP.iamBinding.includes(type as never)) found = knownStrings(p.members);
  else if (GCP.iamPolicy.includes(type as never)) found = policyDataMembers(p.policyData);
  else if (p.roleEntities !== undefined) found = knownStrings(p.roleEntities).map((e) => e.split(":").pop() ?? e);
  else found = knownStrings(p.entity);
  // BucketACL's defaultAcl is the canned ACL every new object gets: as public as predefinedAcl.
  const viaCanned = (["predefinedAcl", "defaultAcl"] as const).flatMap((field) => {
    const acl = p[field];
    const canned = typeof acl === "string" ? PUBLIC_PREDEFINED.get(acl) : undefined;
    return canned ? [`${canned} (${field} "${String(acl)}")`] : [];
  });
  return [...found.filter((m) => PUBLIC_MEMBERS.includes(m)), ...viaCanned];
}

/** [role, member] pairs a bucket IAM resource grants; unknown parts are left out. */
function grants(type: string, p: PlainObject): Array<[string, string]> {
  if (GCP.iamPolicy.includes(type as never)) {
    return policyDataBindings(p.policyData).flatMap(([role, members]) => members.map((m): [string, string] => [role, m]));
  }
  if (typeof p.role !== "string" || isUnknown(p.role)) return [];
  return [...knownStrings(p.member), ...knownStrings(p.members)].map((m): [string, string] => [p.role as string, m]);
}

function policyDataBindings(v: Plain): Array<[string, string[]]> {
  if (typeof v !== "string" || isUnknown(v)) return [];
  try {
    const doc = JSON.parse(v) as Plain;
    const bindings = list(at(doc, "bindings")).filter(isObject);
    return bindings.flatMap((b): Array<[string, string[]]> => (typeof b.role === "string" ? [[b.role, knownStrings(b.members)]] : []));
  } catch {
    return [];
  }
}
const policyDataMembers = (v: Plain) => policyDataBindings(v).flatMap(([, members]) => members);

/** Users and service accounts only: groups and domains are how admins are meant to be named. */
const PERSONAL = /^(user|serviceAccount):/;

/** Object permissions IAM cannot limit to the live generation (conditions see no generation). */
const GENERATIONS = new Map([
  ["storage.objects.get", "reads any generation"],
  ["storage.objects.list", "lists every generation"],
  ["storage.objects.delete", "deletes any generation (soft delete keeps it restorable)"],
]);

export const gcpPolicies: StoragePolicy[] = [
  resourcePolicy({
    name: "gcp-storage-uniform-access",
    summary: "GCS buckets must enable uniform bucket-level access (no object ACLs).",
    controls: ["CIS GCP 5.2", "CKV_GCP_29"],
    providers: ["gcp"],
    guard: "public-access",
    types: [...GCP.bucket],
    check: (p) => mustBe("uniformBucketLevelAccess", asBool(p.uniformBucketLevelAccess), true, "not set (false)"),
  }),
  resourcePolicy({
    name: "gcp-storage-public-access-prevention",
    summary: 'GCS buckets must set publicAccessPrevention to "enforced" ("inherited" allows public grants).',
    controls: ["CIS GCP 5.1", "CKV_GCP_114"],
    providers: ["gcp"],
    guard: "public-access",
    types: [...GCP.bucket],
    check: (p) => mustBe("publicAccessPrevention", p.publicAccessPrevention, "enforced", "not set (inherited)"),
  }),
  resourcePolicy({
    name: "gcp-storage-no-public-members",
    summary:
      "GCS bucket IAM members/bindings/policies and ACLs must not include allUsers or allAuthenticatedUsers " +
      "(also not through predefinedAcl publicRead, publicReadWrite, authenticatedRead).",
    controls: ["CIS GCP 5.1", "CKV_GCP_28"],
    providers: ["gcp"],
    guard: "public-access",
    types: [...GCP.iamMember, ...GCP.iamBinding, ...GCP.iamPolicy, ...GCP.acl],
    check: (p, type) => publicEntities(type, p).map((m) => `grants ${m}: anyone on the internet${m === "allAuthenticatedUsers" ? " with a Google account" : ""}`),
  }),
  resourcePolicy({
    name: "gcp-storage-cors-no-wildcard-write",
    summary: 'GCS CORS entries must not let origin "*" use write methods (PUT, POST, DELETE, "*").',
    controls: ["OWASP ASVS 4.0.3 V14.5.3"],
    providers: ["gcp"],
    guard: "hardening",
    types: [...GCP.bucket],
    check: (p) => wildcardWriteRules(p.cors, "cors", (r) => [at(r, "origins"), at(r, "methods")]),
  }),
  resourcePolicy({
    name: "gcp-storage-versioning",
    summary: "GCS buckets must enable object versioning.",
    controls: ["CKV_GCP_78"],
    providers: ["gcp"],
    guard: "data-protection",
    types: [...GCP.bucket],
    check: (p) => mustBe("versioning.enabled", asBool(at(p, "versioning", "enabled")), true, "not set"),
  }),
  resourcePolicy({
    name: "gcp-storage-lifecycle-abort-multipart",
    summary: "GCS buckets must have a lifecycle rule with action AbortIncompleteMultipartUpload.",
    controls: ["equivalent of AWS FSBP S3.13", "equivalent of CKV_AWS_300"],
    providers: ["gcp"],
    guard: "data-protection",
    types: [...GCP.bucket],
    check: (p) => {
      if (isUnknown(p.lifecycleRules)) return [];
      const types = list(p.lifecycleRules).map((r) => at(r, "action", "type"));
      if (types.includes("AbortIncompleteMultipartUpload") || types.some(isUnknown)) return [];
      const what = types.length ? "no lifecycle rule aborts" : "no lifecycle rules: nothing aborts";
      return [`${what} incomplete multipart uploads; abandoned parts are stored (and billed) forever`];
    },
  }),
  resourcePolicy({
    name: "gcp-storage-no-admin-roles",
    summary:
      "GCS bucket IAM must not grant roles/storage.admin or a primitive role (owner, editor, viewer) to a user or " +
      "service account other than the configured admins (config: admins).",
    controls: ["CIS GCP 1.5", "equivalent of AWS FSBP IAM.1"],
    providers: ["gcp"],
    guard: "least-privilege",
    types: [...GCP.iamMember, ...GCP.iamBinding, ...GCP.iamPolicy],
    config: {
      admins: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Members (user:... or serviceAccount:...) that may hold admin roles on a bucket; none by default",
      },
    },
    check: (p, type, config) => {
      const admins = knownStrings(config.admins);
      return grants(type, p)
        .filter(([role, m]) => ADMIN_ROLES.includes(role) && PERSONAL.test(m) && !admins.includes(m))
        .map(([role, m]) => `grants ${role} to ${m}, not a configured admin: it could change the bucket's IAM or delete it`);
    },
  }),
  resourcePolicy({
    name: "gcp-role-object-generations",
    summary: "GCS roles with storage.objects.get, list or delete reach old generations too (IAM sees no generation).",
    controls: [HISTORY_RULE],
    providers: ["gcp"],
    guard: "data-protection",
    advisory: HISTORY_ADVISORY,
    types: [...GCP.customRole],
    check: (p) => {
      const found = knownStrings(p.permissions).filter((perm) => GENERATIONS.has(perm));
      if (!found.length) return [];
      const reach = found.map((perm) => `${perm} ${GENERATIONS.get(perm)}`).join("; ");
      return [`${reach}: GCS cannot keep a key from old generations`];
    },
  }),
];
