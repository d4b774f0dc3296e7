/**
 * The project's own program (stacks/ -> b2 adapter -> B2Bucket component) through the real Pulumi
 * engine against the B2 stand-in: config with the account key as a secret, the `storage` contract,
 * a generation bump that adds a key without touching the current one, no drift after refresh,
 * and destroy. No secret may appear in plain text in the stored state or the engine output.
 */
import { execFileSync } from "node:child_process";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asStaticKey, type StorageContract } from "../../components/contract";
import { b2KeyName, ownerMarker } from "../../components/b2";
import { OWNER_INFO_KEY } from "../../components/b2/ownership";
import { physicalBucketName } from "../../components/naming";
import { program } from "../../stacks/program";
import { openStack } from "../../scripts/lib/workspace";
import { B2StandIn } from "../helpers/b2-standin";
import { loadProjectEnv } from "../helpers/env";
import { changes } from "../helpers/changes";

loadProjectEnv();
const standin = new B2StandIn();
const name = `b2stack${Date.now().toString(36)}`;
let stack: auto.Stack;
let transcript = "";
const out = (s: string) => (transcript += s);

const buckets = (generation: number) => ({
  tasks: {
    provider: "b2",
    // Destroyed at the end: a retained bucket (the default) would refuse.
    retain: false,
    presign: { uploadSeconds: 900, downloadSeconds: 3600 },
    lifecycle: [{ noncurrentExpireDays: 30 }],
    keys: { backend: { access: ["read", "write", "list"], prefixes: ["users/"], generation } },
  },
});

/** (Re)open the stack with this config; the account key is only in the environment (B2_APPLICATION_KEY*). */
async function open(generation: number): Promise<void> {
  stack = await openStack({
    stack: name,
    program: async () => program(),
    config: { "storage:b2": { apiUrl: standin.url }, "storage:buckets": buckets(generation) },
  });
}

function assertNoPlainSecrets(): void {
  const stored = execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8" });
  const secrets = [standin.masterKey, ...[...standin.keys.values()].map((k) => k.applicationKey)];
  expect(secrets.filter((s) => stored.includes(s)), "plain secret in stored state").toEqual([]);
  expect(secrets.filter((s) => transcript.includes(s)), "plain secret in engine output").toEqual([]);
}

let restoreEnv = (): void => undefined;
beforeAll(async () => {
  await standin.start();
  restoreEnv = standin.exportCredentials();
  await open(1);
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name, { force: true }).catch(() => undefined);
  await standin.stop();
  restoreEnv();
});

describe("the project program on B2 (stand-in)", () => {
  const bucketName = physicalBucketName("secure-storage", name, "tasks");
  const owner = ownerMarker("secure-storage", name, "tasks");
  let contract: StorageContract;

  it("up: a private SSE-B2 bucket, a bucket- and prefix-scoped key, and the contract", async () => {
    const r = await stack.up({ onOutput: out, color: "never" });
    expect(r.summary.result).toBe("succeeded");
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_create_bucket 200", "b2_list_keys 200", "b2_create_key 200"]);
    expect(r.outputs.storage.secret).toBe(false);
    contract = r.outputs.storage.value as StorageContract;
    const b = [...standin.buckets.values()][0];
    expect(b).toMatchObject({
      bucketName,
      bucketType: "allPrivate",
      bucketInfo: { "managed-by": "secure-storage", stack: name, logical: "tasks", [OWNER_INFO_KEY]: `secure-storage/${name}/tasks` },
      defaultServerSideEncryption: { value: { mode: "SSE-B2", algorithm: "AES256" } },
      lifecycleRules: [{ fileNamePrefix: "", daysFromHidingToDeleting: 30 }],
    });
    const key = [...standin.keys.values()][0];
    expect(key.keyName).toMatch(new RegExp(`^${bucketName}-backend-g1-[0-9a-f]{8}$`));
    expect(key).toMatchObject({ keyName: b2KeyName(bucketName, "backend", 1, owner), capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles"], bucketId: b.bucketId, namePrefix: "users/" });
    expect(contract.buckets.tasks).toEqual({
      provider: "b2",
      bucket: bucketName,
      region: "us-west-004",
      endpoint: "https://s3.us-west-004.backblazeb2.com",
      presign: { uploadSeconds: 900, downloadSeconds: 3600 },
      uploads: [],
      cors: [],
      keys: { backend: { kind: "static", access: ["read", "write", "list"], prefixes: ["users/"], current: { id: key.applicationKeyId, secret: key.applicationKey, generation: 1 } } },
    });
    assertNoPlainSecrets();
  });

  it("rotate: generation 2 creates a new key and keeps generation 1 as previous, untouched", async () => {
    await open(2);
    standin.calls.length = 0;
    const g1 = asStaticKey(contract.buckets.tasks.keys.backend).current;
    const r = await stack.up({ onOutput: out, color: "never" });
    expect(r.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(r.summary.resourceChanges?.replace ?? 0).toBe(0);
    expect(r.summary.resourceChanges?.delete ?? 0).toBe(0);
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_list_keys 200", "b2_create_key 200"]);
    const k = asStaticKey((r.outputs.storage.value as StorageContract).buckets.tasks.keys.backend);
    expect(k.previous).toEqual(g1);
    expect(k.current.generation).toBe(2);
    expect(k.current.id).not.toBe(g1.id);
    expect(standin.keys.get(k.current.id)!.keyName).toBe(b2KeyName(bucketName, "backend", 2, owner));
    expect(b2KeyName(bucketName, "backend", 2, owner)).toMatch(new RegExp(`^${bucketName}-backend-g2-[0-9a-f]{8}$`));
    assertNoPlainSecrets();
  });

  it("refresh then preview: no changes", async () => {
    await stack.refresh({ onOutput: out, color: "never" });
    let diff = "";
    const p = await stack.preview({ diff: true, color: "never", onOutput: (s) => (diff += s) });
    expect(changes(p.changeSummary), diff).toEqual([]);
    transcript += diff;
    assertNoPlainSecrets();
  });

  it("bad config fails before any B2 request, naming every bad path", async () => {
    const badName = `${name}bad`;
    const bad = await openStack({
      stack: badName,
      program: async () => program(),
      config: {
        "storage:b2": { apiUrl: standin.url },
        "storage:buckets": {
          "b2-media": { provider: "b2" },
          tasks: { provider: "b2", keys: { backend: { access: ["read"], prefixes: ["users/", "tasks/"], generation: 1 } } },
        },
      },
    });
    try {
      standin.calls.length = 0;
      const err = (await bad.up({ color: "never" }).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/storage:buckets\.b2-media: the physical bucket name would start with "b2-"/);
      expect(err.message).toMatch(/storage:buckets\.tasks\.keys\.backend\.prefixes: a B2 application key has a single namePrefix; got 2/);
      expect(err.message).not.toContain(standin.masterKey);
      expect(standin.calls).toEqual([]);
    } finally {
      await bad.workspace.removeStack(badName, { force: true }).catch(() => undefined);
    }
  });

  it("destroy removes both keys and the bucket", async () => {
    standin.calls.length = 0;
    await stack.destroy({ onOutput: out, color: "never" });
    expect([...standin.trace()].sort()).toEqual(["b2_authorize_account 200", "b2_delete_bucket 200", "b2_delete_key 200", "b2_delete_key 200"]);
    expect(standin.trace().at(-1)).toBe("b2_delete_bucket 200");
    expect(standin.buckets.size + standin.keys.size).toBe(0);
  });
});
