/**
 * The B2 side of the access model: a key's `{access, prefixes}` becomes B2 capabilities plus one
 * `namePrefix`; the bucket spec's CORS, lifecycle and object lock become B2's rule shapes; and what
 * B2 cannot express is reported as config errors naming the path, before any request is made.
 */
import type { KeyGrant } from "../access";
import type { BucketSpec, CorsRule, LifecycleRule, ObjectLock } from "../spec";
import { B2_CAPABILITIES, type B2Capability, type B2CorsOperation, type B2CorsRule, type B2DefaultRetention, type B2LifecycleRule, type B2ServerSideEncryption } from "./types";

/** Default encryption of every bucket: SSE-B2 (B2-managed keys, AES-256). */
export const SSE_B2: B2ServerSideEncryption = { mode: "SSE-B2", algorithm: "AES256" };

/**
 * Capabilities an application key made by this provider may carry: data-plane access to one
 * bucket. Key management (listKeys, writeKeys, deleteKeys), bucket administration (writeBuckets,
 * deleteBuckets, write* settings), listAllBucketNames and bypassGovernance are refused.
 */
export const KEY_CAPABILITIES_ALLOWED: readonly B2Capability[] = [
  "listBuckets",
  "readBuckets",
  "listFiles",
  "readFiles",
  "shareFiles",
  "writeFiles",
  "deleteFiles",
  "readBucketEncryption",
  "readBucketRetentions",
  "readFileRetentions",
  "readFileLegalHolds",
];

const ACCESS_CAPABILITIES: Record<KeyGrant["access"][number], B2Capability> = {
  read: "readFiles",
  write: "writeFiles",
  delete: "deleteFiles",
  list: "listFiles",
};

/**
 * B2 capabilities for a grant, sorted. `listBuckets` is always added: the S3-compatible API
 * resolves the bucket name through it for a bucket-restricted key (HeadBucket, SDK bucket checks),
 * and on a key restricted to one bucket it reveals only that bucket.
 */
export function b2Capabilities(grant: Pick<KeyGrant, "access">): B2Capability[] {
  const caps = new Set<B2Capability>(["listBuckets"]);
  for (const a of grant.access) caps.add(ACCESS_CAPABILITIES[a]);
  return [...caps].sort();
}

/** Problems with a capability list for one key (unknown names, management or account-wide power). */
export function capabilityProblems(capabilities: readonly string[]): string[] {
  const problems: string[] = [];
  for (const c of capabilities) {
    if (!(B2_CAPABILITIES as readonly string[]).includes(c)) problems.push(`unknown B2 capability "${c}"`);
    else if (!KEY_CAPABILITIES_ALLOWED.includes(c as B2Capability)) {
      problems.push(`capability "${c}" grants key-management, bucket-administration or account-wide power; this provider never creates such keys`);
    }
  }
  if (new Set(capabilities).size !== capabilities.length) problems.push("capabilities must not repeat");
  if (capabilities.length === 0) problems.push("at least one capability is required");
  return problems;
}

/** B2 bucket name rules: 6-63 characters of letters, digits and "-", not starting with "b2-". */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 6 || name.length > 63) return `"${name}" must be 6-63 characters long (B2 rule)`;
  if (!/^[A-Za-z0-9-]+$/.test(name)) return `"${name}" may contain only letters, digits and "-" (B2 rule)`;
  if (/^b2-/i.test(name)) return `"${name}" must not start with "b2-" (reserved by Backblaze)`;
  return undefined;
}

/** B2 key name rules: 1-100 characters of letters, digits and "-". */
export function keyNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(name)) return `"${name}" must be 1-100 letters, digits or "-" (B2 key name rule)`;
  return undefined;
}

export const MAX_CORS_RULES = 100;

const CORS_OPS: Record<CorsRule["methods"][number], B2CorsOperation> = {
  GET: "s3_get",
  HEAD: "s3_head",
  PUT: "s3_put",
  POST: "s3_post",
  DELETE: "s3_delete",
};

/** B2 CORS rules for the S3-compatible API, keys in a fixed order so reads compare equal. */
export function b2CorsRules(rules: readonly CorsRule[]): B2CorsRule[] {
  return rules.map((r, i) => ({
    corsRuleName: `s3-cors-${i + 1}`,
    allowedOrigins: [...r.origins],
    allowedOperations: [...new Set(r.methods.map((m) => CORS_OPS[m]))].sort(),
    allowedHeaders: [...r.headers],
    exposeHeaders: [...r.exposeHeaders],
    maxAgeSeconds: r.maxAgeSeconds,
  }));
}

/**
 * B2 lifecycle rules: one rule per file name prefix. `expireDays` hides the current version (as
 * S3 expiration adds a delete marker), `noncurrentExpireDays` deletes hidden versions,
 * `abortIncompleteUploadDays` cancels unfinished large files. Spec rules with the same prefix are
 * merged; two values for the same field on one prefix are a conflict.
 */
export function b2LifecycleRules(rules: readonly LifecycleRule[]): { rules: B2LifecycleRule[]; conflicts: Array<{ index: number; message: string }> } {
  const byPrefix = new Map<string, B2LifecycleRule>();
  const conflicts: Array<{ index: number; message: string }> = [];
  rules.forEach((r, index) => {
    const prefix = r.prefix ?? "";
    const merged = byPrefix.get(prefix) ?? { fileNamePrefix: prefix };
    const set = (field: Exclude<keyof B2LifecycleRule, "fileNamePrefix">, value: number | undefined, from: string) => {
      if (value === undefined) return;
      if (merged[field] !== undefined && merged[field] !== value) {
        conflicts.push({ index, message: `${from}: conflicts with another rule for prefix "${prefix}" (B2 has one rule per prefix)` });
        return;
      }
      merged[field] = value;
    };
    set("daysFromUploadingToHiding", r.expireDays, "expireDays");
    set("daysFromHidingToDeleting", r.noncurrentExpireDays, "noncurrentExpireDays");
    set("daysFromStartingToCancelingUnfinishedLargeFiles", r.abortIncompleteUploadDays, "abortIncompleteUploadDays");
    byPrefix.set(prefix, merged);
  });
  const ordered = [...byPrefix.values()].sort((a, b) => a.fileNamePrefix.localeCompare(b.fileNamePrefix)).map(canonicalLifecycleRule);
  return { rules: ordered, conflicts };
}

/** Fixed key order, no null fields: B2 may answer `null` for an unset day count. */
export function canonicalLifecycleRule(r: B2LifecycleRule | Record<string, unknown>): B2LifecycleRule {
  const x = r as Record<string, unknown>;
  const out: B2LifecycleRule = { fileNamePrefix: String(x.fileNamePrefix ?? "") };
  for (const k of ["daysFromUploadingToHiding", "daysFromHidingToDeleting", "daysFromStartingToCancelingUnfinishedLargeFiles"] as const) {
    if (typeof x[k] === "number") out[k] = x[k] as number;
  }
  return out;
}

export function canonicalCorsRule(r: B2CorsRule | Record<string, unknown>): B2CorsRule {
  const x = r as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    corsRuleName: String(x.corsRuleName ?? ""),
    allowedOrigins: list(x.allowedOrigins),
    allowedOperations: list(x.allowedOperations).sort() as B2CorsOperation[],
    allowedHeaders: list(x.allowedHeaders),
    exposeHeaders: list(x.exposeHeaders),
    maxAgeSeconds: Number(x.maxAgeSeconds ?? 0),
  };
}

export function b2DefaultRetention(lock: ObjectLock): B2DefaultRetention {
  return { mode: lock.mode === "GOVERNANCE" ? "governance" : "compliance", period: { duration: lock.days, unit: "days" } };
}

/**
 * What a spec asks for that B2 cannot do, as `storage:buckets.<logical>...: message` problems.
 * `bucketName` is the physical name when known (the adapter passes it).
 */
export function b2SpecProblems(logical: string, spec: BucketSpec, bucketName?: string): string[] {
  const at = (p: string) => `storage:buckets.${logical}${p}`;
  const problems: string[] = [];
  if (/^b2(-|$)/i.test(logical)) {
    problems.push(`${at("")}: the physical bucket name would start with "b2-", which Backblaze reserves; rename the bucket`);
  } else if (bucketName) {
    const p = bucketNameProblem(bucketName);
    if (p) problems.push(`${at("")}: physical name ${p}`);
  }
  if (spec.encryption.kind === "kms") {
    problems.push(`${at(".encryption")}: B2 has no customer-managed KMS keys; use { kind: managed } (SSE-B2, AES256)`);
  }
  if (!spec.versioning) {
    problems.push(`${at(".versioning")}: B2 always keeps file versions; set versioning: true and prune old versions with lifecycle noncurrentExpireDays`);
  }
  if (spec.forceDestroy) {
    problems.push(`${at(".forceDestroy")}: the B2 provider never deletes files; empty the bucket before destroying it and remove forceDestroy`);
  }
  if (spec.cors.length > MAX_CORS_RULES) {
    problems.push(`${at(".cors")}: B2 allows at most ${MAX_CORS_RULES} CORS rules per bucket (got ${spec.cors.length})`);
  }
  for (const c of b2LifecycleRules(spec.lifecycle).conflicts) problems.push(`${at(`.lifecycle[${c.index}]`)}.${c.message}`);
  for (const [keyName, key] of Object.entries(spec.keys)) {
    if (key.access.includes("delete") && !key.access.includes("write")) {
      // B2 documents that S3 DeleteObject by name hides the file, which takes writeFiles as well.
      problems.push(
        `${at(`.keys.${keyName}.access`)}: on B2, deleting by name through the S3 API needs writeFiles as well as deleteFiles; grant write together with delete`,
      );
    }
    if (key.prefixes.length > 1) {
      problems.push(
        `${at(`.keys.${keyName}.prefixes`)}: a B2 application key has a single namePrefix; got ${key.prefixes.length} ` +
          `(${key.prefixes.map((p) => `"${p}"`).join(", ")}): use one key per prefix or a common parent prefix`,
      );
    }
  }
  return problems;
}
