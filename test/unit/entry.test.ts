/**
 * Pulumi.yaml's `main` is a real Pulumi program: loaded the way the Node.js language host loads it
 * (node with Pulumi.yaml's nodeargs, require, call the export), it registers every resource and
 * exports `storage`; and the guards that keep an update safe run there, before any registration.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const runtime = (parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime: { options: { nodeargs: string } } }).runtime;

interface Loaded {
  exportType?: string;
  outputs?: string[];
  error?: string;
  exitCode?: number;
  registered: Array<{ type: string; name: string }>;
}

function load(env: Record<string, string> = {}, unset: string[] = []): Loaded {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const v of unset) delete childEnv[v];
  const args = [...runtime.options.nodeargs.split(" "), path.join(ROOT, "test/helpers/load-entry.ts")];
  const out = execFileSync(process.execPath, args, { cwd: ROOT, env: childEnv, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!) as Loaded;
}

const deployedKey = (generation: number, previous?: number) => ({
  access: ["read"],
  prefixes: ["recordings/"],
  current: { id: "u", secret: "s", generation },
  ...(previous ? { previous: { id: "p", secret: "s", generation: previous } } : {}),
});
const deployedWith = (gen: number, previous?: number) =>
  JSON.stringify({ buckets: { recordings: { keys: { playback: deployedKey(gen, previous) } } } });

describe("the entry the Pulumi CLI loads (Pulumi.yaml main)", () => {
  it("exports a function that registers the dev stack's buckets and exports storage", () => {
    const r = load();
    expect(r.error).toBeUndefined();
    expect(r.exportType).toBe("function");
    expect(r.outputs).toEqual(["storage"]);
    const types = r.registered.map((x) => x.type);
    expect(types.filter((t) => t === "secure-storage:minio:PrivateBucket").length).toBe(2);
    expect(types.filter((t) => t === "secure-storage:minio:Bucket").length).toBe(2);
    expect(types).toContain("secure-storage:minio:Key");
    expect(types.filter((t) => t.endsWith("minio:Policy") || t.endsWith("minio:User"))).toEqual([]);
    expect(r.registered.length).toBeGreaterThan(8);
  });

  it("refuses a lowered generation against what the stack deployed, naming the path, registering nothing", () => {
    const r = load({ ENTRY_DEPLOYED: deployedWith(3) });
    expect(r.error).toBe(
      "invalid storage config:\n  storage:buckets.recordings.keys.playback.generation: 1 is lower than the deployed generation 3; generations only go up",
    );
    expect(r.exitCode).toBe(32); // "already reported": the host prints the message only, no stack trace
    expect(r.registered.map((x) => x.type)).toEqual(["pulumi:pulumi:StackReference"]);
  });

  it("refuses a skipped generation and a bump that retires the live credential", () => {
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const tmp = fs.mkdtempSync(path.join(ROOT, ".local", "entry-"));
    try {
      const file = path.join(tmp, "Pulumi.gen.yaml");
      fs.writeFileSync(file, dev.replace("playback: {access: [read, list], prefixes: [\"recordings/\"], generation: 1}",
        "playback: {access: [read, list], prefixes: [\"recordings/\"], generation: 3, retirePrevious: true}"));
      const skipped = load({ ENTRY_STACK_FILE: file, ENTRY_DEPLOYED: deployedWith(1) });
      expect(skipped.error).toMatch(/storage:buckets\.recordings\.keys\.playback\.generation: 3 skips ahead of the deployed generation 1/);
      const retired = load({ ENTRY_STACK_FILE: file, ENTRY_DEPLOYED: deployedWith(2) });
      expect(retired.error).toMatch(/storage:buckets\.recordings\.keys\.playback\.retirePrevious: true in the update that creates g3/);
      expect(retired.registered.map((x) => x.type)).toEqual(["pulumi:pulumi:StackReference"]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("an update without the MinIO admin environment fails in one line naming the variables; a preview runs", () => {
    const up = load({ ENTRY_DRY_RUN: "false" }, ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"]);
    expect(up.error).toBe(
      "invalid storage config:\n  storage:minio: admin credentials missing: set MINIO_ROOT_USER and MINIO_ROOT_PASSWORD (local MinIO: set -a; . .local/minio.env; set +a)",
    );
    expect(up.registered).toEqual([]);
    const preview = load({}, ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"]);
    expect(preview.error).toBeUndefined();
  });
});
