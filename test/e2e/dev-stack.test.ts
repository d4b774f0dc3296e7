/**
 * The real thing: the Pulumi CLI deploys the dev config (as a throwaway stack) to the MinIO from
 * `npm run services`, `verify` proves it, a second run changes nothing, bad config creates
 * nothing, and destroy leaves no bucket, policy or user behind.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asStaticKey, staticKeysOf, type StorageContract } from "../../components/contract";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { parseCorsOrigins } from "../../components/minio/identity-impl";
import { s3ClientFor } from "../../components/minio/s3-client";
import { verifyContract } from "../../checks/verify";
import { program } from "../../stacks/program";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";
import { changes } from "../helpers/changes";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const name = `e2e${Date.now().toString(36)}`;
// The server's CORS origin list is shared by every stack on it: this stack uses its own origin,
// and an origin owned by "someone else" must survive this stack's update and destroy.
const ownOrigin = `http://localhost:${20000 + (Date.now() % 10000)}`;
const foreignOrigin = "https://other-stack.example";
let originalOrigins: string[] = [];
let stack: auto.Stack;
let contract: StorageContract;
let transcript = "";

const serverOrigins = async () => parseCorsOrigins(await new MinioAdminClient(conn, admin).getConfig("api"));
const setServerOrigins = (origins: string[]) =>
  new MinioAdminClient(conn, admin).setConfig(`api cors_allow_origin="${origins.length ? origins.join(",") : "https://no-cors.invalid"}"`);

beforeAll(async () => {
  const dev = parseYaml(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8")).config;
  dev["storage:buckets"].recordings.cors[0].origins = [ownOrigin];
  stack = await openStack({ stack: name, config: dev, program: async () => program() });
  originalOrigins = await serverOrigins();
  await setServerOrigins([...originalOrigins, foreignOrigin]);
});

afterAll(async () => {
  await stack?.destroy().catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  await setServerOrigins(originalOrigins);
});

describe("dev stack on MinIO, end to end", () => {
  it("pulumi up creates the buckets, keys and server CORS", async () => {
    const r = await stack.up({ onOutput: (s) => (transcript += s), color: "never" });
    expect(r.summary.result).toBe("succeeded");
    contract = r.outputs.storage.value as StorageContract;
    expect(Object.keys(contract.buckets).sort()).toEqual(["clinic", "recordings"]);
    expect(r.outputs.storage.secret).toBe(false); // only the credential secrets are secret...
    const secrets = Object.values(contract.buckets).flatMap((b) => staticKeysOf(b).map(([, k]) => k.current.secret));
    // The state as stored on disk (`stack.exportStack()` would decrypt it with --show-secrets).
    const stored = execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8" });
    for (const s of secrets) {
      expect(s.length).toBeGreaterThanOrEqual(40);
      expect(transcript).not.toContain(s); // ...never printed
      expect(stored).not.toContain(s); // ...and encrypted in the state
    }
    // The state holds the plugin's types and no provider code (no serialized dynamic provider), and
    // no path of this clone, so it works from any clone.
    expect(stored).toContain('"type": "secure-storage:minio:Key"');
    expect(stored).not.toContain("__provider");
    expect(stored).not.toContain(path.resolve(__dirname, "..", ".."));
    // Admin credentials come from the environment: never an input, output or state entry.
    expect(stored).not.toContain(admin.secretAccessKey);
    expect(transcript).not.toContain(admin.secretAccessKey);
  });

  it("verify: round trips work and every must-be-denied probe is denied", async () => {
    const rows = await verifyContract(contract, admin);
    const failed = rows.filter((r) => !r.ok);
    expect(failed).toEqual([]);
    expect(rows.filter((r) => r.expect === "deny").length).toBeGreaterThanOrEqual(20);
    expect(rows.some((r) => r.probe.startsWith("presigned GET round trip") && r.seen.includes("same bytes"))).toBe(true);
    // Upload limits are the server's: 10 MB + 1 byte, another type, another place, an expired policy.
    const seen = (probe: string) => rows.find((r) => r.bucket === "clinic" && r.probe === probe)?.seen;
    expect(seen("POST maxBytes + 1 (10485761 B)")).toBe("400 EntityTooLarge");
    expect(seen("POST with a type other than the signed one")).toMatch(/^403/);
    expect(seen("POST outside the signed key prefix")).toMatch(/^403/);
    expect(seen("POST with an expired policy")).toMatch(/^403/);
    expect(seen("PUT with more bytes than signed")).toMatch(/^403/);
  });

  it("a second run, and a refresh, change nothing", async () => {
    const noChanges = async (when: string) => {
      let out = "";
      const r = await stack.preview({ diff: true, color: "never", onOutput: (s) => (out += s) });
      const changed = changes(r.changeSummary);
      expect(changed, `${when}:\n${out}`).toEqual([]);
    };
    await noChanges("preview after up");
    await stack.refresh({ color: "never" });
    await noChanges("preview after refresh");
  });

  it("a removed CORS origin shows as drift, and up puts it back next to the other stacks' origins", async () => {
    await setServerOrigins((await serverOrigins()).filter((o) => o !== ownOrigin));
    const refreshed = await stack.refresh({ color: "never" });
    expect(refreshed.summary.resourceChanges?.update ?? 0).toBeGreaterThanOrEqual(1);
    await stack.up({ color: "never" });
    expect(await serverOrigins()).toEqual(expect.arrayContaining([ownOrigin, foreignOrigin]));
  });

  it("verify fails when a key has been tampered with behind Pulumi's back", async () => {
    const playback = asStaticKey(contract.buckets.recordings.keys.playback).current;
    const client = new MinioAdminClient(conn, admin);
    const backend = asStaticKey(contract.buckets.clinic.keys.backend).current;
    await client.attachPolicy(playback.id, `${contract.buckets.clinic.bucket}-backend-g${backend.generation}`);
    try {
      const rows = await verifyContract({ buckets: { recordings: contract.buckets.recordings } }, admin);
      expect(rows.filter((r) => !r.ok).length).toBeGreaterThan(0);
    } finally {
      await client.attachPolicy(playback.id, `${contract.buckets.recordings.bucket}-playback-g${playback.generation}`);
    }
  });

  it("bad config fails before any resource is created, naming the field", async () => {
    const badName = `${name}bad`;
    const bad = await openStack({
      stack: badName,
      program: async () => program(),
      config: {
        "storage:minio": { endpoint: "http://127.0.0.1:9000", kmsKeyId: "dev-sse-key" },
        "storage:buckets": { docs: { provider: "minio", keys: { app: { access: ["read"], prefixes: ["docs"], generation: 1 } } } },
      },
    });
    try {
      await expect(bad.up({ color: "never" })).rejects.toThrow(/storage:buckets\.docs\.keys\.app\.prefixes\[0\]: must end with "\/"/);
      const state = await bad.exportStack();
      const resources = (state.deployment.resources ?? []) as Array<{ type: string; custom: boolean }>;
      expect(resources.filter((r) => r.custom && r.type.startsWith("secure-storage:"))).toEqual([]);
    } finally {
      await bad.workspace.removeStack(badName, { force: true }).catch(() => undefined);
    }
  });

  it("destroy leaves no bucket, policy, user or CORS origin of the stack in MinIO, and nobody else's is touched", async () => {
    await stack.destroy({ color: "never" });
    const origins = await serverOrigins();
    expect(origins).not.toContain(ownOrigin);
    expect(origins).toContain(foreignOrigin);
    const buckets = await s3ClientFor(conn, admin).send(new ListBucketsCommand({}));
    const names = (buckets.Buckets ?? []).map((b) => b.Name);
    const client = new MinioAdminClient(conn, admin);
    for (const b of Object.values(contract.buckets)) {
      expect(names).not.toContain(b.bucket);
      for (const [keyName, k] of Object.entries(b.keys)) {
        expect(await client.getPolicy(`${b.bucket}-${keyName}`)).toBeUndefined();
        expect(await client.getUser(asStaticKey(k).current.id)).toBeUndefined();
      }
    }
  });
});
