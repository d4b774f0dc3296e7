/**
 * The Pulumi CLI as a platform team types it, on a throwaway stack with the dev config and its own
 * CORS origin: up, verify, up --expect-no-changes, preview with the policy pack, a lowered
 * generation refused, Ctrl-C mid-update, the npm shortcut, bad input, destroy. No Automation API:
 * every guard exercised here must live in the program or the pack.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3ClientFor } from "../../components/minio/s3-client";
import { LOCAL, loadEnvFile, ROOT } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";
import { fileBackendDir } from "../../scripts/lib/stack-leftovers";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const started = Date.now();
const name = `cli${started.toString(36)}`;
const dir = path.join(LOCAL, "e2e-cli");
const configFile = path.join(dir, `Pulumi.${name}.yaml`);
const ownOrigin = `http://localhost:${30000 + (started % 10000)}`;
const backendDir = fileBackendDir()!;
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The dev config with this stack's own origin, edited by `mutate`; keeps the salt Pulumi wrote. */
function writeConfig(mutate: (c: Config) => void = () => undefined): void {
  const cfg = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")).config as Config;
  cfg["storage:buckets"].recordings.cors[0].origins = [ownOrigin];
  mutate(cfg);
  const salt = fs.existsSync(configFile) ? /^encryptionsalt: .*$/m.exec(fs.readFileSync(configFile, "utf8"))?.[0] : undefined;
  fs.writeFileSync(configFile, stringify({ config: cfg }) + (salt ? `${salt}\n` : ""));
}

function env(unset: string[] = []): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const v of unset) delete e[v];
  return e;
}

const stackArgs = () => ["--stack", name, "--config-file", configFile, "--non-interactive", "--color", "never"];

function pulumi(args: string[], unset: string[] = []): SpawnSyncReturns<string> & { out: string } {
  const r = spawnSync("pulumi", [...args, ...stackArgs()], { cwd: ROOT, env: env(unset), encoding: "utf8", timeout: 240_000 });
  return Object.assign(r, { out: `${r.stdout}${r.stderr}` });
}

/** Start an update in its own process group; resolves once the engine reports a create under way. */
async function startUntilCreating(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd: ROOT, env: env(), detached: true });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/creating/.test(out)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
  });
  return { child, exited, output: () => out };
}

/** `pulumi` without this stack's config flags (commands that take none, such as cancel). */
function pulumiRaw(args: string[]): SpawnSyncReturns<string> {
  return spawnSync("pulumi", [...args, "--non-interactive"], { cwd: ROOT, env: env(), encoding: "utf8", timeout: 60_000 });
}

function npm(args: string[]): SpawnSyncReturns<string> & { out: string } {
  const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: ROOT, env: env(), encoding: "utf8", timeout: 240_000 });
  return Object.assign(r, { out: `${r.stdout}${r.stderr}` });
}

/**
 * The stack's resources as stored, for "nothing changed" comparisons. Every checkpoint write
 * re-encrypts secrets with a fresh nonce, so ciphertexts are compared by position, not value.
 */
function storedResources(): unknown[] {
  return exportedDeployment().resources ?? [];
}

function pendingOperations(): unknown[] {
  return exportedDeployment().pending_operations ?? [];
}

/** The stack's checkpoint as `pulumi stack export` prints it, ciphertexts masked (see above). */
function exportedDeployment(): { resources?: unknown[]; pending_operations?: unknown[] } {
  const r = spawnSync("pulumi", ["stack", "export", "--stack", name], { cwd: ROOT, env: env(), encoding: "utf8" });
  const stored = r.stdout.replace(/"ciphertext": "v1:[^"]+"/g, '"ciphertext": "<encrypted>"');
  return (JSON.parse(stored) as { deployment: { resources?: unknown[]; pending_operations?: unknown[] } }).deployment;
}

const lockDir = () => path.join(backendDir, ".pulumi", "locks", "organization", "secure-storage", name);
const locks = () => (fs.existsSync(lockDir()) ? fs.readdirSync(lockDir()) : []);

async function bucketNames(): Promise<string[]> {
  const r = await s3ClientFor({ endpoint: "http://127.0.0.1:9000", region: "us-east-1" }, admin).send(new ListBucketsCommand({}));
  return (r.Buckets ?? []).map((b) => b.Name!).filter((b) => b.includes(name.toLowerCase()));
}

beforeAll(() => {
  fs.mkdirSync(dir, { recursive: true });
  const init = spawnSync("pulumi", ["stack", "init", name, "--non-interactive"], { cwd: ROOT, env: env(), encoding: "utf8" });
  expect(init.status, init.stderr).toBe(0);
  // `stack init` puts the new stack's salt in Pulumi.<name>.yaml at the root; this stack's config lives in .local.
  fs.rmSync(path.join(ROOT, `Pulumi.${name}.yaml`), { force: true });
  writeConfig();
});

afterAll(() => {
  spawnSync("pulumi", ["destroy", "--yes", ...stackArgs()], { cwd: ROOT, env: env(), encoding: "utf8" });
  spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--stack", name], { cwd: ROOT, env: env(), encoding: "utf8" });
  fs.rmSync(configFile, { force: true });
  console.log(`raw CLI end to end: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe("the raw Pulumi CLI runs the project with every safety check", () => {
  it("pulumi up creates the stack, with no plugin taken from $PATH", () => {
    const r = pulumi(["up", "--yes"]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/\+ 9 created/);
    expect(r.out).not.toMatch(/from \$PATH/);
    expect(r.out).not.toMatch(/^warning: using/m);
    // The shell's backend URL (scripts/env.sh) has metadata=skip: no `.attrs` sidecar per checkpoint save.
    const stacks = path.join(backendDir, ".pulumi", "stacks", "secure-storage");
    expect(fs.existsSync(path.join(stacks, `${name}.json`))).toBe(true);
    expect(fs.readdirSync(stacks).filter((f) => f.startsWith(`${name}.json`) && f.endsWith(".attrs"))).toEqual([]);
  });

  it("npm run verify proves the deployed contract", () => {
    const r = npm(["verify", "--", "--stack", name]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/verify: \d+ passed, 0 failed, \d+ skipped \(\d+ probes, \d+ must-be-denied\)/);
  });

  it("a second pulumi up --expect-no-changes changes nothing", () => {
    const r = pulumi(["up", "--yes", "--expect-no-changes"]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/9 unchanged/);
  });

  it("pulumi preview --policy-pack with the dev levels passes; lowering a locked policy is refused", () => {
    const ok = pulumi(["preview", "--policy-pack", "policies", "--policy-pack-config", "policies/config.dev.json"]);
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toContain("secure-storage@v0.1.0 (local: policies)");
    expect(ok.out).toContain("[advisory]  storage-no-force-destroy");
    const lowered = path.join(dir, "lowered.json");
    fs.writeFileSync(lowered, JSON.stringify({ "minio-policy-not-public": "advisory" }));
    const bad = pulumi(["preview", "--policy-pack", "policies", "--policy-pack-config", lowered]);
    expect(bad.status).not.toBe(0);
    expect(bad.out).toContain("refused: public-access and encryption policies are mandatory in every stack; this config lowers minio-policy-not-public=advisory");
  });

  it("a lowered generation fails preview and up with the config path, and nothing changes", () => {
    writeConfig((c) => (c["storage:buckets"].recordings.keys.playback.generation = 2));
    const bump = pulumi(["up", "--yes"]);
    expect(bump.status, bump.out).toBe(0);
    const before = storedResources();
    writeConfig((c) => (c["storage:buckets"].recordings.keys.playback.generation = 1));
    const message = "storage:buckets.recordings.keys.playback.generation: 1 is lower than the deployed generation 2; generations only go up";
    for (const cmd of [["preview"], ["up", "--yes"]]) {
      const r = pulumi(cmd);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(message);
      expect(r.out).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/); // no stack trace
    }
    expect(storedResources()).toEqual(before);
    writeConfig((c) => (c["storage:buckets"].recordings.keys.playback.generation = 2));
  });

  it("an update without the MinIO admin environment ends in one line naming the variables", () => {
    const before = storedResources();
    // The refresh every update starts with (Pulumi.yaml) is the first to need them; the program's own
    // check (test/unit/entry.test.ts) says the same for `--refresh=false`.
    for (const args of [["up", "--yes"], ["up", "--yes", "--refresh=false"]]) {
      const r = pulumi(args, ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"]);
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/MINIO_ROOT_USER and MINIO_ROOT_PASSWORD/);
      expect(r.out).toContain("set -a; . .local/minio.env; set +a");
    }
    expect(storedResources()).toEqual(before);
  });

  it.each([
    ["pulumi up", "pulumi", ["up", "--yes", ...stackArgs()]],
    ["npm run deploy", "npm", ["run", "deploy", "--", ...stackArgs()]],
  ])("Ctrl-C mid-%s cancels the Pulumi way: no lock, no pending operation, no process left; the next up converges", async (_what, cmd, args) => {
    const extras = _what === "pulumi up" ? ["scratch-a", "scratch-b"] : ["scratch-c", "scratch-d"];
    writeConfig((c) => {
      c["storage:buckets"].recordings.keys.playback.generation = 2;
      for (const extra of extras) {
        c["storage:buckets"][extra] = { provider: "minio", versioning: true, forceDestroy: true, keys: { app: { access: ["read", "write"], prefixes: ["x/"], generation: 1 } } };
      }
    });
    // A terminal's Ctrl-C reaches the whole foreground process group: the CLI and everything it started.
    const { child, exited, output } = await startUntilCreating(cmd, args);
    process.kill(-child.pid!, "SIGINT");
    expect(await exited, output()).not.toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(() => process.kill(-child.pid!, 0)).toThrow(); // the process group is gone: no provider left with admin env
    expect(locks()).toEqual([]);
    expect(pendingOperations()).toEqual([]);
    const again = pulumi(["up", "--yes"]);
    expect(again.status, again.out).toBe(0);
    expect(pulumi(["up", "--yes", "--expect-no-changes"]).status).toBe(0);
    expect((await bucketNames()).length).toBe(4);
  });

  it("kill -9 of the CLI mid-update leaves no process with admin credentials behind; cancel + refresh + up converge", async () => {
    writeConfig((c) => {
      c["storage:buckets"].recordings.keys.playback.generation = 2;
      c["storage:buckets"]["scratch-e"] = { provider: "minio", versioning: true, forceDestroy: true, keys: { app: { access: ["read"], generation: 1 } } };
    });
    const { child, exited } = await startUntilCreating("pulumi", ["up", "--yes", ...stackArgs()]);
    process.kill(child.pid!, "SIGKILL"); // the CLI only, as an OOM kill or a lost CI runner would
    await exited;
    // Its language host, program and providers notice the parent is gone and exit.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (() => { try { process.kill(-child.pid!, 0); return true; } catch { return false; } })()) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(() => process.kill(-child.pid!, 0), "a process of the killed CLI's group is still running").toThrow();
    expect(pulumiRaw(["cancel", "--yes", "--stack", name]).status).toBe(0);
    const refresh = pulumi(["refresh", "--yes", "--clear-pending-creates"]);
    expect(refresh.status, refresh.out).toBe(0);
    const again = pulumi(["up", "--yes"]);
    expect(again.status, again.out).toBe(0);
    expect(pulumi(["up", "--yes", "--expect-no-changes"]).status).toBe(0);
  });

  it("a stack deployed through the npm shortcut previews with 0 changes through the raw CLI", () => {
    writeConfig((c) => (c["storage:buckets"].recordings.keys.playback.generation = 2));
    const deploy = npm(["deploy", "--", "--stack", name, "--config-file", configFile]);
    expect(deploy.status, deploy.out).toBe(0);
    const preview = pulumi(["preview", "--expect-no-changes"]);
    expect(preview.status, preview.out).toBe(0);
  });

  it("the npm shortcut names a missing stack file in one line", () => {
    const r = npm(["deploy", "--", "--stack", "nosuch"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^pulumi: no stack file Pulumi\.nosuch\.yaml \(stacks: .*dev.*\)$/);
  });

  it("a first npm run deploy that fails leaves no stack record and no salt line behind", () => {
    const bad = `${name}bad`;
    const file = path.join(ROOT, `Pulumi.${bad}.yaml`);
    const text = "config:\n  storage:buckets:\n    Bad_Name: {provider: minio}\n";
    fs.writeFileSync(file, text);
    try {
      const r = npm(["deploy", "--", "--stack", bad]);
      expect(r.status).not.toBe(0);
      expect(r.out).toContain("storage:buckets.Bad_Name: name must be 2-32 chars");
      expect(r.stderr).toContain(`the first up of stack ${bad} failed; removed its empty stack record`);
      const ls = spawnSync("pulumi", ["stack", "ls", "--json"], { cwd: ROOT, env: env(), encoding: "utf8" });
      expect(ls.stdout).not.toContain(bad);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
    } finally {
      fs.rmSync(file, { force: true });
      spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--stack", bad], { cwd: ROOT, env: env() });
    }
  });

  it("pulumi destroy removes every bucket", async () => {
    const r = pulumi(["destroy", "--yes"]);
    expect(r.status, r.out).toBe(0);
    expect(await bucketNames()).toEqual([]);
  });
});
