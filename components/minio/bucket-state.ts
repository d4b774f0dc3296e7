/**
 * The security state of a MinIO bucket, as the bucket provider declares it and as a read finds
 * it: everything `pulumi refresh` must be able to name when it changed out of band, so the next
 * `up` puts it back. Values a read finds equal to the declared ones are reported in the declared
 * form, so a clean bucket never shows drift.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  type LifecycleRule as S3LifecycleRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import { canonicalJson } from "../access";
import type { LifecycleRule, ObjectLock } from "../spec";
import { NOT_CONFIGURED, unlessAbsent } from "./not-found";
import { OWNER_TAG } from "./owner";

/** The only server-side encryption a stack bucket has: SSE-KMS with the configured key. */
export const SSE_ALGORITHM = "aws:kms";

export interface DeclaredBucket {
  versioning: boolean;
  kmsKeyId: string;
  lifecycle: LifecycleRule[];
  objectLock?: ObjectLock;
  owner?: string;
}

/** Every prop a read reports; the bucket diff compares all of them. */
export const SECURITY_KEYS = [
  "versioning",
  "sseAlgorithm",
  "kmsKeyId",
  "lifecycle",
  "objectLock",
  "owner",
  "bucketPolicy",
] as const;

/** What the stack wants, in the shape a read reports (no bucketPolicy: private means none). */
export function declaredState(d: DeclaredBucket): Record<string, unknown> {
  return {
    versioning: d.versioning,
    sseAlgorithm: SSE_ALGORITHM,
    kmsKeyId: d.kmsKeyId,
    lifecycle: d.lifecycle,
    ...(d.objectLock ? { objectLock: d.objectLock } : {}),
    owner: d.owner ?? "",
  };
}

/** One spec rule as MinIO's S3 API takes it (MinIO expires stale multipart uploads itself). */
function s3Rule(r: LifecycleRule, i: number): S3LifecycleRule {
  return {
    ID: r.id ?? `rule-${i + 1}`,
    Status: "Enabled",
    Filter: { Prefix: r.prefix ?? "" },
    ...(r.expireDays !== undefined ? { Expiration: { Days: r.expireDays } } : {}),
    ...(r.noncurrentExpireDays !== undefined
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentExpireDays } }
      : {}),
    ...(r.abortIncompleteUploadDays !== undefined
      ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortIncompleteUploadDays } }
      : {}),
  };
}

export function s3LifecycleRules(rules: LifecycleRule[]): S3LifecycleRule[] {
  return rules.map(s3Rule);
}

/** A live rule in the spec's words, plus the whole rule as stored when it holds more than the spec can say. */
export type LiveLifecycleRule = LifecycleRule & { stored?: string };

export function liveLifecycleRule(r: S3LifecycleRule): LiveLifecycleRule {
  const prefix = r.Filter?.Prefix ?? r.Prefix ?? "";
  const rule: LifecycleRule = {
    ...(r.ID !== undefined ? { id: r.ID } : {}),
    ...(prefix ? { prefix } : {}),
    ...(r.Expiration?.Days !== undefined ? { expireDays: r.Expiration.Days } : {}),
    ...(r.NoncurrentVersionExpiration?.NoncurrentDays !== undefined
      ? { noncurrentExpireDays: r.NoncurrentVersionExpiration.NoncurrentDays }
      : {}),
  };
  // A disabled rule, a tag filter, a date or a transition would otherwise vanish from the comparison.
  const { Prefix: _legacy, ...rest } = r;
  const asStored = canonicalJson({ ...rest, Filter: { ...(r.Filter ?? {}), Prefix: prefix } });
  return asStored === canonicalJson(s3Rule(rule, 0)) ? rule : { ...rule, stored: asStored };
}

/** Rules compared by what they do, not by their ids alone (MinIO keeps no abort-upload rule). */
export function sameLifecycle(declared: LifecycleRule[], live: S3LifecycleRule[]): boolean {
  const norm = (rules: LiveLifecycleRule[]) =>
    rules
      .map((r) => canonicalJson(r))
      .sort()
      .join("\n");
  const wanted = declared.map(({ abortIncompleteUploadDays: _abort, ...r }, i) => liveLifecycleRule(s3Rule(r, i)));
  return norm(wanted) === norm(live.map(liveLifecycleRule));
}

/** Lock on without a default retention reads as mode "none": retention removed is drift too. */
export type LiveObjectLock = { mode: string; days: number; years?: number };

export async function readSecurityState(
  s3: S3Client,
  Bucket: string,
  declared: DeclaredBucket,
): Promise<Record<string, unknown>> {
  const [versioning, encryption, lifecycle, policy, tagging, lock] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket })),
    unlessAbsent(s3.send(new GetBucketEncryptionCommand({ Bucket })), NOT_CONFIGURED.encryption),
    unlessAbsent(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), NOT_CONFIGURED.lifecycle),
    unlessAbsent(s3.send(new GetBucketPolicyCommand({ Bucket })), NOT_CONFIGURED.policy),
    unlessAbsent(s3.send(new GetBucketTaggingCommand({ Bucket })), NOT_CONFIGURED.tagging),
    unlessAbsent(s3.send(new GetObjectLockConfigurationCommand({ Bucket })), NOT_CONFIGURED.objectLock),
  ]);
  const sse = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
  const liveRules = lifecycle?.Rules ?? [];
  const objectLock = liveObjectLock(lock?.ObjectLockConfiguration);
  return {
    versioning: versioning.Status === "Enabled",
    sseAlgorithm: sse?.SSEAlgorithm ?? "",
    kmsKeyId: sse?.SSEAlgorithm === SSE_ALGORITHM ? (sse.KMSMasterKeyID ?? "") : "",
    lifecycle: sameLifecycle(declared.lifecycle, liveRules) ? declared.lifecycle : liveRules.map(liveLifecycleRule),
    ...(objectLock
      ? {
          objectLock:
            canonicalJson(objectLock) === canonicalJson(declared.objectLock) ? declared.objectLock : objectLock,
        }
      : {}),
    owner: tagging?.TagSet?.find((t) => t.Key === OWNER_TAG)?.Value ?? "",
    ...(policy?.Policy ? { bucketPolicy: policy.Policy } : {}),
  };
}

function liveObjectLock(
  config:
    | { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } }
    | undefined,
): LiveObjectLock | undefined {
  if (config?.ObjectLockEnabled !== "Enabled") return undefined;
  const r = config.Rule?.DefaultRetention;
  if (!r?.Mode) return { mode: "none", days: 0 };
  return { mode: r.Mode, days: r.Days ?? 0, ...(r.Years ? { years: r.Years } : {}) };
}
