/**
 * Spec lifecycle rules -> S3 lifecycle rules. Aborting incomplete multipart uploads is always on:
 * abandoned parts are invisible, billed storage, so a whole-bucket rule is added unless the spec
 * already has one.
 */
import type { LifecycleRule } from "../spec";

/** Days after which incomplete multipart uploads are aborted when the spec does not say. */
export const DEFAULT_ABORT_INCOMPLETE_DAYS = 7;

export interface S3LifecycleRule {
  id: string;
  status: "Enabled";
  /** Always explicit: `prefix: ""` is the whole bucket (an empty filter draws provider warnings). */
  filter: { prefix: string };
  expiration?: { days: number };
  noncurrentVersionExpiration?: { noncurrentDays: number };
  abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/** A rule's S3 id: the spec's, else its position (what S3 stores, and what duplicate checks compare). */
const ruleId = (r: LifecycleRule, i: number) => r.id ?? `rule-${i}`;

export function s3LifecycleRules(rules: LifecycleRule[]): S3LifecycleRule[] {
  const out: S3LifecycleRule[] = rules.map((r, i) => ({
    id: ruleId(r, i),
    status: "Enabled",
    filter: { prefix: r.prefix ?? "" },
    ...(r.expireDays !== undefined ? { expiration: { days: r.expireDays } } : {}),
    ...(r.noncurrentExpireDays !== undefined ? { noncurrentVersionExpiration: { noncurrentDays: r.noncurrentExpireDays } } : {}),
    ...(r.abortIncompleteUploadDays !== undefined ? { abortIncompleteMultipartUpload: { daysAfterInitiation: r.abortIncompleteUploadDays } } : {}),
  }));
  const wholeBucketAbort = rules.some((r) => r.abortIncompleteUploadDays !== undefined && r.prefix === undefined);
  if (!wholeBucketAbort) {
    out.push({
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: DEFAULT_ABORT_INCOMPLETE_DAYS },
    });
  }
  return out;
}

/** Problems S3 would only report at deploy time: duplicate rule ids, including the rule added here. */
export function lifecycleProblems(logical: string, rules: LifecycleRule[]): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  rules.forEach((r, i) => {
    const id = ruleId(r, i);
    if (seen.has(id)) problems.push(`storage:buckets.${logical}.lifecycle[${i}].id: "${id}" is already used by lifecycle[${seen.get(id)}]`);
    else seen.set(id, i);
  });
  const added = s3LifecycleRules(rules)[rules.length];
  if (added && seen.has(added.id)) {
    problems.push(
      `storage:buckets.${logical}.lifecycle[${seen.get(added.id)}].id: "${added.id}" is reserved for the whole-bucket abort rule this component adds`,
    );
  }
  return problems;
}
