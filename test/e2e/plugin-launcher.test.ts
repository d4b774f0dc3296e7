/**
 * The secure-storage provider plugin as the engine starts it (provider/bin): it serves, it exits
 * with the process that started it (even one killed while node was still starting), and a failed
 * operation reaches the user as one line, without stack frames.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { MinioUserResource } from "../../components/minio/resources";
import { openStack, ROOT } from "../../scripts/lib/workspace";
import { localMinio } from "../helpers/local-minio";

const LAUNCHER = path.join(ROOT, "provider", "bin", "pulumi-resource-secure-storage");

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bash that starts the launcher and waits; it is SIGKILLed `afterMs` later. The launcher's pid. */
async function orphanAfter(afterMs: number): Promise<number> {
  const pidFile = path.join(ROOT, ".local", `plugin-launcher-${process.pid}-${afterMs}.pid`);
  const parent = spawn("bash", ["-c", `"${LAUNCHER}" >/dev/null 2>&1 & echo $! > "${pidFile}"; sleep 60`], { stdio: "ignore" });
  while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, "utf8").trim()) await sleep(5);
  const pid = Number(fs.readFileSync(pidFile, "utf8"));
  fs.rmSync(pidFile);
  await sleep(afterMs);
  parent.kill("SIGKILL");
  return pid;
}

describe("the secure-storage plugin launcher", () => {
  it("serves: prints the port the engine is to connect to", async () => {
    const child = spawn(LAUNCHER, [], { stdio: ["ignore", "pipe", "inherit"] });
    const firstLine = await new Promise<string>((resolve) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()).includes("\n") && resolve(out.split("\n")[0]));
      child.on("exit", () => resolve(out));
    });
    child.kill("SIGKILL");
    expect(firstLine.trim()).toMatch(/^\d+$/);
  });

  it.each([[1500], [0]])("exits when the process that started it is killed (%i ms after the start)", async (afterMs) => {
    const pid = await orphanAfter(afterMs);
    const deadline = Date.now() + 5_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    const left = alive(pid);
    if (left) process.kill(pid, "SIGKILL");
    expect(left, `provider ${pid} outlived its parent`).toBe(false);
  });
});

describe("a failed operation", () => {
  const { settings } = localMinio();
  const name = `plerr${Date.now().toString(36)}`;
  let stack: Awaited<ReturnType<typeof openStack>> | undefined;
  afterAll(async () => {
    await stack?.destroy({ color: "never" }).catch(() => undefined);
    await stack?.workspace.removeStack(name).catch(() => undefined);
  });

  it("is one line naming the cause, with no stack frames", async () => {
    stack = await openStack({
      stack: name,
      config: {},
      program: async () => {
        const conn = { endpoint: settings.endpoint, region: settings.region };
        new MinioUserResource("orphan", { conn, policyName: `${name}-no-such-policy`, generation: 1, label: "t" });
        return pulumi.output({});
      },
    });
    let out = "";
    const err = await stack.up({ color: "never", onOutput: (s) => (out += s) }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err, "up should fail").toBeDefined();
    const all = `${out}\n${err!.message}`;
    expect(all).toMatch(/secure-storage:minio:User \(orphan\):\s+error: .*policy/i);
    expect(all).not.toMatch(/^\s+at /m);
    console.log(all.split("\n").filter((l) => /error/i.test(l)).join("\n"));
  });
});
