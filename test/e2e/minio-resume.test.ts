/**
 * Resumable, ownership-checked create on MinIO through the real engine. A create that died half
 * way (a failed step, or the states a killed MinIO leaves, made here directly with the S3 and
 * admin APIs) is finished by the next `up` with nothing left over; a bucket of the same name that
 * belongs to someone else is refused in one line and left exactly as it was.
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson, s3KeyPolicy } from "../../components/access";
import { asStaticKey, type StorageContract } from "../../components/contract";
import { physicalBucketName } from "../../components/naming";
import { MinioBucket } from "../../components/minio";
import { accessKeyPrefix, newAccessKey, newSecretKey } from "../../components/minio/access-key";
import { sameLifecycle } from "../../components/minio/bucket-state";
import { samePolicy } from "../../components/minio/policy-form";
import { bucketOwner, OWNER_TAG } from "../../components/minio/owner";
import { parseStorageSpec, type BucketInput, type BucketSpec } from "../../components/spec";
import { verifyContract } from "../../checks/verify";
import { openStack } from "../../scripts/lib/workspace";
import { changes } from "../helpers/changes";
import { localMinio } from "../helpers/local-minio";

const { settings, admin, s3, minio, project } = localMinio();
const run = Date.now().toString(36);

const stacks: auto.Stack[] = [];
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const stack of stacks) {
    await stack.destroy({ color: "never" }).catch(() => undefined);
    await stack.workspace.removeStack(stack.name).catch(() => undefined);
  }
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const bucketInput = (extra: Partial<BucketInput> = {}): BucketInput => ({
  provider: "minio",
  forceDestroy: true,
  lifecycle: [{ id: "tmp", prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }],
  keys: { app: { access: ["read", "write", "list"], prefixes: ["docs/"], generation: 1 } },
  ...extra,
});

/** A throwaway stack whose program registers MinioBucket components from `buckets()` (read at each run). */
async function openBuckets(stackName: string, buckets: () => Record<string, BucketInput>): Promise<auto.Stack> {
  const stack = await openStack({
    stack: stackName,
    config: {},
    program: async () => {
      const specs = parseStorageSpec({ buckets: buckets() }).buckets;
      const contracts = Object.fromEntries(
        Object.entries(specs).map(([logical, spec]: [string, BucketSpec]) => {
          const bucketName = physicalBucketName(project, stackName, logical);
          return [logical, new MinioBucket(logical, { bucketName, spec, settings }).contract];
        }),
      );
      return { storage: { buckets: contracts } };
    },
  });
  stacks.push(stack);
  return stack;
}

const absentAs =
  (name: string) =>
  (e: { name?: string }): undefined => {
    if (e.name === name) return undefined;
    throw e;
  };

/** The bucket's configuration as MinIO reports it, for before/after comparisons. */
async function snapshot(Bucket: string) {
  const [versioning, sse, lifecycle, policy, tags, objects] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket })).then((r) => r.Status ?? "never enabled"),
    s3
      .send(new GetBucketEncryptionCommand({ Bucket }))
      .then(
        (r) => r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
        absentAs("ServerSideEncryptionConfigurationNotFoundError"),
      ),
    s3
      .send(new GetBucketLifecycleConfigurationCommand({ Bucket }))
      .then((r) => r.Rules, absentAs("NoSuchLifecycleConfiguration")),
    s3.send(new GetBucketPolicyCommand({ Bucket })).then((r) => r.Policy, absentAs("NoSuchBucketPolicy")),
    s3.send(new GetBucketTaggingCommand({ Bucket })).then((r) => r.TagSet, absentAs("NoSuchTagSet")),
    s3.send(new ListObjectVersionsCommand({ Bucket })).then((r) => (r.Versions ?? []).map((v) => v.Key)),
  ]);
  return { versioning, sse, lifecycle, policy, tags, objects };
}

/** Everything a stack bucket must be after `up`. */
async function expectConfigured(bucket: string, stackName: string, logical: string, spec: BucketInput): Promise<void> {
  const live = await snapshot(bucket);
  expect(live.versioning).toBe("Enabled");
  expect(live.sse).toEqual({ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "dev-sse-key" });
  expect(live.policy).toBeUndefined();
  expect(
    sameLifecycle(parseStorageSpec({ buckets: { [logical]: spec } }).buckets[logical].lifecycle, live.lifecycle ?? []),
  ).toBe(true);
  expect(live.tags).toEqual([{ Key: OWNER_TAG, Value: bucketOwner(project, stackName, logical) }]);
}

async function expectNoChanges(stack: auto.Stack): Promise<void> {
  const refreshed = await stack.refresh({ color: "never" });
  expect(changes(refreshed.summary.resourceChanges ?? {})).toEqual([]);
  expect(changes((await stack.preview({ color: "never" })).changeSummary)).toEqual([]);
}

async function createBucket(Bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket }));
  cleanup.push(async () => {
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    for (const v of versions.Versions ?? []) {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: v.Key!, VersionId: v.VersionId }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });
}

/** A user made directly, as an interrupted create leaves it (policy attached or not). */
async function putUser(accessKey: string, policyName?: string): Promise<string> {
  await minio.putUser(accessKey, newSecretKey());
  if (policyName) await minio.attachPolicy(accessKey, policyName);
  cleanup.push(() => minio.deleteUser(accessKey));
  return accessKey;
}

const usersWithPrefix = async (prefix: string) =>
  [...(await minio.listUsers()).keys()].filter((k) => k.startsWith(prefix)).sort();

describe("an interrupted create is finished by the next up", () => {
  it("a configure step that failed (unknown KMS key) leaves a tagged bucket outside the state; the next up finishes it", async () => {
    const stackName = `rsmk${run}`;
    const bucket = physicalBucketName(project, stackName, "docs");
    let keyId = "no-such-key";
    const spec = () => bucketInput({ encryption: { kind: "kms", keyId } });
    const stack = await openBuckets(stackName, () => ({ docs: spec() }));

    const failed = await stack.up({ color: "never" }).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(failed).toMatch(new RegExp(`bucket "${bucket}": configuring failed \\(.*\\); the next up finishes it`));
    const state = await stack.exportStack();
    expect(
      ((state.deployment.resources ?? []) as Array<{ type: string; custom: boolean }>).filter((r) => r.custom && r.type.startsWith("secure-storage:minio:")),
    ).toEqual([]);
    expect((await snapshot(bucket)).tags).toEqual([{ Key: OWNER_TAG, Value: bucketOwner(project, stackName, "docs") }]);

    keyId = "dev-sse-key";
    const r = await stack.up({ color: "never" });
    expect(r.summary.result).toBe("succeeded");
    await expectConfigured(bucket, stackName, "docs", spec());
    await expectNoChanges(stack);
  });

  it("states a killed MinIO leaves behind (untagged empty bucket, tagged half-configured bucket, orphan users, our policy) converge", async () => {
    const stackName = `rsms${run}`;
    const fresh = physicalBucketName(project, stackName, "fresh");
    const tagged = physicalBucketName(project, stackName, "tagged");
    const specs = { fresh: bucketInput(), tagged: bucketInput() };

    // Killed between CreateBucket and tagging.
    await createBucket(fresh);
    // Killed after tagging: unversioned, unencrypted, and (worst case) readable by anyone.
    await createBucket(tagged);
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: tagged,
        Tagging: { TagSet: [{ Key: OWNER_TAG, Value: bucketOwner(project, stackName, "tagged") }] },
      }),
    );
    const anonymous = {
      Effect: "Allow",
      Principal: { AWS: ["*"] },
      Action: ["s3:GetObject"],
      Resource: [`arn:aws:s3:::${tagged}/*`],
    };
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: tagged,
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [anonymous] }),
      }),
    );
    // Killed after the key's canned policy and its user were made: a policy of our name (wider
    // than ours), a user with our prefix and no policy, and one with our policy attached.
    const slot = `${fresh}-app`;
    const policyName = `${slot}-g1`;
    const everything = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }],
    };
    await minio.putPolicy(policyName, JSON.stringify(everything));
    cleanup.push(() => minio.deletePolicy(policyName));
    const prefix = accessKeyPrefix("app", slot, 1);
    const orphans = [await putUser(newAccessKey(prefix)), await putUser(newAccessKey(prefix), policyName)];
    // Not ours to remove: another generation's slot, and a user with our prefix but a foreign policy.
    const kept = [
      await putUser(newAccessKey(accessKeyPrefix("app", slot, 2))),
      await putUser(newAccessKey(prefix), "readwrite"),
    ];

    const stack = await openBuckets(stackName, () => specs);
    const r = await stack.up({ color: "never" });
    expect(r.summary.result).toBe("succeeded");
    const contract = r.outputs.storage.value as StorageContract;

    await expectConfigured(fresh, stackName, "fresh", specs.fresh);
    await expectConfigured(tagged, stackName, "tagged", specs.tagged);
    const declared = canonicalJson(
      s3KeyPolicy(`arn:aws:s3:::${fresh}`, parseStorageSpec({ buckets: specs }).buckets.fresh.keys.app),
    );
    expect(samePolicy((await minio.getPolicy(policyName))!, declared)).toBe(true);
    const current = asStaticKey(contract.buckets.fresh.keys.app).current.id;
    expect(await usersWithPrefix(prefix)).toEqual([current, kept[1]].sort());
    for (const orphan of orphans) expect(await minio.getUser(orphan)).toBeUndefined();
    for (const k of kept) expect(await minio.getUser(k)).toBeDefined();
    const rows = await verifyContract(contract, admin);
    expect(rows.filter((row) => !row.ok)).toEqual([]);
    await expectNoChanges(stack);
  });
});

describe("a bucket of the same name that is not ours is refused and left untouched", () => {
  /** Up a one-bucket stack over a pre-made bucket; returns the refusal line and the bucket before and after. */
  async function refused(
    stackName: string,
    prepare: (bucket: string) => Promise<void>,
    extra: Partial<BucketInput> = {},
  ) {
    const bucket = physicalBucketName(project, stackName, "docs");
    await createBucket(bucket);
    await prepare(bucket);
    const before = await snapshot(bucket);
    const stack = await openBuckets(stackName, () => ({ docs: bucketInput(extra) }));
    const message = await stack.up({ color: "never" }).then(
      () => "",
      (e: Error) => e.message,
    );
    const line =
      message.split("\n").find((l) => l.includes(`bucket "${bucket}" already exists on ${settings.endpoint}`)) ?? "";
    expect(await snapshot(bucket)).toEqual(before);
    const state = await stack.exportStack();
    expect(
      ((state.deployment.resources ?? []) as Array<{ type: string; custom: boolean }>).filter((r) => r.custom && r.type.startsWith("secure-storage:minio:")),
    ).toEqual([]);
    expect(await minio.getPolicy(`${bucket}-app-g1`)).toBeUndefined();
    return line;
  }

  it("tagged with another owner", async () => {
    const line = await refused(`rsmo${run}`, async (bucket) => {
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          Tagging: { TagSet: [{ Key: OWNER_TAG, Value: "billing/prod/docs" }] },
        }),
      );
    });
    expect(line).toMatch(
      /already exists on .*, owned by "billing\/prod\/docs" \(tag secure-storage:owner\); refusing to adopt a bucket this stack did not create/,
    );
  });

  it("untagged, with an object in it", async () => {
    const line = await refused(`rsmu${run}`, async (bucket) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "their/data.txt", Body: "not yours" }));
    });
    expect(line).toMatch(
      /already exists on .*, untagged and holding objects; refusing to adopt a bucket this stack did not create/,
    );
  });

  it("tagged as this stack's but holding data: another state of the same stack name owns it", async () => {
    const stackName = `rsmd${run}`;
    const line = await refused(stackName, async (bucket) => {
      const owner = `${project}/${stackName}/docs`;
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: OWNER_TAG, Value: owner }] } }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "their/data.txt", Body: "another clone's data" }));
    });
    expect(line).toMatch(/already exists on .*, tagged ".*\/docs" like this stack and holding objects; refusing to adopt/);
  });

  it("tagged by someone else without an owner tag", async () => {
    const line = await refused(`rsmt${run}`, async (bucket) => {
      await s3.send(
        new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: "team", Value: "billing" }] } }),
      );
    });
    expect(line).toMatch(/tagged by someone else \(team; no secure-storage:owner\); refusing to adopt/);
  });

  it("ours, but made without the object lock the spec now asks for (MinIO cannot add it later)", async () => {
    const stackName = `rsml${run}`;
    const line = await refused(
      stackName,
      async (bucket) => {
        const Value = bucketOwner(project, stackName, "docs");
        await s3.send(
          new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: OWNER_TAG, Value }] } }),
        );
      },
      { objectLock: { mode: "GOVERNANCE", days: 1 } },
    );
    expect(line).toMatch(/already exists on .* without object lock, which MinIO cannot turn on for an existing bucket/);
  });
});
