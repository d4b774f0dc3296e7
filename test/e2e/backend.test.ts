/**
 * Team state on the local MinIO (docs/team-state.md): `npm run backend -- bootstrap` builds the
 * state bucket with the project's own program (twice: the second changes nothing), then a copy of
 * the dev config runs on the s3:// backend with only the bucket's `ci` key: verify, two concurrent
 * ups (one refused by the lock), kill -9 mid-up and the documented recovery, a passphrase change,
 * a garbage checkpoint put back by `npm run backend -- restore`. Everything it creates is removed,
 * the state bucket (not force-destroyable) by emptying it with root credentials first; the test's
 * copy of Pulumi.backend.yaml sets `retain: false`, since a retained state bucket refuses destroy.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContract } from "../../checks/verify";
import type { StorageContract } from "../../components/contract";
import { adminCredentialsFromEnv, MinioAdminClient } from "../../components/minio/admin-client";
import { NO_BROWSER_ORIGIN, parseCorsOrigins } from "../../components/minio/identity-impl";
import { physicalBucketName } from "../../components/naming";
import { LOCAL, loadEnvFile, ROOT } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const started = Date.now();
const id = started.toString(36);
const bk = `bk${id}`; // the backend stack (local file backend)
const app = `s3${id}`; // the dev copy on the s3:// backend
const fileApp = `fb${id}`; // the same dev copy on the file backend, for the timing only
const dir = path.join(LOCAL, "e2e-backend", id);
const bkFile = path.join(dir, `Pulumi.${bk}.yaml`);
const appFile = path.join(dir, `Pulumi.${app}.yaml`);
const fileAppFile = path.join(dir, `Pulumi.${fileApp}.yaml`);
const envFile = path.join(LOCAL, `backend-${bk}.env`);
const stateBucket = physicalBucketName("secure-storage", bk, "state");
const checkpoint = `.pulumi/stacks/secure-storage/${app}.json`;
const lockPrefix = `.pulumi/locks/organization/secure-storage/${app}/`;
const endpoint = "http://127.0.0.1:9000";
const appOrigin = `http://localhost:${40000 + (started % 10000)}`;
const fileAppOrigin = `http://localhost:${50000 + (started % 10000)}`;
const s3As = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
const root = s3As(adminCredentialsFromEnv());

/** The bootstrap's env file: PULUMI_BACKEND_URL and the ci key. */
const backendEnv: Record<string, string> = {};
let passphrase: { file: string } | { value: string } = { file: process.env.PULUMI_CONFIG_PASSPHRASE_FILE! };
let fileAppDestroy: Promise<Result> | undefined;

interface Result {
  status: number | null;
  out: string;
  stdout: string;
}

function withPassphrase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  delete env.PULUMI_CONFIG_PASSPHRASE;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if ("file" in passphrase) env.PULUMI_CONFIG_PASSPHRASE_FILE = passphrase.file;
  else env.PULUMI_CONFIG_PASSPHRASE = passphrase.value;
  return env;
}

/** What CI has: the s3:// URL and the ci key, the passphrase, the MinIO admin env for the program. */
function s3Env(): NodeJS.ProcessEnv {
  if (!backendEnv.PULUMI_BACKEND_URL?.startsWith("s3://")) throw new Error("no s3:// backend: the bootstrap failed");
  return withPassphrase({ ...process.env, ...backendEnv });
}
const fileEnv = (): NodeJS.ProcessEnv => ({ ...process.env });

function sync(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Result {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL", input });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

const flags = (stack: string, file?: string) =>
  ["--stack", stack, ...(file ? ["--config-file", file] : []), "--non-interactive", "--color", "never"];
/** A pulumi command on the s3 stack by default; `file: null` for commands that take no --config-file. */
const pulumi = (args: string[], env = s3Env(), file: string | null = appFile, stack = app) =>
  sync("pulumi", [...args, ...flags(stack, file ?? undefined)], env);
const npm = (args: string[], env: NodeJS.ProcessEnv) => sync("npm", ["run", "--silent", ...args], env);

function background(cmd: string, args: string[], env: NodeJS.ProcessEnv): { pid: number; done: Promise<Result> } {
  // Its own process group, so kill -9 reaches the CLI and everything it started, as a dead runner would.
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true });
  let out = "";
  let stdout = "";
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 120_000);
  child.stdout.on("data", (d: Buffer) => ((stdout += d), (out += d)));
  child.stderr.on("data", (d: Buffer) => (out += d));
  const done = new Promise<Result>((resolve) =>
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, out, stdout });
    }),
  );
  return { pid: child.pid!, done };
}

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function devConfig(origin: string, extra: Config = {}): Config {
  const cfg = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")).config as Config;
  cfg["storage:buckets"].recordings.cors[0].origins = [origin];
  Object.assign(cfg["storage:buckets"], extra);
  return cfg;
}

/** Rewrite a stack file's config, keeping what Pulumi added (salt, secret config). */
function writeConfig(file: string, config: Config): void {
  const old = fs.existsSync(file) ? (parse(fs.readFileSync(file, "utf8")) as Config) : {};
  fs.writeFileSync(file, stringify({ ...old, config: { ...(old.config ?? {}), ...config } }));
}

async function locks(): Promise<number> {
  return (await root.send(new ListObjectsV2Command({ Bucket: stateBucket, Prefix: lockPrefix }))).KeyCount ?? 0;
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pending operations as the checkpoint object holds them right now (root credentials, no CLI in between). */
async function storedPending(): Promise<number> {
  const r = await root.send(new GetObjectCommand({ Bucket: stateBucket, Key: checkpoint }));
  type Stored = { checkpoint?: { latest?: { pending_operations?: unknown[] } } };
  const doc = JSON.parse(await r.Body!.transformToString()) as Stored;
  return doc.checkpoint?.latest?.pending_operations?.length ?? 0;
}

function pendingOperations(): unknown[] {
  const r = pulumi(["stack", "export"], s3Env(), null);
  type Exported = { deployment: { pending_operations?: unknown[] } };
  return (JSON.parse(r.stdout) as Exported).deployment.pending_operations ?? [];
}

function contract(): StorageContract {
  const r = pulumi(["stack", "output", "storage", "--json", "--show-secrets"], s3Env(), null);
  expect(r.status, r.out).toBe(0);
  return JSON.parse(r.stdout) as StorageContract;
}

/** verifyContract on what the stack outputs through the s3 backend (`npm run verify`, minus npm). */
async function verify(): Promise<void> {
  const rows = await verifyContract(contract(), adminCredentialsFromEnv());
  expect(rows.filter((r) => !r.ok).map((r) => `${r.bucket}/${r.key} ${r.probe}: ${r.seen}`)).toEqual([]);
  expect(rows.length).toBeGreaterThan(20);
}

/** "allowed", or the S3 error code (AccessDenied, NoSuchBucketPolicy, ...). */
const errorCode = (p: Promise<unknown>) =>
  p.then(
    () => "allowed",
    (e: { name?: string; Code?: string }) => e.Code ?? e.name ?? "error",
  );

async function emptyBucket(bucket: string): Promise<void> {
  for (;;) {
    const v = await root.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
    const all = [...(v?.Versions ?? []), ...(v?.DeleteMarkers ?? [])];
    const objects = all.map((o) => ({ Key: o.Key!, VersionId: o.VersionId! }));
    if (!objects.length) return;
    await root.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
}

/** Last resort when a stack's state was lost mid-test: this run's buckets, users and policies, by name. */
async function sweep(): Promise<string[]> {
  const removed: string[] = [];
  const mine = (n: string) => n.includes(id);
  for (const bucket of ((await root.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).filter(mine)) {
    await emptyBucket(bucket);
    await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    removed.push(bucket);
  }
  const admin = new MinioAdminClient({ endpoint, region: "us-east-1" }, adminCredentialsFromEnv());
  for (const [user, info] of await admin.listUsers()) {
    const policies = info.policyName.split(",").filter(mine);
    if (!policies.length) continue;
    await admin.deleteUser(user);
    for (const p of policies) await admin.deletePolicy(p);
    removed.push(`the user of ${policies.join(",")}`);
  }
  // The server-wide CORS list: only this run's two origins, everything else stays as it is.
  const origins = parseCorsOrigins(await admin.getConfig("api"));
  const kept = origins.filter((o) => o !== appOrigin && o !== fileAppOrigin);
  if (kept.length !== origins.length) {
    await admin.setConfig(`api cors_allow_origin="${kept.length ? kept.join(",") : NO_BROWSER_ORIGIN}"`);
    removed.push(`CORS origins ${origins.filter((o) => !kept.includes(o)).join(", ")}`);
  }
  return removed;
}

beforeAll(() => {
  fs.mkdirSync(dir, { recursive: true });
  // `--cwd dir` commands (stack init, change-secrets-provider: no --config-file there) find the project here.
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const backendStack = parse(fs.readFileSync(path.join(ROOT, "Pulumi.backend.yaml"), "utf8")) as { config: Config };
  // Retained in real use (Pulumi.backend.yaml says so); this throwaway copy must destroy cleanly.
  expect(backendStack.config["storage:buckets"].state.retain).toBe(true);
  backendStack.config["storage:buckets"].state.retain = false;
  fs.writeFileSync(bkFile, stringify({ config: backendStack.config }));
  writeConfig(appFile, devConfig(appOrigin));
  writeConfig(fileAppFile, devConfig(fileAppOrigin));
});

afterAll(async () => {
  const onS3 = Boolean(backendEnv.PULUMI_BACKEND_URL);
  const done: Result = { status: 0, out: "", stdout: "" };
  const destroy = ["destroy", "--yes", "--skip-preview", "--refresh=false"];
  // A failed test may leave a lock or a broken checkpoint behind: clear both before destroying.
  if (onS3) pulumi(["cancel", "--yes"], s3Env(), null);
  const appDestroy = onS3 ? background("pulumi", [...destroy, ...flags(app, appFile)], s3Env()).done : undefined;
  fileAppDestroy ??= background("pulumi", [...destroy, ...flags(fileApp, fileAppFile)], fileEnv()).done;
  let [a, f] = await Promise.all([appDestroy ?? done, fileAppDestroy]);
  if (a.status !== 0 && /failed to load checkpoint/.test(a.out)) {
    npm(["backend", "--", "restore", app], { ...fileEnv(), PULUMI_BACKEND_URL: backendEnv.PULUMI_BACKEND_URL });
    a = pulumi(destroy);
  }
  const failed = (r: Result) => r.status !== 0 && !/no stack named/.test(r.out);
  if (failed(a)) console.log(`cleanup: destroy ${app}: ${a.out.slice(-400)}`);
  if (failed(f)) console.log(`cleanup: destroy ${fileApp}: ${f.out.slice(-400)}`);
  if (onS3) pulumi(["stack", "rm", "--yes", "--force"], s3Env(), null);
  pulumi(["stack", "rm", "--yes", "--force"], fileEnv(), null, fileApp);
  // The state bucket keeps every version and is not force-destroyable: the operator empties it.
  await emptyBucket(stateBucket);
  const b = pulumi(destroy, fileEnv(), bkFile, bk);
  if (failed(b)) console.log(`cleanup: destroy ${bk}: ${b.out.slice(-400)}`);
  pulumi(["stack", "rm", "--yes", "--force"], fileEnv(), null, bk);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(envFile, { force: true });
  const left = await sweep();
  if (left.length) console.log(`cleanup: swept what the stacks left behind: ${left.join(", ")}`);
  console.log(`backend end to end: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 180_000);

describe("team state on S3-compatible storage", () => {
  it("npm run backend explains itself and refuses bad input in one line", () => {
    const help = npm(["backend", "--", "--help"], fileEnv());
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/bootstrap \[--stack backend\]/);
    const bad = npm(["backend", "--", "restore"], fileEnv());
    expect(bad.status).toBe(2);
    expect(bad.out.trim()).toBe("backend: restore needs exactly one stack name (npm run backend -- --help)");
  });

  it("bootstrap builds the state bucket with the project's program, on the local backend whatever the shell", async () => {
    // A shell already logged in to a team bucket with the team's passphrase must not matter.
    const shell = { ...fileEnv(), PULUMI_BACKEND_URL: "s3://elsewhere?region=us-east-1", PULUMI_CONFIG_PASSPHRASE: "no" };
    const r = npm(["backend", "--", "bootstrap", "--stack", bk, "--config-file", bkFile], shell);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/\+ 5 created/);
    const query = `endpoint=${endpoint}&use_path_style=true&region=us-east-1&response_checksum_validation=when_required`;
    const url = `s3://${stateBucket}?${query}`;
    expect(r.out).toContain(`pulumi login '${url}'`);
    const names = "PULUMI_BACKEND_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, PULUMI_CONFIG_PASSPHRASE";
    expect(r.out).toContain(`CI needs:     ${names} (the "ci" key: read/write/list/delete under .pulumi/ only)`);
    expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
    for (const line of fs.readFileSync(envFile, "utf8").trim().split("\n")) {
      const [, k, v] = /^([A-Z_]+)='(.*)'$/.exec(line)!;
      backendEnv[k] = v;
    }
    expect(Object.keys(backendEnv).sort()).toEqual(names.split(", ").slice(0, 3).sort());
    expect(backendEnv.PULUMI_BACKEND_URL).toBe(url);
    expect(r.out).not.toContain(backendEnv.AWS_SECRET_ACCESS_KEY);

    expect((await root.send(new GetBucketVersioningCommand({ Bucket: stateBucket }))).Status).toBe("Enabled");
    const sse = await root.send(new GetBucketEncryptionCommand({ Bucket: stateBucket }));
    const rule = sse.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBeDefined();
    const lifecycle = await root.send(new GetBucketLifecycleConfigurationCommand({ Bucket: stateBucket }));
    expect(lifecycle.Rules?.map((x) => x.NoncurrentVersionExpiration?.NoncurrentDays)).toEqual([90]);
    expect(await errorCode(root.send(new GetBucketPolicyCommand({ Bucket: stateBucket })))).toBe("NoSuchBucketPolicy");
  }, 90_000);

  it("a second bootstrap changes nothing", () => {
    const r = npm(["backend", "--", "bootstrap", "--stack", bk, "--config-file", bkFile], fileEnv());
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/^\s+5 unchanged$/m);
    expect(r.out).not.toMatch(/^\s+[+~-] \d+ (created|updated|deleted|replaced)/m);
    expect(fs.readFileSync(envFile, "utf8")).toContain(backendEnv.AWS_SECRET_ACCESS_KEY);
  }, 60_000);

  it("the dev config deploys on the s3 backend with the ci key and verifies (timed against file)", async () => {
    for (const [stack, env] of [
      [fileApp, fileEnv()],
      [app, s3Env()],
    ] as const) {
      const init = sync("pulumi", ["stack", "init", stack, "--non-interactive", "--cwd", dir], env);
      expect(init.status, init.out).toBe(0);
    }
    const set = pulumi(["config", "set", "--secret", "e2e:probe", `probe-${id}`]);
    expect(set.status, set.out).toBe(0);

    const seconds: Record<string, number> = {};
    for (const [what, stack, file, env] of [
      ["file", fileApp, fileAppFile, fileEnv()],
      ["s3", app, appFile, s3Env()],
    ] as const) {
      const t = Date.now();
      const up = pulumi(["up", "--yes", "--skip-preview"], env, file, stack);
      seconds[what] = (Date.now() - t) / 1000;
      expect(up.status, up.out).toBe(0);
      expect(up.out).toMatch(/\+ 9 created/);
    }
    const load = `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`;
    console.log(
      `dev up from empty: file backend ${seconds.file.toFixed(1)} s, ` +
        `s3 backend (local MinIO) ${seconds.s3.toFixed(1)} s, ` +
        `s3/file ${(seconds.s3 / seconds.file).toFixed(2)}x (${load})`,
    );
    // The file-backend copy only served the timing.
    const destroy = ["destroy", "--yes", "--skip-preview", "--refresh=false", ...flags(fileApp, fileAppFile)];
    fileAppDestroy = background("pulumi", destroy, fileEnv()).done;
    await verify();
  }, 150_000);

  it("the ci key reaches only .pulumi/ of the state bucket and can never delete or read an old version", async () => {
    const ci = s3As({ accessKeyId: backendEnv.AWS_ACCESS_KEY_ID, secretAccessKey: backendEnv.AWS_SECRET_ACCESS_KEY });
    const versionsNow = async () =>
      (await root.send(new ListObjectVersionsCommand({ Bucket: stateBucket, Prefix: checkpoint }))).Versions ?? [];
    const old = (await versionsNow()).find((v) => v.Key === checkpoint && !v.IsLatest)!;
    expect(old).toBeDefined();
    const Bucket = stateBucket;
    const oldVersion = { Bucket, Key: checkpoint, VersionId: old.VersionId };
    expect(await errorCode(ci.send(new ListObjectsV2Command({ Bucket, Prefix: ".pulumi/stacks/" })))).toBe("allowed");
    expect(await errorCode(ci.send(new DeleteObjectCommand(oldVersion)))).toBe("AccessDenied");
    expect(await errorCode(ci.send(new GetObjectCommand(oldVersion)))).toBe("AccessDenied");
    expect(await errorCode(ci.send(new PutObjectCommand({ Bucket, Key: "other/x", Body: "x" })))).toBe("AccessDenied");
    expect(await errorCode(ci.send(new ListObjectsV2Command({ Bucket, Prefix: "" })))).toBe("AccessDenied");
    const other = { Bucket: physicalBucketName("secure-storage", app, "clinic") };
    expect(await errorCode(ci.send(new PutObjectCommand({ ...other, Key: "workspaces/x", Body: "" })))).toBe("AccessDenied");
    expect(await errorCode(ci.send(new ListObjectsV2Command({ ...other, Prefix: "workspaces/" })))).toBe("AccessDenied");
    expect((await versionsNow()).some((v) => v.VersionId === old.VersionId)).toBe(true);
  });

  it("two concurrent ups: the second is refused by the lock; the first, --expect-no-changes, passes", async () => {
    const noChanges = ["up", "--yes", "--skip-preview", "--expect-no-changes", ...flags(app, appFile)];
    const first = background("pulumi", noChanges, s3Env());
    await until("the first up's lock", async () => (await locks()) > 0);
    const second = pulumi(["up", "--yes", "--skip-preview"]);
    expect(second.status).not.toBe(0);
    expect(second.out).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    expect(second.out).toContain(`s3://${stateBucket}/${lockPrefix}`);
    const a = await first.done;
    expect(a.status, a.out).toBe(0);
    expect(await locks()).toBe(0);
    await verify();
  }, 120_000);

  it("kill -9 mid-up leaves a lock and a pending create; cancel, refresh --clear-pending-creates, up", async () => {
    // Several keys: one key is a single short create (a policy, a user); the kill must land while
    // one is in flight, so the checkpoint holds a pending create.
    const key = { access: ["read"], prefixes: ["x/"], generation: 1 };
    const keys = { app: key, reader: key, audit: key, ingest: key, export: key, archive: key };
    const scratch = { provider: "minio", versioning: true, forceDestroy: true, keys };
    writeConfig(appFile, devConfig(appOrigin, { scratch }));
    const run = background("pulumi", ["up", "--yes", "--skip-preview", ...flags(app, appFile)], s3Env());
    // Killed while the checkpoint records a create in flight, as when a CI runner dies.
    await until("a create in flight", async () => (await storedPending()) > 0, 90_000);
    process.kill(-run.pid, "SIGKILL");
    await run.done;
    expect(await locks()).toBe(1);
    expect(pendingOperations().length).toBeGreaterThan(0);

    const blocked = pulumi(["up", "--yes", "--skip-preview"]);
    expect(blocked.status).not.toBe(0);
    expect(blocked.out).toMatch(/the stack is currently locked by 1 lock\(s\)/);
    const cancel = pulumi(["cancel", "--yes"], s3Env(), null);
    expect(cancel.status, cancel.out).toBe(0);
    expect(await locks()).toBe(0);
    const refresh = pulumi(["refresh", "--yes", "--clear-pending-creates"]);
    expect(refresh.status, refresh.out).toBe(0);
    expect(pendingOperations()).toEqual([]);
    const up = pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.status, up.out).toBe(0);
    const buckets = ((await root.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
    expect(buckets.filter((n) => n.includes(app.toLowerCase()))).toHaveLength(3);
  }, 120_000);

  it("pulumi stack change-secrets-provider passphrase takes the new passphrase on stdin; secrets still decrypt", () => {
    const before = contract();
    const next = `next-${id}-${Math.random().toString(36).slice(2)}`;
    const args = ["stack", "change-secrets-provider", "passphrase", "--stack", app, "--non-interactive", "--cwd", dir];
    const change = sync("pulumi", args, s3Env(), `${next}\n`);
    expect(change.status, change.out).toBe(0);
    const old = passphrase;
    passphrase = { value: next };
    const probe = pulumi(["config", "get", "e2e:probe"]);
    expect(probe.status, probe.out).toBe(0);
    expect(probe.stdout.trim()).toBe(`probe-${id}`);
    expect(contract()).toEqual(before);
    passphrase = old;
    const refused = pulumi(["stack", "output", "storage", "--show-secrets"], s3Env(), null);
    expect(refused.status).not.toBe(0);
    expect(refused.out).toMatch(/incorrect passphrase/);
    passphrase = { value: next };
  });

  it("a garbage checkpoint stops pulumi; npm run backend -- restore puts the previous version back", async () => {
    await root.send(new PutObjectCommand({ Bucket: stateBucket, Key: checkpoint, Body: "not a checkpoint {" }));
    const broken = pulumi(["preview"]);
    expect(broken.status).not.toBe(0);
    expect(broken.out).toMatch(/failed to load checkpoint/);
    const operator = { ...fileEnv(), PULUMI_BACKEND_URL: backendEnv.PULUMI_BACKEND_URL };
    const restore = npm(["backend", "--", "restore", app], operator);
    expect(restore.status, restore.out).toBe(0);
    expect(restore.out).toContain(`restored ${checkpoint} in bucket ${stateBucket}`);
    expect(restore.out).toMatch(/copied: +\S+ \(written \d{4}-\d\d-\d\dT/);
    expect(restore.out).toMatch(/over: +\S+ \(written .*, 18 bytes\)/);
    console.log(restore.out.trim());
    const preview = pulumi(["preview", "--expect-no-changes"]);
    expect(preview.status, preview.out).toBe(0);
  }, 90_000);
});
