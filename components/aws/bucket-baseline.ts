/**
 * The hardening every bucket gets, the data bucket and its log bucket alike: ACLs off
 * (BucketOwnerEnforced), all four public-access blocks, default encryption with SSE-C blocked,
 * versioning, lifecycle, and the TLS-only bucket policy, written after the public access block
 * (writing both at once races: 409 OperationAborted).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketPolicyJson, type BucketPolicyStatement, type DefaultEncryption } from "./bucket-policy";
import type { S3LifecycleRule } from "./lifecycle";

export interface BaselineArgs {
  bucket: aws.s3.Bucket;
  bucketName: string;
  encryption: pulumi.Input<DefaultEncryption>;
  versioning: boolean;
  lifecycle: S3LifecycleRule[];
  /** Allow statements merged into the bucket policy (checked: never `*`). */
  policyGrants?: pulumi.Input<BucketPolicyStatement[]>;
}

export interface Baseline {
  ownership: aws.s3.BucketOwnershipControls;
  publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  versioning: aws.s3.BucketVersioning;
  lifecycle: aws.s3.BucketLifecycleConfiguration;
  policy: aws.s3.BucketPolicy;
}

/** The default-encryption rule. `blockedEncryptionTypes` is explicit: left unset it drifts since AWS's 2026 SSE-C change. */
export function sseRule(enc: DefaultEncryption) {
  return enc.sseAlgorithm === "aws:kms"
    ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: enc.kmsKeyArn }, bucketKeyEnabled: true, blockedEncryptionTypes: ["SSE-C"] }
    : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false, blockedEncryptionTypes: ["SSE-C"] };
}

export function applyBaseline(name: string, args: BaselineArgs, opts: pulumi.CustomResourceOptions): Baseline {
  const bucket = args.bucket.id;
  const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access-block`,
    { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    { bucket, rules: [pulumi.output(args.encryption).apply(sseRule)] },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { bucket, versioningConfiguration: { status: args.versioning ? "Enabled" : "Suspended" } },
    opts,
  );
  // Noncurrent-version rules need the versioning state in place first.
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket, rules: args.lifecycle }, { ...opts, dependsOn: [versioning] });
  const policy = new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket,
      policy: pulumi
        .all([args.encryption, args.policyGrants ?? []])
        .apply(([encryption, grants]) => bucketPolicyJson({ bucketName: args.bucketName, encryption, grants })),
    },
    { ...opts, dependsOn: [publicAccessBlock, ownership] },
  );
  return { ownership, publicAccessBlock, encryption, versioning, lifecycle, policy };
}
