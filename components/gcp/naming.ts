/** GCS and IAM naming rules, and the stable IDs derived from the physical bucket name. */
import { createHash } from "node:crypto";

const hash = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);

/**
 * Why `name` is not a valid GCS bucket name (empty when it is). Only the dot-free form is accepted:
 * dotted names need domain verification, and physicalBucketName never produces dots.
 * https://cloud.google.com/storage/docs/buckets#naming
 */
export function gcsBucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(name)) problems.push("must be 3-63 chars of a-z, 0-9, '-' and '_', starting and ending with a letter or digit");
  if (name.startsWith("goog")) problems.push('must not start with "goog" (reserved by Google)');
  if (/g[o0]{2}gle/.test(name)) problems.push('must not contain "google" or a close misspelling of it');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push("must not be an IP address in dotted-decimal notation");
  return problems;
}

/** Service account ID per key: 6-30 chars, stable per bucket and key, unique across stacks. */
export function serviceAccountId(bucketName: string, keyName: string): string {
  return `${keyName.slice(0, 19)}-${hash(`${bucketName}/${keyName}`, 8)}`;
}

/** Custom role ID (`[a-zA-Z0-9_.]{3,64}`) per bucket and permission set, e.g. `ss_1a2b3c4d5e6f_objects_rw`. */
export function customRoleId(bucketName: string, code: string): string {
  return `ss_${hash(bucketName, 12)}_${code}`;
}

/** Short stable suffix for a per-prefix resource name, so reordering prefixes never replaces a binding. */
export function prefixSuffix(prefix: string): string {
  return hash(prefix, 8);
}
