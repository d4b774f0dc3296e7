/**
 * Migration from the dynamic resources (`pulumi-nodejs:dynamic/minio:*`) to the secure-storage
 * provider plugin, through the real engine on the local MinIO:
 *   1. a git worktree at the last commit before the plugin deploys a stack with its own program;
 *   2. `up` of the same stack with this checkout's program, whose resources alias the old types.
 * Nothing may be created, deleted or replaced; the users keep their access keys and the keys still
 * work; the state then holds only secure-storage types, no serialized provider, and no plaintext secret.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ClientFor } from "../../components/minio/s3-client";
import { program } from "../../stacks/program";
import { openStack, ROOT } from "../../scripts/lib/workspace";
import { LegacyCheckout } from "../../bench/legacy";
import { stackConfig } from "../../bench/workload";
import { localMinio } from "../helpers/local-minio";

const { settings } = localMinio();
const name = `migr${Date.now().toString(36)}`;
const config = stackConfig(2, { endpoint: settings.endpoint, kmsKeyId: settings.kmsKeyId });
let legacy: LegacyCheckout | undefined;

interface StateResource {
  urn: string;
  type: string;
  /** False for components (the MinIO component's type is also secure-storage:minio:Bucket). */
  custom: boolean;
  parent?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

function exportState(showSecrets = false): { text: string; resources: StateResource[] } {
  const args = ["stack", "export", "--stack", name, ...(showSecrets ? ["--show-secrets"] : [])];
  const text = execFileSync("pulumi", args, { cwd: path.join(ROOT, ".local", "workspace"), env: process.env, encoding: "utf8" });
  return { text, resources: (JSON.parse(text).deployment.resources ?? []) as StateResource[] };
}

const logical = (urn: string) => urn.split("::").pop()!;
/** A value of `stack export --show-secrets`: a secret is `{<sig>, plaintext: <JSON>}`. */
const plain = (v: unknown): unknown =>
  typeof v === "object" && v !== null && "plaintext" in v ? JSON.parse(String((v as { plaintext: string }).plaintext)) : v;
const users = (rs: StateResource[]) => rs.filter((r) => r.type.endsWith("minio:User"));
const buckets = (rs: StateResource[]) => rs.filter((r) => r.custom && r.type.endsWith("minio:Bucket"));

let stack: auto.Stack;
let before: StateResource[];
const ops: Array<{ op: string; type: string; urn: string }> = [];

beforeAll(async () => {
  // A worktree at the last commit with dynamic types (LEGACY_COMMIT) deploys with its own program.
  legacy = LegacyCheckout.create();
  const [up] = await legacy.run(name, config, ["up"]);
  expect(up.result).toBe("succeeded");
  stack = await openStack({ stack: name, config, program: async () => program() });
  before = exportState(true).resources;
  const r = await stack.up({
    color: "never",
    onEvent: (e) => {
      const m = e.resourcePreEvent?.metadata;
      if (m) ops.push({ op: m.op, type: m.type, urn: m.urn });
    },
  });
  expect(r.summary.result).toBe("succeeded");
}, 600_000);

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  legacy?.remove();
}, 600_000);

describe("a stack deployed with the dynamic types, then `up` with the provider plugin", () => {
  it("started from the old types: two buckets, four users, a serialized provider in every one", () => {
    const own = before.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(buckets(own)).toHaveLength(2);
    expect(users(before)).toHaveLength(4);
    expect(own.every((r) => r.outputs?.__provider)).toBe(true);
  });

  it("creates, deletes and replaces nothing of ours; the old types' resources are updated in place", () => {
    const ours = ops.filter((o) => o.type.startsWith("secure-storage:") || o.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(ours.filter((o) => !["same", "update", "refresh", "read"].includes(o.op))).toEqual([]);
    expect(ours.filter((o) => o.op === "update").length).toBeGreaterThanOrEqual(2 + 4 + 4);
  });

  it("keeps every user's access key and secret, and the keys still work", async () => {
    const state = exportState(true).resources;
    const after = users(state);
    const bucketOf = (u: StateResource) =>
      String(buckets(state).find((r) => r.parent === u.parent)?.outputs?.bucket);
    const keys = (rs: StateResource[]) =>
      Object.fromEntries(rs.map((r) => [logical(r.urn), [plain(r.outputs?.accessKey), plain(r.outputs?.secretKey)]]));
    expect(keys(after)).toEqual(keys(users(before)));
    for (const u of after) {
      const creds = { accessKeyId: String(plain(u.outputs!.accessKey)), secretAccessKey: String(plain(u.outputs!.secretKey)) };
      const bucket = bucketOf(u);
      const s3 = s3ClientFor(settings, creds);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "data/" }));
      expect(listed.$metadata.httpStatusCode).toBe(200);
      if (logical(u.urn).includes("app")) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data/after-migration.txt", Body: "ok" }));
      }
    }
  });

  it("leaves only secure-storage types, no serialized provider, and the secret keys encrypted", () => {
    const { text, resources } = exportState();
    expect(resources.filter((r) => r.type.startsWith("pulumi-nodejs:"))).toEqual([]);
    expect(text).not.toContain("__provider");
    expect(buckets(resources).map((r) => r.type)).toEqual(["secure-storage:minio:Bucket", "secure-storage:minio:Bucket"]);
    for (const u of users(resources)) expect(u.outputs?.secretKey).toHaveProperty("ciphertext");
    for (const u of users(exportState(true).resources)) expect(text).not.toContain(String(plain(u.outputs!.secretKey)));
  });

  it("is done once: the next preview changes nothing", async () => {
    const p = await stack.preview({ color: "never" });
    const changed = Object.entries(p.changeSummary).filter(([op, n]) => !["same", "read"].includes(op) && n > 0);
    expect(changed).toEqual([]);
  });
});
