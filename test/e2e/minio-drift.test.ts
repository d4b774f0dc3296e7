/**
 * Drift on MinIO through the real engine: each change made behind Pulumi's back is reported by
 * `pulumi refresh` on the resource it touches, naming the changed prop, and the next `up` puts the
 * declared state back. Ends with a refresh and a preview that change nothing.
 */
import {
  DeleteBucketEncryptionCommand,
  DeleteBucketTaggingCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
} from "@aws-sdk/client-s3";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../components/access";
import { asStaticKey, type StorageContract } from "../../components/contract";
import { physicalBucketName } from "../../components/naming";
import { MinioBucket } from "../../components/minio";
import { accessKeyPrefix } from "../../components/minio/access-key";
import { s3LifecycleRules, sameLifecycle } from "../../components/minio/bucket-state";
import { samePolicy } from "../../components/minio/policy-form";
import { request } from "../../components/minio/http";
import { bucketOwner, OWNER_TAG } from "../../components/minio/owner";
import { parseStorageSpec } from "../../components/spec";
import { verifyContract } from "../../checks/verify";
import { openStack } from "../../scripts/lib/workspace";
import { changes } from "../helpers/changes";
import { localMinio } from "../helpers/local-minio";

const { settings, admin, s3, minio, project } = localMinio();
const name = `drift${Date.now().toString(36)}`;
const docs = physicalBucketName(project, name, "docs");
const vault = physicalBucketName(project, name, "vault");
const group = `${name}-admins`;

const specs = parseStorageSpec({
  buckets: {
    docs: {
      provider: "minio",
      forceDestroy: true,
      lifecycle: [{ id: "tmp", prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }],
      keys: { app: { access: ["read", "write", "list"], prefixes: ["docs/"], generation: 1 } },
    },
    vault: { provider: "minio", forceDestroy: true, objectLock: { mode: "GOVERNANCE", days: 1 } },
  },
}).buckets;

let stack: auto.Stack;
let contract: StorageContract;
/** The docs bucket as the program declares it; a test takes its key out of config. */
let docsSpec = specs.docs;

beforeAll(async () => {
  stack = await openStack({
    stack: name,
    config: {},
    program: async () => {
      const buckets = {
        docs: new MinioBucket("docs", { bucketName: docs, spec: docsSpec, settings }).contract,
        vault: new MinioBucket("vault", { bucketName: vault, spec: specs.vault, settings }).contract,
      };
      return { storage: { buckets } };
    },
  });
  const r = await stack.up({ color: "never" });
  contract = r.outputs.storage.value as StorageContract;
  await s3.send(new PutObjectCommand({ Bucket: docs, Key: "docs/readme.txt", Body: "private" }));
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  await minio.updateGroupMembers(group, [], true).catch(() => undefined);
});

type Outputs = Record<string, unknown>;

/** What `pulumi refresh` recorded, by resource name: the op and the outputs that changed. */
async function refresh(): Promise<Map<string, { op: string; changed: string[] }>> {
  const seen = new Map<string, { op: string; changed: string[] }>();
  await stack.refresh({
    color: "never",
    onEvent: (e) => {
      const m = e.resOutputsEvent?.metadata;
      if (!m || m.op === "same") return;
      const olds = (m.old?.outputs ?? {}) as Outputs;
      const news = (m.new?.outputs ?? {}) as Outputs;
      const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
      const changed = keys.filter((k) => canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null)).sort();
      seen.set(m.urn.split("::").pop()!, { op: m.op, changed });
    },
  });
  return seen;
}

async function up(): Promise<Record<string, number>> {
  const r = await stack.up({ color: "never" });
  contract = r.outputs.storage.value as StorageContract;
  return r.summary.resourceChanges ?? {};
}

const anonymousGet = async () =>
  (await request({ method: "GET", url: new URL(`${settings.endpoint}/${docs}/docs/readme.txt`) })).status;
const livePolicy = () =>
  s3.send(new GetBucketPolicyCommand({ Bucket: docs })).then(
    (r) => r.Policy,
    (e: { name?: string }) => (e.name === "NoSuchBucketPolicy" ? undefined : Promise.reject(e)),
  );
const bucketPolicy = (principal: unknown) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: principal, Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${docs}/*`] },
    ],
  });
const appKey = () => asStaticKey(contract.buckets.docs.keys.app).current.id;

describe("MinIO drift: refresh names it, up restores it", () => {
  it("a clean deploy shows no drift", async () => {
    expect([...(await refresh())]).toEqual([]);
    const p = await stack.preview({ color: "never" });
    expect(changes(p.changeSummary)).toEqual([]);
  });

  it("an anonymous-read bucket policy", async () => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: docs, Policy: bucketPolicy({ AWS: ["*"] }) }));
    expect(await anonymousGet()).toBe(200); // the drift is real: anyone can read
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["bucketPolicy"] });
    expect((await up()).update).toBeGreaterThanOrEqual(1);
    expect(await livePolicy()).toBeUndefined();
    expect(await anonymousGet()).toBe(403);
  });

  it("a bucket policy granting another principal", async () => {
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: docs,
        Policy: bucketPolicy({ AWS: ["arn:aws:iam::123456789012:user/mallory"] }),
      }),
    );
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["bucketPolicy"] });
    await up();
    expect(await livePolicy()).toBeUndefined();
  });

  it("versioning suspended", async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: docs, VersioningConfiguration: { Status: "Suspended" } }));
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["versioning"] });
    await up();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: docs }))).Status).toBe("Enabled");
  });

  it("encryption removed", async () => {
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: docs }));
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["kmsKeyId", "sseAlgorithm"] });
    await up();
    const sse = (await s3.send(new GetBucketEncryptionCommand({ Bucket: docs }))).ServerSideEncryptionConfiguration
      ?.Rules?.[0];
    expect(sse?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "dev-sse-key" });
  });

  it("a lifecycle rule's contents changed under the same id", async () => {
    const rules = s3LifecycleRules(specs.docs.lifecycle).map((r) =>
      r.ID === "tmp" ? { ...r, Expiration: { Days: 3650 } } : r,
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({ Bucket: docs, LifecycleConfiguration: { Rules: rules } }),
    );
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["lifecycle"] });
    await up();
    const live = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: docs }))).Rules ?? [];
    expect(sameLifecycle(specs.docs.lifecycle, live)).toBe(true);
  });

  it("the owner tag removed", async () => {
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: docs }));
    expect((await refresh()).get("docs")).toEqual({ op: "update", changed: ["owner"] });
    await up();
    const tags = (await s3.send(new GetBucketTaggingCommand({ Bucket: docs }))).TagSet;
    expect(tags).toEqual([{ Key: OWNER_TAG, Value: bucketOwner(project, name, "docs") }]);
  });

  it("object lock retention changed", async () => {
    const retention = (days: number) => ({
      ObjectLockEnabled: "Enabled" as const,
      Rule: { DefaultRetention: { Mode: "GOVERNANCE" as const, Days: days } },
    });
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: vault, ObjectLockConfiguration: retention(5) }));
    expect((await refresh()).get("vault")).toEqual({ op: "update", changed: ["objectLock"] });
    await up();
    const lock = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: vault }))).ObjectLockConfiguration;
    expect(lock?.Rule?.DefaultRetention).toEqual({ Mode: "GOVERNANCE", Days: 1 });
  });

  it("a scoped user's attached policy widened (consoleAdmin next to ours)", async () => {
    const ours = `${docs}-app-g1`;
    await minio.attachPolicy(appKey(), `${ours},consoleAdmin`);
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["policyName"] });
    await up();
    expect((await minio.getUser(appKey()))?.policyName).toBe(ours);
  });

  it("a scoped user's attached policy replaced (readwrite instead of ours)", async () => {
    await minio.attachPolicy(appKey(), "readwrite");
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["policyName"] });
    await up();
    expect((await minio.getUser(appKey()))?.policyName).toBe(`${docs}-app-g1`);
  });

  it("a scoped user added to a group", async () => {
    await minio.updateGroupMembers(group, [appKey()], false);
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["groups"] });
    await up();
    expect((await minio.getUser(appKey()))?.memberOf).toEqual([]);
  });

  it("the key's canned policy widened", async () => {
    const policyName = `${docs}-app-g1`;
    const declared = (await minio.getPolicy(policyName))!;
    const wide = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }],
    });
    await minio.putPolicy(policyName, wide);
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["documentSha256"] });
    await up();
    expect(samePolicy((await minio.getPolicy(policyName))!, declared)).toBe(true);
  });

  it("the key's canned policy detached and deleted (MinIO refuses to delete one in use)", async () => {
    const policyName = `${docs}-app-g1`;
    const declared = (await minio.getPolicy(policyName))!;
    await minio.attachPolicy(appKey(), "readonly");
    await minio.deletePolicy(policyName);
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["documentSha256", "policyName"] });
    expect((await up()).update).toBe(1);
    expect(samePolicy((await minio.getPolicy(policyName))!, declared)).toBe(true);
    expect((await minio.getUser(appKey()))?.policyName).toBe(policyName);
  });

  it("a scoped user deleted: refresh marks it, up replaces it with a NEW access key id that works", async () => {
    const old = appKey();
    await minio.deleteUser(old);
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["userMissing"] });
    const ops: string[] = [];
    const r = await stack.up({
      color: "never",
      onEvent: (e) => {
        const m = e.resourcePreEvent?.metadata;
        if (m?.urn.endsWith("::docs-app-g1")) ops.push(m.op);
      },
    });
    contract = r.outputs.storage.value as StorageContract;
    expect(r.summary.resourceChanges?.replace).toBe(1);
    // Delete first: the old key's delete would otherwise take the policy the new key was given.
    expect(ops).toContain("delete-replaced");
    expect(ops.indexOf("delete-replaced")).toBeLessThan(ops.indexOf("create-replacement"));
    expect([...(await refresh())]).toEqual([]);
    const fresh = appKey();
    expect(fresh).not.toBe(old);
    expect(fresh.startsWith(accessKeyPrefix("app", `${docs}-app`, 1))).toBe(true);
    expect((await minio.getUser(fresh))?.policyName).toBe(`${docs}-app-g1`);
    expect(await minio.getUser(old)).toBeUndefined();
    const rows = await verifyContract({ buckets: { docs: contract.buckets.docs } }, admin);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });

  it("a scoped user and its policy both deleted: refresh drops the key, up creates a NEW access key", async () => {
    const old = appKey();
    await minio.deleteUser(old);
    await minio.deletePolicy(`${docs}-app-g1`);
    expect((await refresh()).get("docs-app-g1")?.op).toBe("delete");
    expect((await up()).create).toBe(1);
    expect(appKey()).not.toBe(old);
    expect((await minio.getUser(appKey()))?.policyName).toBe(`${docs}-app-g1`);
    const rows = await verifyContract({ buckets: { docs: contract.buckets.docs } }, admin);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });

  it("a scoped user deleted, then its key taken out of config: up deletes its policy too (no orphan)", async () => {
    await minio.deleteUser(appKey());
    expect((await refresh()).get("docs-app-g1")).toEqual({ op: "update", changed: ["userMissing"] });
    docsSpec = { ...specs.docs, keys: {} };
    expect((await up()).delete).toBe(1);
    expect(await minio.getPolicy(`${docs}-app-g1`)).toBeUndefined();
    const users = await minio.listUsers();
    expect([...users.keys()].filter((u) => u.startsWith(accessKeyPrefix("app", `${docs}-app`, 1)))).toEqual([]);
  });

  it("after the repairs, a refresh and a preview change nothing", async () => {
    expect([...(await refresh())]).toEqual([]);
    const p = await stack.preview({ color: "never" });
    expect(changes(p.changeSummary)).toEqual([]);
  });
});
