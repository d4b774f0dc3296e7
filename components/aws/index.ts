/**
 * AwsBucket: an S3 bucket meeting AWS FSBP / CIS storage controls by default, with IAM-scoped keys,
 * built from the provider-neutral BucketSpec. Only non-deprecated @pulumi/aws v7 resources: every
 * bucket setting is its own resource, never an inline argument of aws.s3.Bucket.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../access";
import { COMPONENT_TYPES } from "../component-types";
import type { BucketContract, ContractInput, KeyContract } from "../contract";
import { guardOptions, retainOptions } from "../retain";
import type { BucketSpec } from "../spec";
import { applyBaseline } from "./bucket-baseline";
import type { DefaultEncryption } from "./bucket-policy";
import { s3BucketNameProblems } from "./capabilities";
import { s3CorsRules } from "./cors";
import {
  createRoleKey,
  createUserKey,
  keyIdentityPolicy,
  keyPrincipalArns,
  userPolicyProblem,
} from "./iam-key";
import { s3LifecycleRules } from "./lifecycle";
import { ACCESS_LOG_PREFIX, createLogBucket } from "./log-bucket";
import { createBucketKmsKey, kmsKeyPolicyDocument, parseKmsKeyId, resolveKmsKeyArn } from "./kms-key";
import { AwsBucketOptions } from "./options";
import { bucketProvider } from "./provider";
import { s3Endpoint, type AwsSettings } from "./settings";

export { AwsSettings } from "./settings";
export { AwsBucketOptions } from "./options";

export interface AwsBucketArgs {
  /** Physical bucket name (naming.ts), checked against S3's rules. */
  bucketName: string;
  spec: BucketSpec;
  settings: AwsSettings;
  options: AwsBucketOptions;
  stack: string;
}

export class AwsBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Key ARN of the SSE-KMS key, when the bucket uses one. */
  readonly kmsKeyArn?: pulumi.Output<string>;
  /**
   * This bucket's entry in the `storage` stack output. Not a registered component output: the
   * stack output holds it, and a second copy in the state would be rewritten on every checkpoint.
   */
  readonly contract: ContractInput<BucketContract>;

  constructor(name: string, args: AwsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.aws, name, {}, opts);
    const { spec, settings, options, bucketName, stack } = args;
    if (spec.provider !== "aws") throw new Error(`AwsBucket "${name}": spec.provider is "${spec.provider}", expected "aws"`);
    const nameProblems = s3BucketNameProblems(bucketName);
    if (nameProblems.length) throw new Error(`AwsBucket "${name}": bucket name "${bucketName}" ${nameProblems.join("; ")}`);
    const kmsRef = spec.encryption.kind === "kms" ? parseKmsKeyId(spec.encryption.keyId) : undefined;
    if (typeof kmsRef === "string") throw new Error(`AwsBucket "${name}": encryption.keyId ${kmsRef}`);
    const kmsRegion = spec.encryption.kind === "kms" || options.createKmsKey ? settings.region : undefined;
    for (const [keyName, key] of Object.entries(spec.keys)) {
      if (options.keys[keyName]?.role) continue;
      const tooLarge = userPolicyProblem(`arn:aws:s3:::${bucketName}`, keyName, key, kmsRegion);
      if (tooLarge) throw new Error(`AwsBucket "${name}": ${tooLarge}`);
    }

    // Explicit on every child, so no resource falls back to the ambient default provider. A caller's
    // provider is used as given, and every child waits for its check against the settings (gate).
    const { provider, gate } = bucketProvider(name, this, settings, stack);
    const child: pulumi.CustomResourceOptions = { parent: this, provider, ...(gate ? { dependsOn: gate } : {}) };
    // The retain rule (spec.ts): the bucket, its log bucket and its own KMS key survive `pulumi destroy`.
    const keep = retainOptions(spec);
    const accountId = settings.accountId ? pulumi.output(settings.accountId) : aws.getCallerIdentityOutput({}, child).accountId;
    const bucketArn = `arn:aws:s3:::${bucketName}`;

    let kmsKeyArn: pulumi.Output<string> | undefined;
    if (options.createKmsKey) {
      const policy = accountId.apply((account) =>
        canonicalJson(
          kmsKeyPolicyDocument({
            accountId: account,
            region: settings.region,
            bucketName,
            principalArns: Object.entries(spec.keys).flatMap(([k, key]) => keyPrincipalArns(account, stack, bucketName, k, key, options.keys[k]?.role)),
          }),
        ),
      );
      kmsKeyArn = createBucketKmsKey(name, { bucketName, deletionWindowDays: options.kmsKeyDeletionWindowDays, policy }, { ...child, ...keep }).arn;
    } else if (kmsRef) {
      kmsKeyArn = resolveKmsKeyArn(kmsRef, child);
    }
    const encryption: pulumi.Input<DefaultEncryption> = kmsKeyArn
      ? kmsKeyArn.apply((arn): DefaultEncryption => ({ sseAlgorithm: "aws:kms", kmsKeyArn: arn }))
      : { sseAlgorithm: "AES256" };

    const bucket = new aws.s3.Bucket(
      name,
      { bucket: bucketName, forceDestroy: spec.forceDestroy, ...(spec.objectLock ? { objectLockEnabled: true } : {}) },
      { ...child, ...keep },
    );
    const baseline = applyBaseline(
      name,
      { bucket, bucketName, encryption, versioning: spec.versioning, lifecycle: s3LifecycleRules(spec.lifecycle) },
      { ...child, ...guardOptions(spec) },
    );
    if (spec.objectLock) {
      new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        { bucket: bucket.id, rule: { defaultRetention: { mode: spec.objectLock.mode, days: spec.objectLock.days } } },
        { ...child, dependsOn: [baseline.versioning] },
      );
    }
    if (spec.cors.length) new aws.s3.BucketCorsConfiguration(`${name}-cors`, { bucket: bucket.id, corsRules: s3CorsRules(spec.cors) }, child);

    if (options.accessLogging ?? settings.accessLogging) {
      const target = options.logTargetBucket
        ? { bucketName: options.logTargetBucket, ready: [] }
        : createLogBucket(name, { sourceBucketName: bucketName, accountId, retentionDays: settings.logRetentionDays, forceDestroy: spec.forceDestroy }, child, keep);
      new aws.s3.BucketLogging(
        `${name}-logging`,
        {
          bucket: bucket.id,
          targetBucket: target.bucketName,
          targetPrefix: ACCESS_LOG_PREFIX,
          // Partitioned by event time: ready for Athena/Glue queries of the audit trail.
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        { ...child, ...guardOptions(spec), dependsOn: target.ready },
      );
    }

    const keys: Record<string, ContractInput<KeyContract>> = {};
    for (const [keyName, key] of Object.entries(spec.keys)) {
      const policy = kmsKeyArn
        ? kmsKeyArn.apply((arn) => canonicalJson(keyIdentityPolicy(bucketArn, key, { keyArn: arn, region: settings.region })))
        : canonicalJson(keyIdentityPolicy(bucketArn, key));
      // Identities depend on the bucket so a key never exists for a bucket that failed to create.
      const identityOpts = { ...child, dependsOn: [bucket] };
      const keyArgs = { bucketName, keyName, key, stack, policy, permissionsBoundary: settings.permissionsBoundary };
      const role = options.keys[keyName]?.role;
      keys[keyName] = role ? createRoleKey(name, { ...keyArgs, role }, identityOpts) : createUserKey(name, keyArgs, identityOpts);
    }

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    if (kmsKeyArn) this.kmsKeyArn = kmsKeyArn;
    this.contract = {
      provider: "aws",
      bucket: bucket.bucket,
      region: settings.region,
      endpoint: s3Endpoint(settings.region),
      presign: spec.presign,
      // Uploads without an SSE header get the default encryption; the bucket policy only refuses a
      // wrong one, so presigned uploads need no extra signed headers here.
      uploads: spec.uploads,
      cors: spec.cors,
      keys,
    };
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
