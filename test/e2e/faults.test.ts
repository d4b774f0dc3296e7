/**
 * Crash faults mid-`up`, on a MinIO this file owns (own port and data dir): the server killed with
 * SIGKILL after the first bucket, mid-keys and at the server CORS step; the Pulumi CLI sent SIGINT
 * (Ctrl-C) and SIGKILL. After each, the user's recovery path (restart MinIO; `pulumi cancel` if a
 * dead CLI left its lock; `pulumi refresh --clear-pending-creates` if the state holds pending
 * creates; `up`) must converge: the update succeeds, the inventory finds no orphan, verify passes
 * and a refreshed preview changes nothing. Each case runs on its own stack (one MinIO), so one
 * failure does not hide the next; at the end every stack is destroyed and the server is empty.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { verifyContract } from "../../checks/verify";
import { program } from "../../stacks/program";
import { exportDeployment, inventory, projectName, type InventoryReport } from "../../scripts/lib/inventory";
import { listMinio } from "../../scripts/lib/minio-listing";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { changes } from "../helpers/changes";
import { loadProjectEnv } from "../helpers/env";
import { freePort, MinioServer } from "../helpers/minio-server";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const started = Date.now();
const run = `flt${started.toString(36)}`;
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
/** Every Pulumi command of a case is bounded: past this it is cancelled (SIGINT) and the case fails. */
const COMMAND_MS = 30_000;
/** A case: the interrupted update, the recovery and the checks (about 15 s when all is well). */
const CASE_MS = 90_000;
let server: MinioServer;
/** What a fresh server holds (its built-in canned policies): all that may be left at the end. */
let pristinePolicies: string[] = [];

const BUCKETS = ["alpha", "bravo", "charlie", "delta"];
const ENGINE_TYPE = (t: string) => `pulumi-nodejs:dynamic/minio:${t}`;

function config(endpoint: string): Record<string, unknown> {
  const bucket = (logical: string, i: number) => ({
    provider: "minio",
    versioning: true,
    forceDestroy: true,
    lifecycle: [{ prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }],
    ...(i === 0
      ? { cors: [{ origins: ["http://localhost:3000"], methods: ["GET", "PUT"], headers: ["*"], maxAgeSeconds: 600 }] }
      : {}),
    keys: {
      reader: { access: ["read", "list"], prefixes: [`${logical}/`], generation: 1 },
      writer: { access: ["write"], prefixes: [`${logical}/`], generation: 1 },
    },
  });
  return {
    "storage:minio": { endpoint, region: "us-east-1", kmsKeyId: MinioServer.kmsKeyName() },
    "storage:buckets": Object.fromEntries(BUCKETS.map((b, i) => [b, bucket(b, i)])),
  };
}

interface Outcome {
  name: string;
  /** How the interrupted update ended (its first error line). */
  interrupted: string;
  /** It left the stack locked (a CLI killed outright). */
  locked: boolean;
  /** Operations it left pending in the state (cleared with `refresh --clear-pending-creates`). */
  pending: number;
  /** The update after the fault succeeded. */
  converged: boolean;
  orphans: number;
  /** The first line saying what failed, for the report to the provider's maintainers. */
  error?: string;
  /** Seconds per step, to see where a slow case spends its time. */
  phases: string[];
  ms: number;
}

let lapStart = Date.now();
/** "<step> <seconds since the previous lap>" */
function lap(step: string): string {
  const now = Date.now();
  const s = `${step} ${((now - lapStart) / 1000).toFixed(1)}`;
  lapStart = now;
  return s;
}
const outcomes: Outcome[] = [];
const stacks = new Map<string, auto.Stack>();
const destroyed = new Set<string>();

/** A Pulumi command bounded by COMMAND_MS; a timeout cancels it the way Ctrl-C would. */
async function bounded<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(COMMAND_MS);
  try {
    return await op(signal);
  } catch (e) {
    if (signal.aborted) throw new Error(`${what}: no result within ${COMMAND_MS / 1000} s`);
    throw e;
  }
}

/** The first line of a failed command that says what went wrong (for the summary and the report). */
function why(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(code|stdout|stderr|err\?):/.test(l));
  return lines.find((l) => /^error: |failed:|refusing|already exists|killed/.test(l)) ?? lines[0] ?? "";
}

/** The Pulumi CLI processes this test process started (Automation API runs them as children). */
function pulumiChildren(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8").trimEnd();
        const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(stat) ?? [];
        return comm === "pulumi" && Number(rest?.split(" ")[1]) === process.pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const backendDir = process.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, "").replace(/\?.*$/, "");

/** Lock files of a stack on the file backend: a CLI killed mid-update leaves its lock behind. */
function locks(stack: string): string[] {
  const dir = path.join(backendDir, ".pulumi", "locks", "organization", projectName(), stack);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

function pendingCreates(stack: string): number {
  return (exportDeployment(stack).pending_operations ?? []).length;
}

/** `pulumi refresh --clear-pending-creates` as a user types it after an interrupted update: no prompt. */
function clearPendingCreates(stack: auto.Stack): void {
  const r = spawnSync(
    "pulumi",
    ["refresh", "--clear-pending-creates", "--yes", "--non-interactive", "--color", "never", "--stack", stack.name],
    { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8", timeout: COMMAND_MS },
  );
  expect(r.status, `pulumi refresh --clear-pending-creates:\n${r.stdout}${r.stderr}`).toBe(0);
}

/**
 * Run `up` and inject `fault` once the engine output matches `trigger`. The fault must fire and
 * the update must fail: an update that finished first proves nothing. The fault runs outside the
 * output callback: an exception thrown there would surface in the inline program, not here.
 */
async function interruptedUp(stack: auto.Stack, trigger: RegExp, fault: () => Promise<void> | void): Promise<string> {
  let out = "";
  let fired: Promise<unknown> | undefined;
  const error = await bounded("interrupted up", (signal) =>
    stack.up({
      color: "never",
      signal,
      onOutput: (s) => {
        out += s;
        if (!fired && trigger.test(out)) fired = Promise.resolve().then(fault).catch((e: unknown) => e);
      },
    }),
  ).then(
    () => undefined,
    (e: unknown) => why(e),
  );
  expect(fired, `the fault never fired (${trigger}):\n${out}`).toBeDefined();
  const faultError = await fired;
  if (faultError) throw faultError;
  expect(error, `the update finished before the fault:\n${out}`).toBeDefined();
  return error!;
}

/**
 * Users with no policy: an interrupted create leaves them between add-user and attach, and no
 * name says which stack made them, so a case counts only those that appeared during the case.
 */
async function unattachedUsers(): Promise<Set<string>> {
  const live = await listMinio({ endpoint: server.endpoint, region: "us-east-1" }, admin);
  return new Set(live.users.filter((u) => u.policies.length === 0).map((u) => u.accessKey));
}

/** Restart MinIO if the fault killed it, clear pending creates if any, `up`, then check convergence. */
async function recoverAndCheck(outcome: Outcome, stack: auto.Stack, earlier: Set<string>): Promise<void> {
  const { name } = outcome;
  try {
    if (!server.pid) await server.start();
    // A CLI that died mid-update left its lock; `pulumi cancel` is how a user removes it.
    if (outcome.locked) {
      await stack.cancel();
      expect(locks(stack.name)).toEqual([]);
    }
    if (outcome.pending > 0) clearPendingCreates(stack);
    outcome.phases.push(lap("recover"));
    let out = "";
    const up = await bounded("up after the fault", (signal) =>
      stack.up({ color: "never", signal, onOutput: (s) => (out += s) }),
    ).catch((e: unknown) => {
      outcome.error = why(e);
      return undefined;
    });
    // Orphans are counted whether or not the update converged: they are what a user cleans up by hand.
    const report: InventoryReport = await inventory({ stack: stack.name, creds: admin, endpoint: server.endpoint });
    report.orphans = report.orphans.filter((o) => !(o.kind === "user" && earlier.has(o.name)));
    outcome.orphans = report.orphans.length;
    if (report.orphans.length) {
      console.log(`${name}: orphans ${report.orphans.map((o) => `${o.kind} ${o.name}`).join(", ")}`);
    }
    outcome.phases.push(lap("up"));
    expect(up?.summary.result, `${name}: up after the fault failed: ${outcome.error}\n${out}`).toBe("succeeded");
    outcome.converged = true;
    expect({ missing: report.missing, orphans: report.orphans, pending: report.pending }).toEqual({
      missing: [],
      orphans: [],
      pending: [],
    });
    const n = BUCKETS.length;
    expect(report.counts.state).toEqual({ bucket: n, policy: 2 * n, user: 2 * n });

    const contract = up!.outputs.storage.value as StorageContract;
    const failed = (await verifyContract(contract, admin)).filter((r) => !r.ok);
    outcome.phases.push(lap("inventory+verify"));
    expect(failed).toEqual([]);

    let preview = "";
    const r = await bounded("refreshed preview", (signal) =>
      stack.preview({ refresh: true, diff: true, color: "never", signal, onOutput: (s) => (preview += s) }),
    );
    outcome.phases.push(lap("preview"));
    expect(changes(r.changeSummary), `preview --refresh after recovery:\n${preview}`).toEqual([]);
  } catch (e) {
    outcome.error ??= why(e);
    throw e;
  }
}

interface FaultCase {
  name: string;
  /** Stack name suffix. */
  suffix: string;
  /** Engine output that starts the fault. */
  trigger: RegExp;
  fault: () => Promise<void> | void;
}

async function faultCase({ name, trigger, fault }: FaultCase): Promise<void> {
  const t0 = Date.now();
  lapStart = t0;
  const stack = stacks.get(name)!;
  const outcome: Outcome = {
    name,
    interrupted: "",
    locked: false,
    pending: 0,
    converged: false,
    orphans: 0,
    phases: [],
    ms: 0,
  };
  outcomes.push(outcome);
  try {
    const earlier = await unattachedUsers();
    outcome.interrupted = await interruptedUp(stack, trigger, fault);
    outcome.locked = locks(stack.name).length > 0;
    outcome.pending = pendingCreates(stack.name);
    outcome.phases.push(lap("fault"));
    await recoverAndCheck(outcome, stack, earlier);
  } finally {
    outcome.ms = Date.now() - t0;
  }
}

const created = (type: string) => new RegExp(`${ENGINE_TYPE(type)} \\S+ created`);
const creating = (type: string) => new RegExp(`${ENGINE_TYPE(type)} \\S+ creating`);

/** Signal the one Pulumi CLI this test process runs (SIGINT is a terminal's Ctrl-C). */
function signalCli(sig: NodeJS.Signals): void {
  const pids = pulumiChildren();
  expect(pids.length, "no single pulumi CLI process found under this test").toBe(1);
  process.kill(pids[0], sig);
}

const killMinio = () => server.kill();
const CASES: FaultCase[] = [
  { name: "SIGKILL MinIO after the first bucket is created", suffix: "bucket", trigger: created("Bucket"), fault: killMinio },
  { name: "SIGKILL MinIO mid-keys (first user created)", suffix: "keys", trigger: created("User"), fault: killMinio },
  { name: "SIGKILL MinIO at the server CORS step", suffix: "cors", trigger: creating("ServerCors"), fault: killMinio },
  { name: "SIGINT to the pulumi CLI mid-up", suffix: "sigint", trigger: created("Policy"), fault: () => signalCli("SIGINT") },
  { name: "SIGKILL the pulumi CLI mid-up", suffix: "clikill", trigger: created("Policy"), fault: () => signalCli("SIGKILL") },
];

beforeAll(async () => {
  server = new MinioServer(await freePort(9100, 800), `faults-${run}`);
  await server.start();
  pristinePolicies = (await listMinio({ endpoint: server.endpoint, region: "us-east-1" }, admin)).policies;
  // One stack per case, opened up front (a Pulumi workspace per stack costs a CLI call or two).
  for (const c of CASES) {
    const stack = `${run}-${c.suffix}`;
    stacks.set(c.name, await openStack({ stack, config: config(server.endpoint), program: async () => program() }));
  }
});

afterAll(async () => {
  if (server && !server.pid) await server.start().catch(() => undefined);
  for (const stack of stacks.values()) {
    if (!destroyed.has(stack.name)) await stack.destroy({ color: "never" }).catch(() => undefined);
    await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  }
  await server?.stop();
  server?.removeData();
  const converged = outcomes.filter((o) => o.converged).length;
  const orphans = outcomes.reduce((n, o) => n + o.orphans, 0);
  for (const o of outcomes) {
    const state = o.converged ? (o.error ? "converged, check failed" : "converged") : "did not converge";
    const cleared = `${o.locked ? ", lock cancelled" : ""}${o.pending ? `, ${o.pending} pending creates cleared` : ""}`;
    const took = `${(o.ms / 1000).toFixed(1)} s: ${o.phases.join(", ")}`;
    console.log(`  ${o.name}: ${state}, ${o.orphans} orphans${cleared} (${took})`);
    console.log(`    interrupted: ${o.interrupted}${o.error ? `\n    after: ${o.error}` : ""}`);
  }
  console.log(
    `faults: ${outcomes.length} cases tried, ${converged} converged, ${orphans} orphans found ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s, MinIO on port ${server?.port})`,
  );
});

describe("crash faults mid-up converge on the next up", () => {
  for (const c of CASES) it(c.name, () => faultCase(c), CASE_MS);

  it("destroy leaves nothing of any case's stack on the server", async () => {
    if (!server.pid) await server.start();
    // Independent stacks: destroyed side by side.
    const results = await Promise.allSettled(
      [...stacks.values()].map(async (stack) => {
        const r = await bounded(`destroy ${stack.name}`, (signal) => stack.destroy({ color: "never", signal }));
        destroyed.add(stack.name);
        return r.summary.result;
      }),
    );
    const ended = results.map((r) => (r.status === "fulfilled" ? r.value : why(r.reason)));
    expect(ended).toEqual([...stacks.keys()].map(() => "succeeded"));
    for (const stack of stacks.values()) {
      const report = await inventory({ stack: stack.name, creds: admin, endpoint: server.endpoint });
      const { state, server: held } = report.counts;
      expect({ stack: stack.name, state, server: held, orphans: report.orphans }).toEqual({
        stack: stack.name,
        state: { bucket: 0, policy: 0, user: 0 },
        server: { bucket: 0, policy: 0, user: 0 },
        orphans: [],
      });
    }
    // Orphans no inventory can attribute (users with no policy) are leaks all the same.
    const left = await listMinio({ endpoint: server.endpoint, region: "us-east-1" }, admin);
    expect({ ...left, policies: left.policies.filter((p) => !pristinePolicies.includes(p)) }).toEqual({
      buckets: [],
      policies: [],
      users: [],
    });
  }, 2 * COMMAND_MS);
});
