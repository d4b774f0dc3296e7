/**
 * The lower bound: the same resources made, read and removed straight through the MinIO S3 and
 * admin APIs (one S3 client, one admin client, a bounded pool of concurrent buckets), with no
 * engine, no state and no provider process. Each operation mirrors what the provider plugin does
 * for the same resources (components/minio/bucket-impl.ts, key-impl.ts, identity-impl.ts).
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { canonicalJson, s3KeyPolicy } from "../components/access";
import type { AdminCredentials, MinioAdminClient, MinioConnection } from "../components/minio/admin-client";
import { s3LifecycleRules } from "../components/minio/bucket-impl";
import { corsConfigLine, newAccessKey, newSecretKey, parseCorsOrigins } from "../components/minio/identity-impl";
import { keyPolicyName } from "../components/minio/key-impl";
import { parseStorageSpec, type BucketSpec } from "../components/spec";
import { bucketConfig, bucketNames, BENCH_ORIGIN } from "./workload";

/** Run `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface DirectKey {
  name: string;
  /** `<bucket>-<key>`: each generation's policy is `<slot>-g<N>` (key-impl.ts). */
  slot: string;
  generation: number;
  accessKey?: string;
}

const policyOf = (k: DirectKey) => keyPolicyName(k.slot, k.generation);
export interface DirectBucket {
  bucket: string;
  spec: BucketSpec;
  keys: DirectKey[];
}

export class DirectMinio {
  readonly buckets: DirectBucket[];
  constructor(
    private readonly s3: S3Client,
    private readonly admin: MinioAdminClient,
    private readonly kmsKeyId: string,
    n: number,
    prefix: string,
    private readonly concurrency: number,
  ) {
    const spec = parseStorageSpec({ buckets: { x0: bucketConfig() } }).buckets.x0;
    this.buckets = bucketNames(n).map((b) => {
      const bucket = `${prefix}-${b}`;
      return { bucket, spec, keys: Object.keys(spec.keys).map((name) => ({ name, slot: `${bucket}-${name}`, generation: 1 })) };
    });
  }

  /** What a planner needs from empty: does anything already exist? (a HEAD per bucket, a policy read per key) */
  async plan(): Promise<number> {
    let existing = 0;
    await pool(this.buckets, this.concurrency, async (b) => {
      existing += (await this.s3.send(new HeadBucketCommand({ Bucket: b.bucket })).then(() => 1, () => 0));
      for (const k of b.keys) if (await this.admin.getPolicy(policyOf(k))) existing++;
    });
    return existing;
  }

  /** Create every bucket (versioning, SSE-KMS, lifecycle, no bucket policy) and key (policy, user), then the server CORS origin. */
  async create(): Promise<void> {
    await pool(this.buckets, this.concurrency, async (b) => {
      const Bucket = b.bucket;
      await this.s3.send(new CreateBucketCommand({ Bucket }));
      await this.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
      await this.s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: this.kmsKeyId } }] },
        }),
      );
      await this.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: s3LifecycleRules(b.spec.lifecycle) } }));
      await this.s3.send(new DeleteBucketPolicyCommand({ Bucket })).catch(() => undefined);
      for (const k of b.keys) k.accessKey = await this.newKey(b, k);
    });
    await this.setOrigins([BENCH_ORIGIN], []);
  }

  /** One key generation: its policy, its user, the attachment. */
  private async newKey(b: DirectBucket, k: DirectKey): Promise<string> {
    await this.admin.putPolicy(policyOf(k), canonicalJson(s3KeyPolicy(`arn:aws:s3:::${b.bucket}`, b.spec.keys[k.name])));
    const accessKey = newAccessKey(`${k.name}G${k.generation}`);
    await this.admin.putUser(accessKey, newSecretKey());
    await this.admin.attachPolicy(accessKey, policyOf(k));
    return accessKey;
  }

  private async setOrigins(add: string[], remove: string[]): Promise<void> {
    const current = parseCorsOrigins(await this.admin.getConfig("api")).filter((o) => o !== "*");
    await this.admin.setConfig(corsConfigLine([...new Set([...current.filter((o) => !remove.includes(o)), ...add])]));
  }

  /** A reconcile with nothing to do: read every resource and compare it with the spec. Returns the number of differences. */
  async reconcile(): Promise<number> {
    let drift = 0;
    await pool(this.buckets, this.concurrency, async (b) => {
      const Bucket = b.bucket;
      await this.s3.send(new HeadBucketCommand({ Bucket }));
      if ((await this.s3.send(new GetBucketVersioningCommand({ Bucket }))).Status !== "Enabled") drift++;
      const enc = await this.s3.send(new GetBucketEncryptionCommand({ Bucket }));
      if (enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID !== this.kmsKeyId) drift++;
      const lc = await this.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
      if ((lc.Rules ?? []).length !== b.spec.lifecycle.length) drift++;
      for (const k of b.keys) {
        if ((await this.admin.getUser(k.accessKey!))?.policyName !== policyOf(k)) drift++;
        if (!(await this.admin.getPolicy(policyOf(k)))) drift++;
      }
    });
    if (!parseCorsOrigins(await this.admin.getConfig("api")).includes(BENCH_ORIGIN)) drift++;
    return drift;
  }

  /** Rotation of one key: generation 2's policy and user (both alive), then generation 1's removed. */
  async rotateOne(): Promise<void> {
    const b = this.buckets[0];
    const k = b.keys[0];
    const old = { ...k };
    k.generation = 2;
    k.accessKey = await this.newKey(b, k);
    await this.admin.deleteUser(old.accessKey!);
    await this.admin.deletePolicy(policyOf(old));
  }

  /** Remove users, policies and buckets (they are empty), and this run's CORS origin. */
  async destroy(): Promise<void> {
    await pool(this.buckets, this.concurrency, async (b) => {
      for (const k of b.keys) {
        if (k.accessKey) await this.admin.deleteUser(k.accessKey);
        await this.admin.deletePolicy(policyOf(k));
      }
      await this.s3.send(new DeleteBucketCommand({ Bucket: b.bucket }));
    });
    await this.setOrigins([], [BENCH_ORIGIN]);
  }
}

export type { AdminCredentials, MinioConnection };
