/**
 * Rotation under load, with the real CLI and MinIO: a client keeps presigning, uploading and
 * downloading with the credential it re-reads from the stack's contract while `rotate` bumps,
 * deploys, verifies, retires and deploys again. No request may fail, and the retired
 * credential must be denied at the end.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type * as auto from "@pulumi/pulumi/automation";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asStaticKey, type Credential, type StorageContract } from "../../components/contract";
import { request } from "../../components/minio/http";
import { s3ClientFor } from "../../components/minio/s3-client";
import { parseStorageSpec } from "../../components/spec";
import { verifyContract } from "../../checks/verify";
import { program } from "../../stacks/program";
import { rotate, RotationError, type RotationTarget } from "../../scripts/lib/rotation";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const name = `rot${Date.now().toString(36)}`;

// The dev stack's clinic bucket alone: a read/write/delete/list key scoped to workspaces/.
const dev = parseYaml(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8")).config;
const config: Record<string, unknown> = {
  "storage:minio": dev["storage:minio"],
  "storage:buckets": { clinic: dev["storage:buckets"].clinic },
};
const buckets = () => config["storage:buckets"] as Record<string, { keys: Record<string, Record<string, unknown>> }>;

let stack: auto.Stack;
const open = async () => (stack = await openStack({ stack: name, config, program: async () => program() }));

const target: RotationTarget = {
  stack: name,
  keySpec: (bucket, key) => {
    const k = parseStorageSpec({ buckets: config["storage:buckets"] }).buckets[bucket]?.keys[key];
    if (!k) throw new RotationError(`storage:buckets.${bucket}.keys.${key}: no such key`);
    return k;
  },
  updateKey: async (bucket, key, patch) => {
    const k = buckets()[bucket].keys[key];
    for (const [f, v] of Object.entries(patch)) {
      if (v === undefined) delete k[f];
      else k[f] = v;
    }
  },
  contract: async () => (await stack.outputs()).storage?.value as StorageContract | undefined,
  up: async () => {
    await open();
    return (await stack.up({ color: "never" })).outputs.storage.value as StorageContract;
  },
  verify: (contract, bucket, retired) =>
    verifyContract({ buckets: { [bucket]: contract.buckets[bucket] } }, admin, retired ? { retired: { [bucket]: retired } } : {}),
};

/** An application: re-reads the contract, then does presign + upload + download with `current`. */
class Client {
  ok = 0;
  failures: string[] = [];
  generationsUsed = new Set<number>();
  private contract?: StorageContract;
  private stopped = false;
  private loops: Promise<void>[] = [];

  start(initial: StorageContract) {
    this.contract = initial;
    this.loops.push(this.pollContract(), this.requests());
  }

  async stop() {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Wait until `n` requests succeeded with generation `g`. */
  async until(g: number, n: number) {
    const start = this.okWith.get(g) ?? 0;
    while ((this.okWith.get(g) ?? 0) < start + n) await new Promise((r) => setTimeout(r, 100));
  }

  private okWith = new Map<number, number>();

  private async pollContract() {
    while (!this.stopped) {
      try {
        const c = (await stack.outputs()).storage?.value as StorageContract | undefined;
        if (c) this.contract = c;
      } catch {
        /* state being written by an update: keep the last contract, as an app keeps its config */
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  private async requests() {
    while (!this.stopped) {
      const b = this.contract!.buckets.clinic;
      const cred: Credential = asStaticKey(b.keys.backend).current;
      const s3 = s3ClientFor({ endpoint: b.endpoint, region: b.region ?? "us-east-1" }, { accessKeyId: cred.id, secretAccessKey: cred.secret });
      const key = `workspaces/rotation/${randomBytes(6).toString("hex")}.bin`;
      const data = randomBytes(2048);
      try {
        const put = await request({ method: "PUT", url: new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: b.bucket, Key: key }), { expiresIn: 60 })), body: data });
        if (put.status !== 200) throw new Error(`PUT ${put.status}`);
        const get = await request({ method: "GET", url: new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: b.bucket, Key: key }), { expiresIn: 60 })) });
        const same = createHash("sha256").update(get.body).digest("hex") === createHash("sha256").update(data).digest("hex");
        if (get.status !== 200 || !same) throw new Error(`GET ${get.status}${same ? "" : " bytes differ"}`);
        this.ok++;
        this.generationsUsed.add(cred.generation);
        this.okWith.set(cred.generation, (this.okWith.get(cred.generation) ?? 0) + 1);
      } catch (e) {
        this.failures.push(`g${cred.generation}: ${(e as Error).message}`);
      }
    }
  }
}

beforeAll(async () => {
  await open();
  await stack.up({ color: "never" });
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
});

describe("key rotation through stack updates", () => {
  it("refuses a key that does not exist, a lowered and a skipped generation, changing nothing", async () => {
    await expect(rotate(target, "clinic", "nobody", { log: () => undefined })).rejects.toThrow(/storage:buckets\.clinic\.keys\.nobody: no such key/);
    buckets().clinic.keys.backend.generation = 3;
    await expect(rotate(target, "clinic", "backend", { log: () => undefined })).rejects.toThrow(/generation: 3 skips ahead of the deployed generation 1/);
    buckets().clinic.keys.backend.generation = 1;
    const deployed = await target.contract();
    expect(asStaticKey(deployed!.buckets.clinic.keys.backend).current.generation).toBe(1);
  });

  it("a dry run prints the plan and changes nothing", async () => {
    const lines: string[] = [];
    const r = await rotate(target, "clinic", "backend", { dryRun: true, log: (l) => lines.push(l) });
    expect(r.step).toBe("idle");
    expect(lines.join("\n")).toMatch(/1\. bump generation 1 -> 2[\s\S]*7\. verify old credential denied/);
    expect(buckets().clinic.keys.backend.generation).toBe(1);
  });

  it("stops at the switch point without --yes, then resumes: 0 failed requests, the retired credential denied", async () => {
    const before = (await target.contract())!;
    const oldCred = asStaticKey(before.buckets.clinic.keys.backend).current;
    const client = new Client();
    client.start(before);
    await client.until(1, 3);

    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const first = await rotate(target, "clinic", "backend", { log });
    expect(first.step).toBe("both-alive");
    expect(first.generation).toBe(2);
    expect(first.rows.some((r) => r.probe === "previous credential (g1) PUT" && r.ok)).toBe(true);
    expect(lines.join("\n")).toMatch(/--yes/);

    // The application picks up generation 2 from the contract before the operator continues.
    const second = await rotate(target, "clinic", "backend", { yes: true, log, beforeRetire: () => client.until(2, 3) });
    expect(second.step).toBe("idle");
    await client.until(2, 3);
    await client.stop();

    console.log(`rotation under load: ${client.ok} presign+upload+download round trips, ${client.failures.length} failed`);
    expect(client.failures).toEqual([]);
    expect(client.ok).toBeGreaterThanOrEqual(6);
    expect([...client.generationsUsed].sort()).toEqual([1, 2]);
    const denied = second.rows.filter((r) => r.probe.startsWith("retired credential (g1)"));
    expect(denied.length).toBe(3); // GET, PUT, list
    expect(denied.every((r) => r.ok && r.expect === "deny")).toBe(true);

    const after = asStaticKey((await target.contract())!.buckets.clinic.keys.backend);
    expect(after.previous).toBeUndefined();
    expect(after.current.id).not.toBe(oldCred.id);
    expect(lines.join("\n")).not.toContain(oldCred.secret);
    expect(lines.join("\n")).not.toContain(after.current.secret);
  });

  it("the next rotation starts from a retired key: bump again, both alive", async () => {
    const r = await rotate(target, "clinic", "backend", { log: () => undefined });
    expect(r.step).toBe("both-alive");
    expect(buckets().clinic.keys.backend).toMatchObject({ generation: 3 });
    expect(buckets().clinic.keys.backend.retirePrevious).toBeUndefined();
  });
});
