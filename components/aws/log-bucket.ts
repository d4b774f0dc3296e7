/**
 * The access-log bucket: server access logs are the audit trail (who, what, when, from where), so
 * the log bucket gets the same baseline as data, SSE-S3 (log delivery cannot write to SSE-KMS
 * default-encrypted buckets), versioning (deleted logs stay recoverable), and a delivery grant for
 * logging.s3.amazonaws.com scoped to the source bucket and account (aws:SourceArn/SourceAccount).
 * It does not log itself.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { applyBaseline } from "./bucket-baseline";
import type { BucketPolicyStatement } from "./bucket-policy";
import { s3LifecycleRules } from "./lifecycle";

/** Objects under this prefix in the log bucket (then account/region/bucket/date partitions). */
export const ACCESS_LOG_PREFIX = "access/";
/** Deleted or overwritten log objects remain recoverable this long. */
export const LOG_NONCURRENT_DAYS = 30;

/** `<bucket>-logs`, or a hashed variant when that would pass S3's 63 characters. */
export function logBucketName(bucketName: string): string {
  const plain = `${bucketName}-logs`;
  if (plain.length <= 63) return plain;
  const hash = createHash("sha256").update(bucketName).digest("hex").slice(0, 6);
  return `${bucketName.slice(0, 51).replace(/[-.]+$/, "")}-${hash}-logs`;
}

/** The only Allow in the log bucket's policy. */
export function logDeliveryGrant(logBucket: string, sourceBucket: string, accountId: string): BucketPolicyStatement {
  return {
    Sid: "AllowServerAccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${logBucket}/${ACCESS_LOG_PREFIX}*`,
    Condition: {
      ArnLike: { "aws:SourceArn": `arn:aws:s3:::${sourceBucket}` },
      StringEquals: { "aws:SourceAccount": accountId },
    },
  };
}

export interface LogBucketArgs {
  sourceBucketName: string;
  accountId: pulumi.Input<string>;
  retentionDays: number;
  forceDestroy: boolean;
}

export interface LogBucket {
  /** The log bucket's name, as an output of the bucket (logging waits for it). */
  bucketName: pulumi.Output<string>;
  /** Wait for this before enabling logging, so the first delivery is already permitted. */
  ready: pulumi.Resource[];
}

export function createLogBucket(name: string, args: LogBucketArgs, opts: pulumi.CustomResourceOptions, dataOpts: pulumi.CustomResourceOptions): LogBucket {
  const bucketName = logBucketName(args.sourceBucketName);
  const bucket = new aws.s3.Bucket(
    `${name}-logs`,
    { bucket: bucketName, forceDestroy: args.forceDestroy, tags: { "secure-storage:role": "access-logs" } },
    { ...opts, ...dataOpts },
  );
  const baseline = applyBaseline(
    `${name}-logs`,
    {
      bucket,
      bucketName,
      encryption: { sseAlgorithm: "AES256" },
      versioning: true,
      lifecycle: s3LifecycleRules([{ id: "expire-access-logs", expireDays: args.retentionDays, noncurrentExpireDays: LOG_NONCURRENT_DAYS }]),
      policyGrants: pulumi.output(args.accountId).apply((account) => [logDeliveryGrant(bucketName, args.sourceBucketName, account)]),
    },
    opts,
  );
  return { bucketName: bucket.bucket, ready: [baseline.policy, baseline.encryption, baseline.ownership] };
}
