/**
 * `storage:buckets.<logical>.options` for an AWS bucket: the AWS-only knobs. Each one is a named
 * field; omitting everything gives the secure default.
 */
import { z } from "zod";

/** Who may assume a key's role: IAM principals by ARN (account root, role or user), never `*`. */
export const PrincipalArn = z
  .string()
  .regex(
    /^arn:aws:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/,
    "must be an IAM principal ARN (arn:aws:iam::<account>:root | role/<name> | user/<name>), not a wildcard",
  );

export const KeyRole = z.strictObject({
  /** Principals allowed to call sts:AssumeRole on this key's role. */
  assumedBy: z
    .array(PrincipalArn)
    .min(1, "must name at least one principal")
    .describe("IAM principal ARNs (account root, role or user) that may assume the role; never *"),
  /** Required sts:ExternalId (third parties assuming the role). */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2-1224 chars of letters, digits and +=,.@:/-")
    .optional()
    .describe("sts:ExternalId the role requires (third parties assuming it)"),
  /** Session length; presigned URLs made with role credentials die with the session. */
  maxSessionSeconds: z
    .int()
    .min(3600, "must be at least 3600")
    .max(43_200, "must be at most 43200 (12 h)")
    .default(3600)
    .describe("Role session length; presigned URLs made with role credentials die with the session"),
});
export type KeyRole = z.infer<typeof KeyRole>;

export const AwsKeyOptions = z.strictObject({
  /** Make this key an IAM role (no static secret) instead of an IAM user with access keys. */
  role: KeyRole
    .optional()
    .describe("Serve the key as an IAM role (no static secret) instead of an IAM user with access keys"),
});
export type AwsKeyOptions = z.infer<typeof AwsKeyOptions>;

export const AwsBucketOptions = z.strictObject({
  /** SSE-KMS with a KMS key this component makes (rotation on, key policy scoped to this bucket's keys). */
  createKmsKey: z
    .boolean()
    .default(false)
    .describe("SSE-KMS with a rotating key the component makes, scoped to this bucket's keys; not with a keyId"),
  /** Waiting period before a deleted component-made KMS key is gone for good. */
  kmsKeyDeletionWindowDays: z
    .int()
    .min(7, "must be at least 7")
    .max(30, "must be at most 30")
    .default(30)
    .describe("Days a deleted component-made KMS key can still be recovered (the longest AWS allows)"),
  /** Server access logging for this bucket; defaults to `storage:aws.accessLogging`. */
  accessLogging: z
    .boolean()
    .optional()
    .describe("Server access logging for this bucket; unset = storage:aws.accessLogging"),
  /**
   * Deliver access logs to this existing bucket instead of a component-made one. Its owner must
   * allow logging.s3.amazonaws.com to write `<bucket>/` (see docs/providers/aws.md).
   */
  logTargetBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
    .optional()
    .describe("Existing bucket for the access logs instead of a component-made one (its owner grants log delivery)"),
  /** Per-key AWS knobs, by key name (`keys.<name>` must exist in the bucket's `keys`). */
  keys: z
    .record(z.string(), AwsKeyOptions)
    .default({})
    .describe("Per-key AWS knobs, by a key name of the bucket's keys"),
});
export type AwsBucketOptions = z.infer<typeof AwsBucketOptions>;
