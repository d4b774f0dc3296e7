/**
 * What a spec asks for that GCS cannot do, or that an IAM condition cannot express, as config-path
 * problems. Checked before any resource is registered, so nothing is silently dropped.
 */
import type { BucketSpec } from "../spec";
import { CEL_SAFE_PREFIX } from "./iam";
import { gcsBucketNameProblems } from "./naming";
import type { GcpSettings, GcsBucketOptions } from "./settings";

/**
 * IAM allows at most 20 bindings of one role to one principal that differ only by condition; a key
 * gets one conditional binding per prefix and role. https://cloud.google.com/iam/docs/conditions-overview#limitations
 */
export const MAX_PREFIXES_PER_KEY = 20;

/**
 * What GCS cannot express of the history rule (issue 19: application keys never list, read or
 * delete non-current versions, nor change retention or holds), for the README.
 */
export const GCS_HISTORY_LIMITS =
  "GCS cannot keep an application key from non-current generations: IAM conditions see the object name, " +
  "not the generation, so storage.objects.get reads any generation, storage.objects.list lists them and " +
  "storage.objects.delete deletes any of them. Soft delete (options.softDeleteDays, default 7) keeps a " +
  "deleted generation restorable by the operator for that long. Retention and holds stay out of reach: " +
  "keys never get storage.objects.setRetention or storage.objects.update.";

const KMS_KEY = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/([a-z0-9-]+)\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
const MULTI_REGION_KMS: Record<string, string> = { US: "us", EU: "europe", ASIA: "asia" };

export function gcpSpecProblems(logical: string, spec: BucketSpec, options: GcsBucketOptions, settings: GcpSettings): string[] {
  const at = (path: string) => `storage:buckets.${logical}${path}`;
  const problems: string[] = [];

  // The physical name starts with the logical name (naming.ts), so GCS's reserved words show here.
  for (const p of gcsBucketNameProblems(logical)) if (!p.startsWith("must be 3-63")) problems.push(`${at("")}: GCS bucket names ${p}`);

  if (spec.encryption.kind === "kms") {
    const m = KMS_KEY.exec(spec.encryption.keyId);
    if (!m) {
      problems.push(`${at(".encryption.keyId")}: must be a Cloud KMS key name projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`);
    } else {
      const keyLocation = m[1];
      const wanted = MULTI_REGION_KMS[settings.location] ?? (settings.location.includes("-") ? settings.location.toLowerCase() : undefined);
      if (keyLocation === "global") problems.push(`${at(".encryption.keyId")}: GCS cannot use a global KMS key; use a key in the bucket's location`);
      else if (wanted && keyLocation !== wanted) {
        problems.push(`${at(".encryption.keyId")}: key location "${keyLocation}" must match the bucket location ${settings.location} ("${wanted}")`);
      }
    }
  }

  if (spec.objectLock) {
    problems.push(
      `${at(".objectLock")}: GCS has no S3-style default object lock; use options.retentionDays (a bucket retention policy, ` +
        "optionally locked with options.lockRetention) with versioning: false",
    );
  }
  if (options.retentionDays !== undefined && spec.versioning) {
    problems.push(`${at(".options.retentionDays")}: GCS does not allow a retention policy on a versioned bucket; set versioning: false`);
  }
  if (options.lockRetention && options.retentionDays === undefined) problems.push(`${at(".options.lockRetention")}: needs options.retentionDays`);
  if (options.keepNoncurrentVersions !== undefined && !spec.versioning) {
    problems.push(`${at(".options.keepNoncurrentVersions")}: needs versioning: true (there are no noncurrent versions otherwise)`);
  }
  if (options.logging === true && !settings.logBucket) problems.push(`${at(".options.logging")}: needs storage:gcp.logBucket (the bucket that receives usage logs)`);
  if (options.logObjectPrefix !== undefined && !settings.logBucket) problems.push(`${at(".options.logObjectPrefix")}: needs storage:gcp.logBucket`);

  for (const [keyName, key] of Object.entries(spec.keys)) {
    const keyAt = `.keys.${keyName}`;
    key.prefixes.forEach((p, i) => {
      if (!CEL_SAFE_PREFIX.test(p)) problems.push(`${at(`${keyAt}.prefixes[${i}]`)}: cannot be expressed in an IAM condition (quotes, backslashes, wildcards)`);
    });
    if (key.prefixes.length > MAX_PREFIXES_PER_KEY) {
      problems.push(`${at(`${keyAt}.prefixes`)}: GCS IAM allows at most ${MAX_PREFIXES_PER_KEY} conditional bindings per role and principal; use fewer, shorter prefixes`);
    }
  }
  return problems;
}
