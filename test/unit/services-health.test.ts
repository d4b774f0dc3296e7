/**
 * scripts/services.sh on its own port, pid and data directories: a MinIO that is alive but does
 * not answer (SIGSTOP) is "unhealthy", and start replaces it; a zombie or a pid reused by another
 * program is not "running", and stop never signals a process the script did not start.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL, ROOT } from "../../scripts/lib/workspace";
import { freePort } from "../helpers/minio-server";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
const base = path.join(LOCAL, `services-test-${process.pid}`);
const runDir = path.join(base, "run");
const pidFile = path.join(runDir, "minio.pid");
let port = 0;
const strays: ChildProcess[] = [];

function services(...args: string[]): { code: number | null; out: string } {
  const env = {
    ...process.env,
    MINIO_PORT: String(port),
    SERVICES_RUN_DIR: runDir,
    SERVICES_DATA_DIR: path.join(base, "data"),
    SERVICES_HEALTH_SECONDS: "2",
  };
  const r = spawnSync("bash", ["scripts/services.sh", ...args, "minio"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

const pid = () => Number(fs.readFileSync(pidFile, "utf8").trim());
const alive = (p: number) => {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  port = await freePort(9100, 800);
});

afterAll(() => {
  if (fs.existsSync(pidFile)) {
    const p = pid();
    if (alive(p)) process.kill(p, "SIGCONT");
    services("stop");
  }
  for (const s of strays) s.kill("SIGKILL");
  fs.rmSync(base, { recursive: true, force: true });
});

describe("services.sh health checks", () => {
  it("a stopped (SIGSTOP) MinIO is unhealthy, and start replaces it with a fresh one", () => {
    const first = services("start");
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(new RegExp(`minio: healthy on 127\\.0\\.0\\.1:${port}`));
    expect(services("status").out).toMatch(/^minio: running \(pid \d+, port \d+\)$/);
    const hung = pid();
    process.kill(hung, "SIGSTOP");
    const status = services("status");
    expect(status.out).toMatch(new RegExp(`^minio: unhealthy \\(pid ${hung} alive, no answer from .* within 2 s\\)$`));
    expect(status.out).not.toMatch(/running/); // npm test greps for "running" to decide what to start
    const again = services("start");
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain(`minio: pid ${hung} is alive but did not answer`);
    expect(again.out).toMatch(/healthy on/);
    expect(pid()).not.toBe(hung);
    expect(alive(hung)).toBe(false);
    expect(services("start").out).toMatch(/^minio: already running/);
    expect(services("stop").out).toBe("minio: stopped");
  });

  it("a zombie named minio is not running: status says stopped and start starts a fresh one", async () => {
    // A child that exits under a parent that never waits stays a zombie until the parent goes.
    const fake = path.join(base, "bin", "minio");
    fs.mkdirSync(path.dirname(fake), { recursive: true });
    // It exits only after bash has become `sleep` (which never reaps): bash itself would reap it.
    fs.writeFileSync(fake, "#!/bin/sh\nsleep 1\n", { mode: 0o755 });
    const parent = spawn("bash", ["-c", `"${fake}" & echo $!; exec sleep 60`], { stdio: ["ignore", "pipe", "ignore"] });
    strays.push(parent);
    const firstLine = new Promise<string>((r) => parent.stdout!.once("data", (d: Buffer) => r(d.toString())));
    const zombie = Number(await firstLine);
    await expect.poll(() => fs.readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]?.[0], { timeout: 15_000 }).toBe("Z");
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(pidFile, `${zombie}\n`);
    expect(services("status").out).toBe("minio: stopped");
    const start = services("start");
    expect(start.code, start.out).toBe(0);
    expect(pid()).not.toBe(zombie);
    expect(services("stop").out).toBe("minio: stopped");
  });

  it("a pid file whose pid now belongs to another program is never signalled", () => {
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    strays.push(other);
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(pidFile, `${other.pid}\n`);
    expect(services("status").out).toBe("minio: stopped");
    expect(services("stop").out).toBe("minio: not running");
    expect(alive(other.pid!)).toBe(true);
  });
});
