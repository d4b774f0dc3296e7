/**
 * `storage:aws` stack config. Cloud credentials are never config: the AWS provider takes them from
 * the environment (OIDC in CI, a profile on a laptop).
 */
import { z } from "zod";

/** Commercial-partition region names (`eu-central-1`); the access documents speak `arn:aws:` only. */
export const AWS_REGION = /^[a-z]{2}-[a-z]+-\d{1,2}$/;

export const AwsSettings = z.strictObject({
  region: z
    .string()
    .refine((r) => !/^(cn|us-gov|us-iso[a-z]?|eu-isoe?)-/.test(r), "only the commercial partition (arn:aws:) is supported")
    .refine((r) => AWS_REGION.test(r), "must be an AWS region such as eu-central-1")
    .describe("Region of every bucket; commercial partition only (the access documents speak arn:aws:)"),
  /**
   * The 12-digit account the stack must deploy to. When set, the provider refuses any other account
   * (allowedAccountIds) and policies name it literally; when unset it is read from STS.
   */
  accountId: z
    .string()
    .regex(/^\d{12}$/, "must be a 12-digit AWS account id")
    .optional()
    .describe("Account to deploy to: the provider refuses any other and policies name it; unset = read from STS"),
  /**
   * Replaced by the provider-neutral `storage:buckets.<name>.retain` (on by default). Refused rather
   * than ignored: `protect: false` used to mean "destroyable", which would now silently flip.
   */
  protect: z
    .never({ error: "was replaced by storage:buckets.<name>.retain (on unless forceDestroy): remove this line" })
    .optional()
    .describe("Removed: use storage:buckets.<name>.retain (retained by default unless forceDestroy)"),
  /** Server access logging to a hardened log bucket for every bucket (per bucket: options.accessLogging). */
  accessLogging: z
    .boolean()
    .default(true)
    .describe("Server access logs of every bucket into a hardened log bucket (per bucket: options.accessLogging)"),
  /** Days access logs are kept in the log bucket. */
  logRetentionDays: z.int().min(1).max(3650).default(365).describe("Days access logs are kept in the log bucket"),
  /** ARN of a permissions boundary put on every IAM user and role the component makes. */
  permissionsBoundary: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:policy\/[\w+=,.@/-]+$/, "must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)")
    .optional()
    .describe("IAM policy ARN set as permissions boundary on every user and role the component makes"),
  /** Tags on every resource (provider defaultTags). */
  tags: z
    .record(z.string().min(1).max(128), z.string().max(256))
    .default({})
    .describe("Tags on every resource (the per-bucket provider's defaultTags)"),
});
export type AwsSettings = z.infer<typeof AwsSettings>;

/** The regional S3 endpoint applications and `npm run verify` use. */
export function s3Endpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com`;
}
