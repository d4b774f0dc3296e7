/**
 * Migration of a deployed stack to this checkout's resource types, through the real engine on the
 * local MinIO, from each earlier design:
 *   - the dynamic resources (`pulumi-nodejs:dynamic/minio:*`, before the provider plugin);
 *   - the plugin's policy + user pair per key (before one `minio:Key` resource per generation).
 * 1. A git worktree at that commit deploys a stack with its own program.
 * 2. `up` of the same stack with this checkout's program, whose resources alias the old types.
 * Nothing may be created or replaced, not even a user whose mapping drifted; only the former
 * shared policies are deleted. Every key keeps its access key and secret and still works, now
 * through a policy of its own generation. The state then holds only this checkout's types, no
 * serialized provider and no plaintext secret.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessKeyPrefix, newAccessKey, newSecretKey } from "../../components/minio/access-key";
import { s3ClientFor } from "../../components/minio/s3-client";
import { program } from "../../stacks/program";
import { openStack, ROOT } from "../../scripts/lib/workspace";
import { LEGACY_COMMIT, LegacyCheckout } from "../../bench/legacy";
import { stackConfig } from "../../bench/workload";
import { localMinio } from "../helpers/local-minio";

/** The last commit with a policy resource per key and a user resource per generation. */
const PAIR_COMMIT = "2bfb50923eaf97dc97bcaebf8ee578f7c2ce49f4";

const { settings, minio } = localMinio();
const config = stackConfig(2, { endpoint: settings.endpoint, kmsKeyId: settings.kmsKeyId });

interface StateResource {
  urn: string;
  type: string;
  /** False for components (the MinIO component's type is also secure-storage:minio:Bucket). */
  custom: boolean;
  parent?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

const logical = (urn: string) => urn.split("::").pop()!;
/** A value of `stack export --show-secrets`: a secret is `{<sig>, plaintext: <JSON>}`. */
const plain = (v: unknown): unknown =>
  typeof v === "object" && v !== null && "plaintext" in v ? JSON.parse(String((v as { plaintext: string }).plaintext)) : v;
const ofType = (suffix: string) => (rs: StateResource[]) => rs.filter((r) => r.custom && r.type.endsWith(suffix));
const [users, keys, policies, buckets] = [ofType("minio:User"), ofType("minio:Key"), ofType("minio:Policy"), ofType("minio:Bucket")];
/** Logical name -> [access key, secret key] of credential-holding resources. */
const credentials = (rs: StateResource[]) =>
  Object.fromEntries(rs.map((r) => [logical(r.urn), [plain(r.outputs?.accessKey), plain(r.outputs?.secretKey)]]));

describe.each([
  { from: "the dynamic types", commit: LEGACY_COMMIT, prefix: "pulumi-nodejs:dynamic/", dynamic: true },
  { from: "the plugin's policy + user pair", commit: PAIR_COMMIT, prefix: "secure-storage:", dynamic: false },
])("a stack deployed with $from, then `up` with this checkout", ({ commit, prefix, dynamic }) => {
  const name = `migr${dynamic ? "d" : "p"}${Date.now().toString(36)}`;
  let legacy: LegacyCheckout | undefined;
  let stack: auto.Stack;
  let before: StateResource[];
  let orphan: string;
  const ops: Array<{ op: string; type: string; urn: string }> = [];

  function exportState(showSecrets = false): { text: string; resources: StateResource[] } {
    const args = ["stack", "export", "--stack", name, ...(showSecrets ? ["--show-secrets"] : [])];
    const cwd = path.join(ROOT, ".local", "workspace");
    const text = execFileSync("pulumi", args, { cwd, env: process.env, encoding: "utf8" });
    return { text, resources: (JSON.parse(text).deployment.resources ?? []) as StateResource[] };
  }

  beforeAll(async () => {
    legacy = LegacyCheckout.create(commit);
    const [up] = await legacy.run(name, config, ["up"]);
    expect(up.result).toBe("succeeded");
    stack = await openStack({ stack: name, config, program: async () => program() });
    before = exportState(true).resources;
    // Drift the migration must take in place (never replace): consoleAdmin next to a user's shared
    // policy. And what an interrupted create of the same slot left: a user on the shared policy,
    // which would keep the engine from deleting that policy.
    const drifted = users(before).find((u) => logical(u.urn).endsWith("-app-g1"))!;
    const slot = String(drifted.outputs!.policyName);
    await minio.attachPolicy(String(plain(drifted.outputs!.accessKey)), `${slot},consoleAdmin`);
    orphan = newAccessKey(accessKeyPrefix("app", slot, 1));
    await minio.putUser(orphan, newSecretKey());
    await minio.attachPolicy(orphan, slot);
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

  it("started from the old types: two buckets, four policies, four users", () => {
    const own = before.filter((r) => r.type.startsWith(prefix));
    expect([buckets(own), policies(own), users(own)].map((rs) => rs.length)).toEqual([2, 4, 4]);
    expect(keys(before)).toEqual([]);
    expect(own.every((r) => Boolean(r.outputs?.__provider))).toBe(dynamic);
  });

  it("creates and replaces nothing; deletes only the four former policies; updates the keys in place", () => {
    const ours = ops.filter((o) => o.type.startsWith("secure-storage:") || o.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(ours.filter((o) => !["same", "update", "refresh", "read", "delete"].includes(o.op))).toEqual([]);
    const deleted = ours.filter((o) => o.op === "delete");
    expect(deleted.map((o) => o.type.replace(prefix, ""))).toEqual(Array(4).fill("minio:Policy"));
    const updated = ours.filter((o) => o.op === "update").map((o) => o.type);
    expect(updated.filter((t) => t === "secure-storage:minio:Key")).toHaveLength(4);
  });

  it("keeps every key's access key and secret; each now has a policy of its own and still works", async () => {
    const state = exportState(true).resources;
    expect(credentials(keys(state))).toEqual(credentials(users(before)));
    const former = policies(before).map((p) => String(p.outputs?.name));
    for (const p of former) expect(await minio.getPolicy(p)).toBeUndefined();
    for (const k of keys(state)) {
      const accessKey = String(plain(k.outputs!.accessKey));
      expect((await minio.getUser(accessKey))?.policyName).toBe(`${k.outputs!.slot}-g${k.outputs!.generation}`);
      const bucket = String(buckets(state).find((r) => r.parent === k.parent)?.outputs?.bucket);
      const s3 = s3ClientFor(settings, { accessKeyId: accessKey, secretAccessKey: String(plain(k.outputs!.secretKey)) });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "data/" }));
      expect(listed.$metadata.httpStatusCode).toBe(200);
      if (logical(k.urn).includes("app")) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data/after-migration.txt", Body: "ok" }));
      }
    }
  });

  it("repairs the drifted user in place and removes the orphan left on a shared policy", async () => {
    expect(await minio.getUser(orphan)).toBeUndefined();
    const accessKeys = keys(exportState(true).resources).map((k) => String(plain(k.outputs!.accessKey)));
    const live = await Promise.all(accessKeys.map((k) => minio.getUser(k)));
    expect(live.filter((u) => u?.policyName.includes("consoleAdmin"))).toEqual([]);
  });

  it("leaves only this checkout's types, no serialized provider, the secret keys encrypted", () => {
    const { text, resources } = exportState();
    expect(resources.filter((r) => r.type.startsWith("pulumi-nodejs:"))).toEqual([]);
    expect([...policies(resources), ...users(resources)]).toEqual([]);
    expect(text).not.toContain("__provider");
    expect(buckets(resources).map((r) => r.type)).toEqual(["secure-storage:minio:Bucket", "secure-storage:minio:Bucket"]);
    expect(keys(resources)).toHaveLength(4);
    for (const k of keys(resources)) expect(k.outputs?.secretKey).toHaveProperty("ciphertext");
    for (const k of keys(exportState(true).resources)) expect(text).not.toContain(String(plain(k.outputs!.secretKey)));
  });

  it("is done once: the next preview changes nothing", async () => {
    const p = await stack.preview({ color: "never" });
    const changed = Object.entries(p.changeSummary).filter(([op, n]) => !["same", "read"].includes(op) && n > 0);
    expect(changed).toEqual([]);
  });
});
