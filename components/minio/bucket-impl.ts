/**
 * Implementation of a hardened MinIO bucket over the S3 API, served by the provider plugin
 * (provider/server.ts); admin credentials come from the environment.
 *
 * Create is resumable: it tags the bucket with its owner right after creating it and never deletes
 * on a failed step, so a create that dies half way (MinIO restarted, a bad key) leaves a bucket the
 * next create recognises and finishes, instead of one outside the state that blocks every deploy.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { LifecycleRule, ObjectLock } from "../spec";
import { changedKeys, type ProviderImpl } from "../dynamic";
import { adminCredentialsFromEnv, type MinioConnection } from "./admin-client";
import { adoptionProblem, tagOwner } from "./bucket-adoption";
import { declaredState, readSecurityState, s3LifecycleRules, SECURITY_KEYS, SSE_ALGORITHM } from "./bucket-state";
import { oneLine } from "../errors";
import { errorName, NOT_CONFIGURED, unlessAbsent } from "./not-found";
import { s3ClientFor } from "./s3-client";

export { s3LifecycleRules } from "./bucket-state";

export interface MinioBucketInputs {
  conn: MinioConnection;
  bucket: string;
  /** `<project>/<stack>/<logical>`, kept as the bucket's owner tag (owner.ts). */
  owner: string;
  versioning: boolean;
  /** KMS key name for SSE (MinIO's KMS default key when managed). */
  kmsKeyId: string;
  lifecycle: LifecycleRule[];
  objectLock?: ObjectLock;
  forceDestroy: boolean;
}

function client(inputs: MinioBucketInputs): S3Client {
  return s3ClientFor(inputs.conn, adminCredentialsFromEnv());
}

function outputs(inputs: MinioBucketInputs): Record<string, unknown> {
  return { ...inputs, ...declaredState(inputs), arn: `arn:aws:s3:::${inputs.bucket}` };
}

/** Everything but the owner tag, idempotently: the same calls finish a create and repair drift. */
async function configure(s3: S3Client, inputs: MinioBucketInputs, isNew: boolean): Promise<void> {
  const Bucket = inputs.bucket;
  // A new bucket is unversioned; only an existing one needs explicit suspension.
  if (inputs.versioning || !isNew) {
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket,
        VersioningConfiguration: { Status: inputs.versioning ? "Enabled" : "Suspended" },
      }),
    );
  }
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: SSE_ALGORITHM, KMSMasterKeyID: inputs.kmsKeyId } },
        ],
      },
    }),
  );
  const rules = s3LifecycleRules(inputs.lifecycle);
  if (rules.length)
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
  else if (!isNew) await unlessAbsent(s3.send(new DeleteBucketLifecycleCommand({ Bucket })), NOT_CONFIGURED.lifecycle);
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
  await unlessAbsent(s3.send(new DeleteBucketPolicyCommand({ Bucket })), NOT_CONFIGURED.policy);
}

async function emptyBucket(s3: S3Client, Bucket: string): Promise<void> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (objects.length) {
      await s3.send(
        new DeleteObjectsCommand({
          Bucket,
          BypassGovernanceRetention: true,
          Delete: { Objects: objects, Quiet: true },
        }),
      );
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
    // Olds may come from a refresh (the live state); news are inputs, so compare with what they declare.
    const wanted = { ...news, ...declaredState(news as unknown as MinioBucketInputs) };
    const changed = changedKeys(olds, wanted, ["bucket", "conn", "forceDestroy", ...SECURITY_KEYS]);
    return {
      changes: changed.length > 0,
      replaces,
      deleteBeforeReplace: replaces.includes("bucket") ? false : replaces.length > 0,
    };
  },

  async create(raw) {
    const inputs = raw as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    let isNew = true;
    try {
      await s3.send(
        new CreateBucketCommand({
          Bucket: inputs.bucket,
          ObjectLockEnabledForBucket: inputs.objectLock ? true : undefined,
        }),
      );
    } catch (e) {
      if (errorName(e) !== "BucketAlreadyOwnedByYou" && errorName(e) !== "BucketAlreadyExists") throw e;
      const problem = await adoptionProblem(s3, {
        bucket: inputs.bucket,
        endpoint: inputs.conn.endpoint,
        owner: inputs.owner,
        objectLock: Boolean(inputs.objectLock),
      });
      if (problem) throw new Error(problem);
      isNew = false;
    }
    try {
      await tagOwner(s3, inputs.bucket, inputs.owner);
      await configure(s3, inputs, isNew);
    } catch (e) {
      // Not deleted: a failed create is not in the state, and the next create finishes this bucket.
      throw new Error(`bucket "${inputs.bucket}": configuring failed (${oneLine(e)}); the next up finishes it`);
    }
    return { id: inputs.bucket, outs: outputs(inputs) };
  },

  async read(id, props) {
    const inputs = props as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: id }));
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return { id: "", props: {} };
      throw e;
    }
    const live = await readSecurityState(s3, id, inputs);
    // Props a read may omit (no policy, no lock) must not survive from the previous state.
    const kept = Object.fromEntries(
      Object.entries(props).filter(([k]) => !(SECURITY_KEYS as readonly string[]).includes(k)),
    );
    return { id, props: { ...kept, ...live } };
  },

  async update(_id, _olds, news) {
    const inputs = news as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    await tagOwner(s3, inputs.bucket, inputs.owner);
    await configure(s3, inputs, false);
    return { outs: outputs(inputs) };
  },

  async delete(id, props) {
    const inputs = props as unknown as MinioBucketInputs;
    const s3 = client(inputs);
    if (inputs.forceDestroy) await emptyBucket(s3, id);
    try {
      await s3.send(new DeleteBucketCommand({ Bucket: id }));
    } catch (e) {
      const name = errorName(e);
      if (name === "NoSuchBucket") return;
      if (name === "BucketNotEmpty") {
        throw new Error(
          `bucket "${id}" is not empty and forceDestroy is false; empty it first or set forceDestroy: true in the spec`,
        );
      }
      throw e;
    }
  },
};
