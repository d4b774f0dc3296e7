/**
 * Issue 18 through the real Pulumi engine and the project's own program, against the B2 stand-in:
 * a create interrupted after B2 acted (the provider process killed, B2's answer lost, a later step
 * failing) leaves nothing, or something the next `up` recognises as this stack's own and finishes;
 * a stranger's bucket is never adopted; a read that fails for any reason but "not found" fails the
 * refresh instead of dropping the resource from state. After each scenario converges, the stand-in
 * holds exactly the buckets and keys the state records: no orphans.
 */
import * as fs from "node:fs";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b2KeyName, ownerMarker } from "../../components/b2";
import { B2Client, resetB2Sessions } from "../../components/b2/client";
import { OWNER_INFO_KEY } from "../../components/b2/ownership";
import type { B2CreateBucketRequest } from "../../components/b2/types";
import { asStaticKey, type StorageContract } from "../../components/contract";
import { physicalBucketName } from "../../components/naming";
import { openStack } from "../../scripts/lib/workspace";
import { program } from "../../stacks/program";
import { B2StandIn } from "../helpers/b2-standin";
import { changes } from "../helpers/changes";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();

const PROJECT = "secure-storage";
const BUCKET_TYPE = "secure-storage:b2:Bucket";
const KEY_TYPE = "secure-storage:b2:ApplicationKey";

// Every scenario destroys its stack: retain: false, or the retained buckets (the default) would refuse.
const tasks = (generation: number) => ({
  provider: "b2",
  retain: false,
  lifecycle: [{ noncurrentExpireDays: 30 }],
  keys: { backend: { access: ["read", "write", "list"], prefixes: ["users/"], generation } },
});
const vault = { provider: "b2", retain: false, objectLock: { mode: "GOVERNANCE", days: 7 } };

/** Pids of the secure-storage provider processes this test process started (through the Pulumi CLI). */
function ownProviderPids(): number[] {
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string>();
  for (const entry of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      cmdline.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT" && (e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
    }
  }
  const descends = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...cmdline].filter(([pid, cmd]) => cmd.includes("provider/main.ts") && descends(pid)).map(([pid]) => pid);
}

/** One throwaway stack of the project program against its own stand-in. */
class Scenario {
  readonly standin = new B2StandIn();
  readonly name: string;
  stack!: auto.Stack;
  transcript = "";

  constructor(tag: string) {
    this.name = `b2int${tag}${Date.now().toString(36)}`;
  }

  bucketName(logical = "tasks"): string {
    return physicalBucketName(PROJECT, this.name, logical);
  }

  owner(logical = "tasks"): string {
    return ownerMarker(PROJECT, this.name, logical);
  }

  keyName(generation: number): string {
    return b2KeyName(this.bucketName(), "backend", generation, this.owner());
  }

  /** The B2 API as someone other than this stack's engine sees it. */
  api(): B2Client {
    return new B2Client({ keyId: this.standin.masterKeyId, key: this.standin.masterKey, apiUrl: this.standin.url });
  }

  async open(buckets: Record<string, unknown>): Promise<void> {
    // Each scenario has its own stand-in: its master key is what the providers read from the environment.
    this.standin.exportCredentials();
    this.stack = await openStack({
      stack: this.name,
      program: async () => program(),
      config: { "storage:b2": { apiUrl: this.standin.url }, "storage:buckets": buckets },
    });
  }

  async up(): Promise<auto.UpResult> {
    this.standin.calls.length = 0;
    const r = await this.stack.up({ color: "never", onOutput: (s) => (this.transcript += s) });
    expect(r.summary.result).toBe("succeeded");
    return r;
  }

  /** An `up` expected to fail; its error. */
  async failedUp(): Promise<Error> {
    this.standin.calls.length = 0;
    return this.stack.up({ color: "never", onOutput: (s) => (this.transcript += s) }).then(
      () => expect.unreachable("up should have failed"),
      (e: unknown) => e as Error,
    );
  }

  /** Start an `up`, kill its provider process as soon as B2 has done `op`; the up's error. */
  async upKilledAfter(op: string): Promise<Error> {
    const acted = this.standin.holdAnswerNext(op);
    const up = this.failedUp();
    const first = await Promise.race([acted.then(() => "acted" as const), up.then(() => "ended" as const)]);
    expect(first, `the up ended before B2 did ${op}`).toBe("acted");
    const pids = ownProviderPids();
    expect(pids, "exactly one provider process of this test").toHaveLength(1);
    process.kill(pids[0], "SIGKILL");
    return up;
  }

  /** B2 resources in the stack's state, by type: id -> outputs. */
  async state(): Promise<{ buckets: Map<string, Record<string, unknown>>; keys: Map<string, Record<string, unknown>> }> {
    type Stored = { type: string; custom: boolean; id?: string; outputs?: Record<string, unknown> };
    const resources = ((await this.stack.exportStack()).deployment as { resources?: Stored[] }).resources ?? [];
    const of = (type: string) => new Map(resources.filter((r) => r.custom && r.type === type).map((r) => [r.id!, r.outputs ?? {}]));
    return { buckets: of(BUCKET_TYPE), keys: of(KEY_TYPE) };
  }

  /** The stand-in holds exactly what the state records: nothing orphaned, nothing missing. */
  async expectNoOrphans(): Promise<void> {
    const { buckets, keys } = await this.state();
    expect([...this.standin.buckets.keys()].sort(), "buckets at B2 vs in state").toEqual([...buckets.keys()].sort());
    expect([...this.standin.keys.keys()].sort(), "keys at B2 vs in state").toEqual([...keys.keys()].sort());
  }

  /** Key names at B2, each with how many keys hold it. */
  keyNameCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const k of this.standin.keys.values()) counts[k.keyName] = (counts[k.keyName] ?? 0) + 1;
    return counts;
  }

  async close(): Promise<void> {
    this.standin.exportCredentials();
    await this.stack?.destroy({ color: "never" }).catch(() => undefined);
    await this.stack?.workspace.removeStack(this.name, { force: true }).catch(() => undefined);
    await this.standin.stop();
  }
}

function scenario(tag: string): Scenario {
  const s = new Scenario(tag);
  beforeAll(async () => {
    resetB2Sessions();
    await s.standin.start();
  });
  afterAll(() => s.close());
  return s;
}

/** A bucket made directly through the B2 API: public, unencrypted, no rules. */
function strayBucket(s: Scenario, bucketInfo: Record<string, string>) {
  const req = { accountId: s.standin.accountId, bucketName: s.bucketName(), bucketType: "allPublic", bucketInfo };
  return s.api().createBucket({ ...req, corsRules: [], lifecycleRules: [] } as unknown as B2CreateBucketRequest);
}

describe("an orphan of this stack is adopted and finished; reads fail loudly", () => {
  const s = scenario("a");
  let contract: StorageContract;

  it("(a) an orphan bucket carrying this stack's owner marker is adopted and configured by up", async () => {
    const orphan = await strayBucket(s, { [OWNER_INFO_KEY]: s.owner() });
    await s.open({ tasks: tasks(1) });
    const r = await s.up();
    expect(s.standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 400 duplicate_bucket_name",
      "b2_list_buckets 200",
      "b2_update_bucket 200",
      "b2_list_keys 200",
      "b2_create_key 200",
    ]);
    contract = r.outputs.storage.value as StorageContract;
    expect([...s.standin.buckets.keys()]).toEqual([orphan.bucketId]);
    expect(s.standin.buckets.get(orphan.bucketId)).toMatchObject({
      bucketName: s.bucketName(),
      bucketType: "allPrivate",
      bucketInfo: { "managed-by": "secure-storage", stack: s.name, logical: "tasks", [OWNER_INFO_KEY]: s.owner() },
      defaultServerSideEncryption: { value: { mode: "SSE-B2", algorithm: "AES256" } },
      lifecycleRules: [{ fileNamePrefix: "", daysFromHidingToDeleting: 30 }],
    });
    const [key] = s.standin.keys.values();
    expect(key).toMatchObject({ keyName: s.keyName(1), bucketId: orphan.bucketId });
    expect(asStaticKey(contract.buckets.tasks.keys.backend).current.id).toBe(key.applicationKeyId);
    expect([...(await s.state()).buckets.keys()]).toEqual([orphan.bucketId]);
    await s.expectNoOrphans();

    await s.stack.refresh({ color: "never" });
    const p = await s.stack.preview({ color: "never" });
    expect(changes(p.changeSummary)).toEqual([]);
  });

  it("(c) an orphan key holding generation 2's name is deleted and replaced; the contract names the new key", async () => {
    const bucketId = [...s.standin.buckets.keys()][0];
    const orphan = await s.api().createKey({
      accountId: s.standin.accountId,
      keyName: s.keyName(2),
      capabilities: ["readFiles"],
      bucketId,
    });
    const g1 = asStaticKey(contract.buckets.tasks.keys.backend).current;
    await s.open({ tasks: tasks(2) });
    const r = await s.up();
    expect(s.standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_list_keys 200",
      "b2_delete_key 200",
      "b2_create_key 200",
    ]);
    expect(s.standin.calls[2].body).toEqual({ applicationKeyId: orphan.applicationKeyId });
    const k = asStaticKey((r.outputs.storage.value as StorageContract).buckets.tasks.keys.backend);
    expect(k.previous).toEqual(g1);
    expect(k.current.id).not.toBe(orphan.applicationKeyId);
    expect(s.standin.keys.has(orphan.applicationKeyId)).toBe(false);
    expect(s.standin.keys.get(k.current.id)).toMatchObject({
      keyName: s.keyName(2),
      capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles"],
    });
    expect(s.keyNameCounts()).toEqual({ [s.keyName(1)]: 1, [s.keyName(2)]: 1 });
    await s.expectNoOrphans();
  });

  it("(e) a read failing with anything but not-found fails the refresh and keeps the resource in state", async () => {
    const before = await s.state();
    s.standin.failNext("b2_list_buckets", 401, "unauthorized", "application key does not have the listBuckets capability");
    const bucketErr = (await s.stack.refresh({ color: "never" }).catch((e: unknown) => e)) as Error;
    expect(bucketErr.message).toMatch(/b2_list_buckets: 401 unauthorized: application key does not have the listBuckets/);
    s.standin.failNext("b2_list_keys", 400, "bad_request", "key listing unavailable");
    const keyErr = (await s.stack.refresh({ color: "never" }).catch((e: unknown) => e)) as Error;
    expect(keyErr.message).toMatch(/b2_list_keys: 400 bad_request: key listing unavailable/);
    expect(s.standin.pendingFaults()).toBe(0);
    const after = await s.state();
    expect([...after.buckets.keys()]).toEqual([...before.buckets.keys()]);
    expect([...after.keys.keys()].sort()).toEqual([...before.keys.keys()].sort());
    await s.expectNoOrphans();

    // The control: a key that really is gone is reported gone.
    const g1 = [...after.keys].find(([, o]) => o.keyName === s.keyName(1))![0];
    s.standin.keys.delete(g1);
    const r = await s.stack.refresh({ color: "never" });
    expect(r.summary.resourceChanges?.delete).toBe(1);
    expect([...(await s.state()).keys.keys()]).not.toContain(g1);
  });
});

describe("a stranger's bucket is never adopted", () => {
  const s = scenario("b");

  it.each([
    ["another stack's owner marker", { [OWNER_INFO_KEY]: `${PROJECT}/other/tasks` }, `owner marker "${PROJECT}/other/tasks"`],
    ["no owner marker", { "managed-by": "secure-storage" }, "no owner marker"],
  ])("(b) a same-named bucket with %s is refused, untouched", async (_title, info, described) => {
    for (const b of [...s.standin.buckets.values()]) s.standin.buckets.delete(b.bucketId);
    const stranger = await strayBucket(s, info);
    const before = structuredClone(s.standin.buckets.get(stranger.bucketId));
    await s.open({ tasks: tasks(1) });
    const err = await s.failedUp();
    const found = `B2 bucket "${s.bucketName()}" already exists in this account with ${described}`;
    expect(err.message).toContain(`${found}, not "${s.owner()}": refusing to adopt it`);
    expect(s.standin.trace().filter((t) => !/^b2_(authorize_account|create_bucket|list_buckets) /.test(t))).toEqual([]);
    expect(s.standin.buckets.get(stranger.bucketId)).toEqual(before);
    expect(s.standin.buckets.size).toBe(1);
    expect(s.standin.keys.size).toBe(0);
    expect((await s.state()).buckets.size).toBe(0);
  });
});

describe("a create killed or cut off after B2 acted: the next up converges", () => {
  const s = scenario("d");

  it("(d) the provider is killed right after B2 created the bucket: up fails; the next up adopts it", async () => {
    await s.open({ tasks: tasks(1) });
    const err = await s.upKilledAfter("b2_create_bucket");
    expect(err.message).toMatch(/secure-storage:b2:Bucket \(tasks\):\s+error: error reading from server: EOF/);
    expect(s.standin.buckets.size).toBe(1);
    expect(s.standin.keys.size).toBe(0);
    expect((await s.state()).buckets.size).toBe(0);

    const r = await s.up();
    expect(s.standin.trace()).toContain("b2_create_bucket 400 duplicate_bucket_name");
    expect(s.standin.buckets.size).toBe(1);
    expect(s.keyNameCounts()).toEqual({ [s.keyName(1)]: 1 });
    const { current } = asStaticKey((r.outputs.storage.value as StorageContract).buckets.tasks.keys.backend);
    expect(current.id).toBe([...s.standin.keys.keys()][0]);
    await s.expectNoOrphans();
  });

  it("(d) the provider is killed right after B2 created the g2 key: the next up replaces that orphan", async () => {
    const g1 = [...s.standin.keys.keys()];
    await s.open({ tasks: tasks(2) });
    const err = await s.upKilledAfter("b2_create_key");
    expect(err.message).toMatch(/secure-storage:b2:ApplicationKey \(tasks-backend-g2\):\s+error: error reading from server: EOF/);
    const orphan = [...s.standin.keys.values()].find((k) => k.keyName === s.keyName(2))!;
    expect(orphan).toBeDefined();
    expect((await s.state()).keys.has(orphan.applicationKeyId)).toBe(false);

    const r = await s.up();
    const k = asStaticKey((r.outputs.storage.value as StorageContract).buckets.tasks.keys.backend);
    expect(k.previous?.id).toBe(g1[0]);
    expect(k.current.id).not.toBe(orphan.applicationKeyId);
    expect(s.keyNameCounts()).toEqual({ [s.keyName(1)]: 1, [s.keyName(2)]: 1 });
    await s.expectNoOrphans();
  });

  it("(d) the answer to the g3 key create is lost and its cleanup fails: up names both; the next up converges", async () => {
    await s.open({ tasks: tasks(3) });
    s.standin.loseAnswerNext("b2_create_key");
    s.standin.failNext("b2_delete_key", 401, "unauthorized", "application key does not have the deleteKeys capability");
    const err = await s.failedUp();
    const undo = `deleting keys named "${s.keyName(3)}" that the failed create may have made also failed`;
    expect(err.message).toMatch(new RegExp(`b2_create_key: request failed after 1 attempt: .+; ${undo}: b2_delete_key: 401 unauthorized`));
    expect(s.keyNameCounts()[s.keyName(3)]).toBe(1);

    const r = await s.up();
    const k = asStaticKey((r.outputs.storage.value as StorageContract).buckets.tasks.keys.backend);
    expect([k.previous?.generation, k.current.generation]).toEqual([2, 3]);
    expect(s.keyNameCounts()).toEqual({ [s.keyName(2)]: 1, [s.keyName(3)]: 1 });
    expect(s.standin.keys.get(k.current.id)?.keyName).toBe(s.keyName(3));
    await s.expectNoOrphans();
  });

  it("(d) the answer to create_bucket is lost: the retry meets the marked bucket and the same up finishes", async () => {
    await s.open({ tasks: tasks(3), vault });
    s.standin.loseAnswerNext("b2_create_bucket");
    await s.up();
    expect(s.standin.trace().slice(0, 5)).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 200 answer-lost",
      "b2_create_bucket 400 duplicate_bucket_name",
      "b2_list_buckets 200",
      "b2_update_bucket 200",
    ]);
    const vaults = [...s.standin.buckets.values()].filter((b) => b.bucketName === s.bucketName("vault"));
    expect(vaults).toHaveLength(1);
    expect(vaults[0].fileLockConfiguration.value).toEqual({
      isFileLockEnabled: true,
      defaultRetention: { mode: "governance", period: { duration: 7, unit: "days" } },
    });
    await s.expectNoOrphans();
  });

  it("(d) a new object-lock bucket's retention step fails, and its undo too: up names both; the next up finishes", async () => {
    await s.open({ tasks: tasks(3), locked: vault });
    s.standin.failNext("b2_update_bucket", 400, "bad_request", "retention refused");
    s.standin.failNext("b2_delete_bucket", 401, "unauthorized", "key lacks deleteBuckets");
    const err = await s.failedUp();
    const undo = `deleting the half-configured bucket "${s.bucketName("locked")}" also failed`;
    expect(err.message).toMatch(new RegExp(`b2_update_bucket: 400 bad_request: retention refused; ${undo}: b2_delete_bucket: 401 unauthorized`));
    const half = [...s.standin.buckets.values()].filter((b) => b.bucketName === s.bucketName("locked"));
    expect(half.map((b) => b.bucketInfo[OWNER_INFO_KEY])).toEqual([s.owner("locked")]);

    await s.up();
    const locked = [...s.standin.buckets.values()].filter((b) => b.bucketName === s.bucketName("locked"));
    expect(locked.map((b) => b.bucketId)).toEqual(half.map((b) => b.bucketId));
    const retention = locked[0].fileLockConfiguration.value?.defaultRetention;
    expect(retention).toEqual({ mode: "governance", period: { duration: 7, unit: "days" } });
    const names = [...s.standin.buckets.values()].map((b) => b.bucketName).sort();
    expect(names).toEqual([s.bucketName("locked"), s.bucketName("tasks")].sort());
    expect(s.keyNameCounts()).toEqual({ [s.keyName(2)]: 1, [s.keyName(3)]: 1 });
    await s.expectNoOrphans();
  });
});
