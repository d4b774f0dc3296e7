/**
 * Migration of a deployed stack to this checkout's resource types, through the real engine on the
 * local MinIO, from each earlier design:
 *   - the dynamic resources (`pulumi-nodejs:dynamic/minio:*`, before the provider plugin);
 *   - the plugin's policy + user pair per key (before one `minio:Key` resource per generation);
 *   - the component under its bucket's token (`secure-storage:minio:Bucket`, before
 *     `minio:PrivateBucket`), with retained (protected) buckets.
 * All three had that component token, so each also moves the components and, through their alias,
 * every child's URN (components/component-types.ts).
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
import { COMPONENT_TYPES, FORMER_COMPONENT_TYPES } from "../../components/component-types";
import { accessKeyPrefix, newAccessKey, newSecretKey } from "../../components/minio/access-key";
import { s3ClientFor } from "../../components/minio/s3-client";
import { program } from "../../stacks/program";
import { openStack, ROOT } from "../../scripts/lib/workspace";
import { LEGACY_COMMIT, LegacyCheckout } from "../../bench/legacy";
import { stackConfig } from "../../bench/workload";
import { localMinio } from "../helpers/local-minio";

/** The last commit with a policy resource per key and a user resource per generation. */
const PAIR_COMMIT = "2bfb50923eaf97dc97bcaebf8ee578f7c2ce49f4";
/** The last commit whose MinIO and B2 components had their bucket's token. */
const SHARED_TOKEN_COMMIT = "d845876be31d1dbbc23726dde996bd5df4a60e72";

const COMPONENT = COMPONENT_TYPES.minio;
const FORMER_COMPONENT = FORMER_COMPONENT_TYPES[COMPONENT]!;

const { settings, minio } = localMinio();
/** forceDestroy: true, so not retained: the stack can be destroyed whatever the test left in it. */
const config = stackConfig(2, { endpoint: settings.endpoint, kmsKeyId: settings.kmsKeyId });
/** The same buckets retained (protect + retainOnDelete), the default of every spec since retain. */
const retainedConfig = (() => {
  const c = structuredClone(config);
  const buckets = c["storage:buckets"] as Record<string, Record<string, unknown>>;
  for (const b of Object.values(buckets)) b.forceDestroy = false;
  return c;
})();

interface StateResource {
  urn: string;
  type: string;
  /** False for components: every old program's MinIO component had the bucket's token too. */
  custom: boolean;
  id?: string;
  parent?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

const logical = (urn: string) => urn.split("::").pop()!;
/** A value of `stack export --show-secrets`: a secret is `{<sig>, plaintext: <JSON>}`. */
const plain = (v: unknown): unknown =>
  typeof v === "object" && v !== null && "plaintext" in v ? JSON.parse(String((v as { plaintext: string }).plaintext)) : v;
const ofType = (suffix: string) => (rs: StateResource[]) => rs.filter((r) => r.custom && r.type.endsWith(suffix));
const [users, keys, policies, buckets] = [ofType("minio:User"), ofType("minio:Key"), ofType("minio:Policy"), ofType("minio:Bucket")];
const components = (type: string) => (rs: StateResource[]) => rs.filter((r) => !r.custom && r.type === type);
/** The type chain of a URN: its parents' types, then its own. */
const chain = (urn: string) => urn.split("::")[2].split("$");
/** Logical name -> [access key, secret key] of credential-holding resources. */
const credentials = (rs: StateResource[]) =>
  Object.fromEntries(rs.map((r) => [logical(r.urn), [plain(r.outputs?.accessKey), plain(r.outputs?.secretKey)]]));

// prefix: of the old custom types; pair: keys were a policy per key plus a user per generation;
// retained: the buckets are protected.
describe.each([
  {
    from: "the dynamic types",
    commit: LEGACY_COMMIT,
    prefix: "pulumi-nodejs:dynamic/",
    dynamic: true,
    pair: true,
    retained: false,
  },
  {
    from: "the plugin's policy + user pair",
    commit: PAIR_COMMIT,
    prefix: "secure-storage:",
    dynamic: false,
    pair: true,
    retained: false,
  },
  {
    from: "the shared component token",
    commit: SHARED_TOKEN_COMMIT,
    prefix: "secure-storage:",
    dynamic: false,
    pair: false,
    retained: true,
  },
])("a stack deployed with $from, then `up` with this checkout", ({ commit, prefix, dynamic, pair, retained }) => {
  const name = `migr${dynamic ? "d" : pair ? "p" : "t"}${Date.now().toString(36)}`;
  const deployed = retained ? retainedConfig : config;
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
    const [up] = await legacy.run(name, deployed, ["up"]);
    expect(up.result).toBe("succeeded");
    stack = await openStack({ stack: name, config: deployed, program: async () => program() });
    before = exportState(true).resources;
    // Drift the migration must take in place (never replace): consoleAdmin next to a user's shared
    // policy. And what an interrupted create of the same slot left: a user on the shared policy,
    // which would keep the engine from deleting that policy.
    if (pair) {
      const drifted = users(before).find((u) => logical(u.urn).endsWith("-app-g1"))!;
      const slot = String(drifted.outputs!.policyName);
      await minio.attachPolicy(String(plain(drifted.outputs!.accessKey)), `${slot},consoleAdmin`);
      orphan = newAccessKey(accessKeyPrefix("app", slot, 1));
      await minio.putUser(orphan, newSecretKey());
      await minio.attachPolicy(orphan, slot);
    }
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
    // Retained buckets refuse destroy: unprotect them (and let destroy empty them) first.
    if (retained && stack) {
      stack = await openStack({ stack: name, config, program: async () => program() });
      await stack.up({ color: "never" }).catch(() => undefined);
    }
    await stack?.destroy({ color: "never" }).catch(() => undefined);
    await stack?.workspace.removeStack(name).catch(() => undefined);
    legacy?.remove();
  }, 600_000);

  const started = `two ${FORMER_COMPONENT} components, two buckets, ${pair ? "4 policies, 4 users" : "4 keys"}`;
  it(`started from the old types: ${started}`, () => {
    const own = before.filter((r) => r.type.startsWith(prefix));
    const counts = [buckets(own), policies(own), users(own), keys(own)].map((rs) => rs.length);
    expect(counts).toEqual(pair ? [2, 4, 4, 0] : [2, 0, 0, 4]);
    expect(own.filter((r) => r.custom).every((r) => Boolean(r.outputs?.__provider))).toBe(dynamic);
    expect(components(FORMER_COMPONENT)(before)).toHaveLength(2);
    expect(components(COMPONENT)(before)).toEqual([]);
    for (const b of buckets(before)) {
      expect([b.protect ?? false, b.retainOnDelete ?? false], b.urn).toEqual([retained, retained]);
    }
  });

  const changes = pair ? "deletes only the four former policies, updates the keys" : "updates and deletes nothing";
  it(`creates and replaces nothing; moves the components; ${changes}`, () => {
    const ours = ops.filter((o) => o.type.startsWith("secure-storage:") || o.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(ours.filter((o) => !["same", "update", "refresh", "read", "delete"].includes(o.op))).toEqual([]);
    // Found in the old state by their alias: the same components, neither created nor deleted.
    expect(ours.filter((o) => o.type === COMPONENT).map((o) => o.op)).toEqual(["same", "same"]);
    const deleted = ours.filter((o) => o.op === "delete");
    expect(deleted.map((o) => o.type.replace(prefix, ""))).toEqual(Array(pair ? 4 : 0).fill("minio:Policy"));
    const updated = ours.filter((o) => o.op === "update").map((o) => o.type);
    expect(updated.filter((t) => t === "secure-storage:minio:Key")).toHaveLength(pair ? 4 : 0);
    // From the shared token, only URNs change: no resource's inputs do.
    if (!pair) expect(updated).toEqual([]);
  });

  it("keeps every bucket: same id, same protect and retainOnDelete", () => {
    const state = exportState().resources;
    const kept = (rs: StateResource[]) =>
      buckets(rs)
        .map((b) => [logical(b.urn), b.id, b.protect ?? false, b.retainOnDelete ?? false] as const)
        .sort((x, y) => x[0].localeCompare(y[0]));
    expect(kept(state)).toEqual(kept(before));
    for (const [, , protect, retainOnDelete] of kept(state)) {
      expect([protect, retainOnDelete]).toEqual([retained, retained]);
    }
  });

  it("keeps every key's access key and secret; each now has a policy of its own and still works", async () => {
    const state = exportState(true).resources;
    expect(credentials(keys(state))).toEqual(credentials(pair ? users(before) : keys(before)));
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

  // Only the pair had a shared policy (and the drift set up above).
  if (pair) it("repairs the drifted user in place and removes the orphan left on a shared policy", async () => {
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
    // The components under their own token, and nothing under the former one: neither a component
    // nor a child whose URN still names it as its parent.
    const moved = components(COMPONENT)(resources);
    const names = (rs: StateResource[]) => rs.map((r) => logical(r.urn)).sort();
    expect(names(moved)).toEqual(names(components(FORMER_COMPONENT)(before)));
    expect(components(FORMER_COMPONENT)(resources)).toEqual([]);
    expect(resources.filter((r) => chain(r.urn).slice(0, -1).includes(FORMER_COMPONENT)).map((r) => r.urn)).toEqual([]);
    for (const r of [...buckets(resources), ...keys(resources)]) {
      expect(chain(r.urn)[0], r.urn).toBe(COMPONENT);
      expect(moved.map((c) => c.urn), r.urn).toContain(r.parent);
    }
    for (const k of keys(resources)) expect(k.outputs?.secretKey).toHaveProperty("ciphertext");
    for (const k of keys(exportState(true).resources)) expect(text).not.toContain(String(plain(k.outputs!.secretKey)));
  });

  it("is done once: the next preview changes nothing", async () => {
    const p = await stack.preview({ color: "never" });
    const changed = Object.entries(p.changeSummary).filter(([op, n]) => !["same", "read"].includes(op) && n > 0);
    expect(changed).toEqual([]);
  });
});
