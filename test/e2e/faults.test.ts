/**
 * Crash faults mid-`up`: MinIO killed with SIGKILL after the first bucket, mid-keys and at the
 * server CORS step (then restarted on the same port and data); the Pulumi CLI sent SIGINT (Ctrl-C)
 * and SIGKILL. After each, the backend must stay readable, and the user's recovery path (restart
 * MinIO; for a dead CLI: `pulumi cancel` of its lock and `pulumi refresh --clear-pending-creates`
 * of the creates it never recorded; `up`) must converge:
 * the update succeeds, the inventory finds no orphan, verify passes and a refreshed preview
 * changes nothing; then destroy leaves the server as it started.
 *
 * Each case has its own MinIO (own port and data dir under .local/) and its own stack, so cases
 * run side by side and an orphan of one case is never blamed on another.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { verifyContract } from "../../checks/verify";
import { program } from "../../stacks/program";
import { exportDeployment, inventory, projectName, type InventoryReport } from "../../scripts/lib/inventory";
import { listMinio, type LiveInventory } from "../../scripts/lib/minio-listing";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { changes } from "../helpers/changes";
import { loadProjectEnv } from "../helpers/env";
import { freePort, MinioServer } from "../helpers/minio-server";
import { fileBackendDir } from "../../scripts/lib/stack-leftovers";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const started = Date.now();
const run = `flt${started.toString(36)}`;
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
/** Every Pulumi command is bounded: past this it is cancelled (SIGINT) and the case fails. */
const COMMAND_MS = 60_000;
/** A whole case: fault, recovery, checks and destroy (20-40 s when all is well). */
const CASE_MS = 150_000;

const BUCKETS = ["alpha", "bravo", "charlie", "delta"];
// The engine's progress lines name each resource by its type token (the component's is
// secure-storage:minio:PrivateBucket, so "minio:Bucket" lines are the bucket's alone).
const ENGINE_TYPE = (t: string) => `secure-storage:minio:${t}`;

function config(endpoint: string): Record<string, unknown> {
  const cors = [{ origins: ["http://localhost:3000"], methods: ["GET", "PUT"], headers: ["*"], maxAgeSeconds: 600 }];
  const bucket = (logical: string, i: number) => ({
    provider: "minio",
    versioning: true,
    forceDestroy: true,
    lifecycle: [{ prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }],
    ...(i === 0 ? { cors } : {}),
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

/** One case's world: its MinIO, its stack, and what the MinIO held before the stack touched it. */
interface CaseEnv {
  server: MinioServer;
  stack: auto.Stack;
  pristine: LiveInventory;
}

interface Outcome {
  name: string;
  /** How the interrupted update ended (its first error line). */
  interrupted: string;
  /** It left the stack locked (a CLI killed outright). */
  locked: boolean;
  /** Provider processes of the interrupted CLI still running after it ended (stopped by the test). */
  survivors: number;
  /** Operations it left pending in the state (cleared with `refresh --clear-pending-creates`). */
  pending: number;
  /** The update after the fault succeeded. */
  converged: boolean;
  orphans: string[];
  /** The first line saying what failed, for the report to the provider's maintainers. */
  error?: string;
  /** Seconds per step, to see where a slow case spends its time. */
  phases: string[];
  ms: number;
}

const envs = new Map<string, CaseEnv>();
const outcomes: Outcome[] = [];
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
  // Automation API errors read "code: -2\n stdout: ...\n stderr: Command failed ...\n err?: ...".
  const lines = text
    .split("\n")
    .map((l) => l.trim().replace(/^(stdout|stderr|err\?): (Error: )?/, ""))
    .filter((l) => l && !/^code: /.test(l));
  return lines.find((l) => /^error: |failed:|refusing|already exists|killed/.test(l)) ?? lines[0] ?? "";
}

/** Live processes as pid -> [command name, parent pid]. */
function processes(): Map<number, [string, number]> {
  const table = new Map<number, [string, number]>();
  for (const d of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(fs.readFileSync(`/proc/${d}/stat`, "utf8").trimEnd()) ?? [];
      if (comm !== undefined) table.set(Number(d), [comm, Number(rest.split(" ")[1])]);
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** The Pulumi CLI this test process runs for `stack` (the Automation API runs it as a child). */
function pulumiCliOf(stack: string): number[] {
  return [...processes()]
    .filter(([pid, [comm, ppid]]) => {
      if (comm !== "pulumi" || ppid !== process.pid) return false;
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return args[args.indexOf("--stack") + 1] === stack;
    })
    .map(([pid]) => pid);
}

function descendants(root: number): number[] {
  const table = processes();
  const found: number[] = [];
  for (let frontier = [root]; frontier.length; ) {
    const parents = frontier;
    frontier = [...table].filter(([, [, ppid]]) => parents.includes(ppid)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

/**
 * Signal the Pulumi CLI running `stack` (SIGINT is a terminal's Ctrl-C). Returns the processes it
 * had started (provider plugins), which a CLI killed outright cannot stop.
 */
function signalCli(stack: string, sig: NodeJS.Signals): number[] {
  const pids = pulumiCliOf(stack);
  expect(pids.length, `no single pulumi CLI process found for stack ${stack}`).toBe(1);
  const children = descendants(pids[0]);
  process.kill(pids[0], sig);
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const backendDir = fileBackendDir()!;

/** Lock files of a stack on the file backend: a CLI killed mid-update leaves its lock behind. */
function locks(stack: string): string[] {
  const dir = path.join(backendDir, ".pulumi", "locks", "organization", projectName(), stack);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Run the Pulumi CLI in the stack's workspace, as a user would; resolves to its output, rejects naming it. */
function cli(stack: auto.Stack, args: string[]): Promise<string> {
  const opts = { cwd: stack.workspace.workDir, env: process.env, timeout: COMMAND_MS };
  return new Promise((resolve, reject) =>
    execFile("pulumi", [...args, "--stack", stack.name], opts, (e, stdout, stderr) => {
      if (e) reject(new Error(`pulumi ${args.join(" ")}: ${e.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    }),
  );
}

/**
 * What a CLI that died mid-update leaves in the state, undone the user's way: `pulumi cancel` for
 * its lock and (without a prompt)
 * `pulumi refresh --clear-pending-creates` for creates it started but never recorded.
 */
async function repairState(outcome: Outcome, stack: auto.Stack): Promise<void> {
  outcome.locked = locks(stack.name).length > 0;
  if (outcome.locked) {
    await stack.cancel();
    expect(locks(stack.name)).toEqual([]);
  }
  outcome.pending = ((await exportDeployment(stack.name)).pending_operations ?? []).length;
  if (outcome.pending > 0) {
    await cli(stack, ["refresh", "--clear-pending-creates", "--yes", "--non-interactive", "--color", "never"]);
  }
}

/**
 * Run `up` and inject `fault` once the engine output matches `trigger`. The fault must fire and
 * the update must fail: an update that finished first proves nothing. The fault runs outside the
 * output callback: an exception thrown there would surface in the inline program, not here.
 */
async function interruptedUp(
  stack: auto.Stack,
  trigger: RegExp,
  fault: () => unknown,
): Promise<{ error: string; left: number[] }> {
  let out = "";
  let fired: Promise<{ e?: unknown; left?: number[] }> | undefined;
  const error = await bounded("interrupted up", (signal) =>
    stack.up({
      color: "never",
      signal,
      onOutput: (s) => {
        out += s;
        if (fired || !trigger.test(out)) return;
        fired = Promise.resolve()
          .then(fault)
          .then(
            (left) => ({ left: Array.isArray(left) ? (left as number[]) : [] }),
            (e: unknown) => ({ e }),
          );
      },
    }),
  ).then(
    () => undefined,
    (e: unknown) => why(e),
  );
  expect(fired, `the fault never fired (${trigger}):\n${out}`).toBeDefined();
  const result = (await fired)!;
  if (result.e) throw result.e;
  expect(error, `the update finished before the fault:\n${out}`).toBeDefined();
  return { error: error!, left: result.left ?? [] };
}

/** Restart MinIO if the fault killed it, cancel and clear what a dead CLI left, `up`, then check. */
async function recoverAndCheck(outcome: Outcome, env: CaseEnv, lap: (step: string) => void): Promise<void> {
  const { server, stack } = env;
  if (!server.pid) await server.start();
  // The backend stays readable whatever the CLI was writing when it died: fileblob renames a whole
  // checkpoint into place, and with metadata=skip writes no `.attrs` sidecar, which it did not (a
  // truncated one once made every command fail with "failed to load checkpoint: EOF").
  await stack.workspace.listStacks();
  await repairState(outcome, stack);
  lap("recover");
  let out = "";
  const up = await bounded("up after the fault", (signal) =>
    stack.up({ color: "never", signal, onOutput: (s) => (out += s) }),
  ).catch((e: unknown) => {
    outcome.error = why(e);
    return undefined;
  });
  lap("up");
  // Orphans are counted whether or not the update converged: they are what a user cleans up by hand.
  const report: InventoryReport = await inventory({ stack: stack.name, creds: admin, endpoint: server.endpoint });
  outcome.orphans = report.orphans.map((o) => `${o.kind} ${o.name} (${o.detail})`);
  expect(up?.summary.result, `${outcome.name}: up after the fault failed: ${outcome.error}\n${out}`).toBe("succeeded");
  outcome.converged = true;
  expect({ missing: report.missing, orphans: report.orphans, pending: report.pending }).toEqual({
    missing: [],
    orphans: [],
    pending: [],
  });
  const n = BUCKETS.length;
  expect(report.counts.state).toEqual({ bucket: n, policy: 2 * n, user: 2 * n });

  const failed = (await verifyContract(up!.outputs.storage.value as StorageContract, admin)).filter((r) => !r.ok);
  lap("inventory+verify");
  expect(failed).toEqual([]);

  let preview = "";
  const r = await bounded("refreshed preview", (signal) =>
    stack.preview({ refresh: true, diff: true, color: "never", signal, onOutput: (s) => (preview += s) }),
  );
  lap("preview");
  expect(changes(r.changeSummary), `preview --refresh after recovery:\n${preview}`).toEqual([]);
}

/** Destroy, then nothing of the stack is left: not in its inventory, not anywhere on its server. */
async function destroyAndCheck({ server, stack, pristine }: CaseEnv): Promise<void> {
  const r = await bounded(`destroy ${stack.name}`, (signal) => stack.destroy({ color: "never", signal }));
  expect(r.summary.result).toBe("succeeded");
  destroyed.add(stack.name);
  const report = await inventory({ stack: stack.name, creds: admin, endpoint: server.endpoint });
  expect({ state: report.counts.state, server: report.counts.server, orphans: report.orphans }).toEqual({
    state: { bucket: 0, policy: 0, user: 0 },
    server: { bucket: 0, policy: 0, user: 0 },
    orphans: [],
  });
  // Users with no policy cannot be attributed to a stack by name; on this server they are ours.
  expect(await listMinio({ endpoint: server.endpoint, region: "us-east-1" }, admin)).toEqual(pristine);
}

interface FaultCase {
  name: string;
  /** Stack name suffix. */
  suffix: string;
  /** Engine output that starts the fault. */
  trigger: RegExp;
  /** Returns the processes the fault may orphan (a killed CLI's plugins). */
  fault: (env: CaseEnv) => Promise<unknown> | unknown;
}

async function faultCase({ name, trigger, fault }: FaultCase): Promise<void> {
  const env = envs.get(name)!;
  const outcome: Outcome = {
    name,
    interrupted: "",
    locked: false,
    survivors: 0,
    pending: 0,
    converged: false,
    orphans: [],
    phases: [],
    ms: 0,
  };
  outcomes.push(outcome);
  const t0 = Date.now();
  let last = t0;
  const lap = (step: string) => {
    outcome.phases.push(`${step} ${((Date.now() - last) / 1000).toFixed(1)}`);
    last = Date.now();
  };
  try {
    const { error, left } = await interruptedUp(env.stack, trigger, () => fault(env));
    outcome.interrupted = error;
    // A CLI killed outright cannot stop its plugins; they would live on with the admin credentials.
    const survivors = left.filter(alive);
    outcome.survivors = survivors.length;
    for (const pid of survivors) process.kill(pid, "SIGKILL");
    lap("fault");
    await recoverAndCheck(outcome, env, lap);
    await destroyAndCheck(env);
    lap("destroy");
  } catch (e) {
    outcome.error ??= why(e);
    throw e;
  } finally {
    outcome.ms = Date.now() - t0;
  }
}

const created = (type: string) => new RegExp(`${ENGINE_TYPE(type)} \\S+ created`);
const creating = (type: string) => new RegExp(`${ENGINE_TYPE(type)} \\S+ creating`);
const killMinio = (env: CaseEnv) => env.server.kill();
const bucketCreated = created("Bucket");
const signal = (sig: NodeJS.Signals) => (env: CaseEnv) => signalCli(env.stack.name, sig);

const CASES: FaultCase[] = [
  { name: "SIGKILL MinIO after the first bucket is created", suffix: "bucket", trigger: bucketCreated, fault: killMinio },
  // Keys are the last creates: after the first "created" the other seven may all be done before
  // the kill lands, so the fault starts at the first "creating", amid add-policy, add-user and attach.
  { name: "SIGKILL MinIO mid-keys (first key creating)", suffix: "keys", trigger: creating("Key"), fault: killMinio },
  { name: "SIGKILL MinIO at the server CORS step", suffix: "cors", trigger: creating("ServerCors"), fault: killMinio },
  { name: "SIGINT to the pulumi CLI mid-up", suffix: "sigint", trigger: created("Key"), fault: signal("SIGINT") },
  { name: "SIGKILL the pulumi CLI mid-up", suffix: "clikill", trigger: created("Key"), fault: signal("SIGKILL") },
];

beforeAll(async () => {
  const ports: number[] = [];
  while (ports.length < CASES.length) {
    const p = await freePort(9100, 800);
    if (!ports.includes(p)) ports.push(p);
  }
  const servers = CASES.map((c, i) => new MinioServer(ports[i], `faults-${run}-${c.suffix}`));
  await Promise.all(servers.map((s) => s.start()));
  // One after another: every stack of the run shares the Automation API's workspace directory.
  for (const [i, c] of CASES.entries()) {
    const server = servers[i];
    const pristine = await listMinio({ endpoint: server.endpoint, region: "us-east-1" }, admin);
    const name = `${run}-${c.suffix}`;
    const stack = await openStack({ stack: name, config: config(server.endpoint), program: async () => program() });
    envs.set(c.name, { server, stack, pristine });
  }
});

afterAll(async () => {
  await Promise.all(
    [...envs.values()].map(async ({ server, stack }) => {
      const clean = destroyed.has(stack.name);
      if (!clean) {
        if (!server.pid) await server.start().catch(() => undefined);
        await stack.destroy({ color: "never" }).catch(() => undefined);
      }
      await server.stop();
      server.removeData(!clean);
    }),
  );
  for (const { stack } of envs.values()) {
    await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  }
  for (const o of outcomes) {
    const state = o.converged ? (o.error ? "converged, a check failed" : "converged") : "did not converge";
    const cleared = [
      o.locked ? ", lock cancelled" : "",
      o.survivors ? `, ${o.survivors} provider processes outlived the CLI` : "",
      o.pending ? `, ${o.pending} pending creates cleared` : "",
    ].join("");
    const took = `${(o.ms / 1000).toFixed(1)} s: ${o.phases.join(", ")}`;
    console.log(`  ${o.name}: ${state}, ${o.orphans.length} orphans${cleared} (${took})`);
    console.log(`    interrupted: ${o.interrupted}`);
    if (o.error) console.log(`    failed: ${o.error}`);
    for (const orphan of o.orphans) console.log(`    orphan: ${orphan}`);
  }
  const converged = outcomes.filter((o) => o.converged).length;
  const orphans = outcomes.reduce((n, o) => n + o.orphans.length, 0);
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`faults: ${outcomes.length} cases tried, ${converged} converged, ${orphans} orphans found (${took} s)`);
});

// Cases share nothing (own MinIO, own stack), so they run side by side.
describe.concurrent("crash faults mid-up converge on the next up, and destroy leaves nothing", () => {
  for (const c of CASES) it(c.name, () => faultCase(c), CASE_MS);
});
