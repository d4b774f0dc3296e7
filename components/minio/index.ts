/**
 * MinioBucket: a private, encrypted MinIO bucket with least-privilege keys, from a BucketSpec.
 *
 * What MinIO cannot do is said, not skipped: there is no bucket CORS API (origins are one
 * server-wide list, see MinioServerCors, and methods/headers cannot be narrowed), so CORS rules
 * that narrow methods or headers produce a warning; anything else MinIO refuses fails the update.
 */
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson, s3KeyPolicy } from "../access";
import { COMPONENT_TYPES, renamedComponentOptions } from "../component-types";
import type { BucketContract, ContractInput, KeyContract } from "../contract";
import { staticKey } from "../key-slots";
import { retainOptions } from "../retain";
import type { BucketSpec } from "../spec";
import { bucketOwner } from "./owner";
import { MinioBucketResource, MinioKeyResource } from "./resources";
import { minioConnection, type MinioSettings } from "./settings";

export { MinioSettings, minioConnection } from "./settings";
export { MinioServerCors } from "./resources";

export interface MinioBucketArgs {
  /** Physical bucket name (see naming.ts). */
  bucketName: string;
  spec: BucketSpec;
  settings: MinioSettings;
}

export class MinioBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /**
   * This bucket's entry in the `storage` stack output. Not a registered component output: the
   * stack output holds it, and a second copy in the state would be rewritten on every checkpoint.
   */
  readonly contract: ContractInput<BucketContract>;

  constructor(name: string, args: MinioBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT_TYPES.minio, name, {}, renamedComponentOptions(COMPONENT_TYPES.minio, opts));
    const { spec, settings, bucketName } = args;
    if (spec.provider !== "minio") throw new Error(`MinioBucket "${name}": spec.provider is "${spec.provider}", expected "minio"`);
    const conn = minioConnection(settings);
    for (const [i, rule] of spec.cors.entries()) {
      if (rule.methods.length < 5 || rule.headers.some((h) => h !== "*")) {
        pulumi.log.warn(
          `bucket "${name}" cors[${i}]: MinIO enforces only the allowed origins (server-wide); methods and headers cannot be narrowed`,
          this,
        );
      }
    }

    const bucket = new MinioBucketResource(
      name,
      {
        conn,
        bucket: bucketName,
        owner: bucketOwner(pulumi.getProject(), pulumi.getStack(), name),
        versioning: spec.versioning,
        kmsKeyId: spec.encryption.kind === "kms" ? spec.encryption.keyId : settings.kmsKeyId,
        lifecycle: spec.lifecycle,
        ...(spec.objectLock ? { objectLock: spec.objectLock } : {}),
        forceDestroy: spec.forceDestroy,
      },
      // The retain rule (spec.ts): the bucket holds the data.
      { parent: this, ...retainOptions(spec) },
    );

    const keys: Record<string, ContractInput<KeyContract>> = {};
    for (const [keyName, key] of Object.entries(spec.keys)) {
      const document = canonicalJson(s3KeyPolicy(`arn:aws:s3:::${bucketName}`, key));
      keys[keyName] = staticKey(
        key,
        (generation) =>
          new MinioKeyResource(
            `${name}-${keyName}-g${generation}`,
            { conn, slot: `${bucketName}-${keyName}`, generation, label: keyName, document },
            { parent: this, dependsOn: [bucket] },
          ),
        (user) => ({ id: user.accessKey, secret: user.secretKey }),
      );
    }

    this.bucketName = bucket.bucket;
    this.contract = {
      provider: "minio",
      bucket: bucket.bucket,
      region: settings.region,
      endpoint: settings.endpoint,
      ...(conn.caBundle ? { caBundle: conn.caBundle } : {}),
      presign: spec.presign,
      uploads: spec.uploads,
      cors: spec.cors,
      keys,
    };
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
