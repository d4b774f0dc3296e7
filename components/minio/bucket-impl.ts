/**
 * Dynamic-provider implementation of a hardened MinIO bucket over the S3 API.
 * Loaded at deploy time by components/dynamic.ts; admin credentials come from the environment.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type LifecycleRule as S3LifecycleRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { LifecycleRule, ObjectLock } from "../spec";
import { changedKeys, type ProviderImpl } from "../dynamic";
import { adminCredentialsFromEnv, type MinioConnection } from "./admin-client";
import { s3ClientFor } from "./s3-client";

export interface MinioBucketInputs {
  conn: MinioConnection;
  bucket: string;
  versioning: boolean;
  /** KMS key name for SSE (MinIO's KMS default key when managed). */
  kmsKeyId: string;
  lifecycle: LifecycleRule[];
  objectLock?: ObjectLock;
  forceDestroy: boolean;
}

/** Lifecycle rules as MinIO's S3 API takes them (MinIO expires stale multipart uploads itself). */
export function s3LifecycleRules(rules: LifecycleRule[]): S3LifecycleRule[] {
  const out: S3LifecycleRule[] = rules.map((r, i) => ({
    ID: r.id ?? `rule-${i + 1}`,
    Status: "Enabled",
    Filter: { Prefix: r.prefix ?? "" },
    ...(r.expireDays !== undefined ? { Expiration: { Days: r.expireDays } } : {}),
    ...(r.noncurrentExpireDays !== undefined ? { NoncurrentVersionExpiration: { NoncurrentDays: r.noncurrentExpireDays } } : {}),
    ...(r.abortIncompleteUploadDays !== undefined
      ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortIncompleteUploadDays } }
      : {}),
  }));
  return out;
}

function client(inputs: MinioBucketInputs): S3Client {
  return s3ClientFor(inputs.conn, adminCredentialsFromEnv());
}

async function apply(s3: S3Client, inputs: MinioBucketInputs, isNew: boolean): Promise<void> {
  const Bucket = inputs.bucket;
  // A new bucket is unversioned; only an existing one needs explicit suspension.
  if (inputs.versioning || !isNew) {
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: inputs.versioning ? "Enabled" : "Suspended" } }));
  }
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: inputs.kmsKeyId } }],
      },
    }),
  );
  const rules = s3LifecycleRules(inputs.lifecycle);
  if (rules.length) await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
  if (inputs.objectLock) {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: inputs.objectLock.mode, Days: inputs.objectLock.days } },
        },
      }),
    );
  }
  // Private means no bucket policy at all: MinIO grants anonymous access only through one.
  await s3.send(new DeleteBucketPolicyCommand({ Bucket })).catch((e: { name?: string }) => {
    if (e.name !== "NoSuchBucketPolicy") throw e;
  });
}

async function emptyBucket(s3: S3Client, Bucket: string): Promise<void> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length) {
      await s3.send(new DeleteObjectsCommand({ Bucket, BypassGovernanceRetention: true, Delete: { Objects: objects, Quiet: true } }));
    }
    if (!page.IsTruncated) return;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}

export const provider: ProviderImpl = {
  async diff(_id, olds, news) {
    const replaces = changedKeys(olds, news, ["bucket", "conn", "objectLock"]).filter(
      // Object lock can be added later but never removed; changing its retention is an update.
      (k) => k !== "objectLock" || !news.objectLock,
    );
    const changed = changedKeys(olds, news, ["bucket", "conn", "versioning", "kmsKeyId", "lifecycle", "objectLock", "forceDestroy"]);
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.includes("bucket") ? false : replaces.length > 0 };
  },

  async create(raw) {
    const inputs = raw as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: inputs.bucket, ObjectLockEnabledForBucket: inputs.objectLock ? true : undefined }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === "BucketAlreadyOwnedByYou" || name === "BucketAlreadyExists") {
        throw new Error(`bucket "${inputs.bucket}" already exists on ${inputs.conn.endpoint}; refusing to adopt a bucket this stack did not create (import it instead)`);
      }
      throw e;
    }
    try {
      await apply(s3, inputs, true);
    } catch (e) {
      // Not recorded in state if create fails, so do not leave a half-configured bucket behind.
      await s3.send(new DeleteBucketCommand({ Bucket: inputs.bucket })).catch(() => undefined);
      throw e;
    }
    return { id: inputs.bucket, outs: { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` } };
  },

  async read(id, props) {
    const inputs = props as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: id }));
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return { id: "", props: {} };
      throw e;
    }
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket: id }));
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: id })).catch(() => undefined);
    const kms = enc?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
    const lc = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: id })).catch(() => undefined);
    const lifecycleDrift = JSON.stringify((lc?.Rules ?? []).map((r) => r.ID).sort()) !== JSON.stringify(s3LifecycleRules(inputs.lifecycle).map((r) => r.ID).sort());
    return {
      id,
      props: {
        ...props,
        versioning: v.Status === "Enabled",
        kmsKeyId: kms ?? "",
        // Refresh reports drift as an empty rule list; the next `up` restores the spec's rules.
        lifecycle: lifecycleDrift ? [] : inputs.lifecycle,
      },
    };
  },

  async update(_id, _olds, news) {
    const inputs = news as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    if (inputs.lifecycle.length === 0) await s3.send(new DeleteBucketLifecycleCommand({ Bucket: inputs.bucket })).catch(() => undefined);
    await apply(s3, inputs, false);
    return { outs: { ...inputs, arn: `arn:aws:s3:::${inputs.bucket}` } };
  },

  async delete(id, props) {
    const inputs = props as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    if (inputs.forceDestroy) await emptyBucket(s3, id);
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: id }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === "NoSuchBucket") return;
      if (name === "BucketNotEmpty") {
        throw new Error(`bucket "${id}" is not empty and forceDestroy is false; empty it first or set forceDestroy: true in the spec`);
      }
      throw e;
    }
  },
};
