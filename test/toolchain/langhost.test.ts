/** The Pulumi Node.js language host setup installs next to the CLI (scripts/install-langhost.sh). */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
const ROOT = path.resolve(__dirname, "..", "..");
const INSTALL = path.join(ROOT, "scripts/install-langhost.sh");
const sdk = `v${JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages["node_modules/@pulumi/pulumi"].version}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "langhost-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const which = (cmd: string) => execFileSync("bash", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim();
const script = (file: string, body: string) => fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });

describe("the Node.js language host", () => {
  it("sits next to pulumi with the launchers, and reports the CLI's and the SDK's version", () => {
    const cli = which("pulumi");
    const dir = path.dirname(fs.realpathSync(cli));
    for (const f of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs", "pulumi-analyzer-policy"]) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o100).toBeTruthy();
    }
    const host = execFileSync(path.join(dir, "pulumi-language-nodejs"), ["-version"], { encoding: "utf8" }).trim();
    expect(host).toBe(execFileSync(cli, ["version"], { encoding: "utf8" }).trim());
    expect(host).toBe(sdk);
  });

  it("a failed build prints one line naming the log and leaves the tool dir as it was", () => {
    const bin = path.join(tmp, "failed", "bin");
    fs.mkdirSync(bin, { recursive: true });
    const src = path.join(tmp, "broken-src");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "build.sh"), "echo compiling; echo 'main.go:1: syntax error' >&2; exit 1\n");
    const log = path.join(tmp, "build.log");
    const r = spawnSync("bash", [INSTALL, bin, sdk], { env: { ...process.env, LANGHOST_SRC: src, LANGHOST_LOG: log, PATH: `${path.dirname(process.execPath)}:/usr/local/go/bin:/usr/bin:/bin` }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`setup: building pulumi-language-nodejs failed; see ${log}`);
    expect(fs.readFileSync(log, "utf8")).toContain("syntax error");
    expect(fs.readdirSync(bin)).toEqual([]);
    expect(fs.readdirSync(path.dirname(bin)).filter((f) => f.startsWith(".build"))).toEqual([]);
  });

  it("with no Go toolchain it says so in one line", () => {
    const bin = path.join(tmp, "nogo", "bin");
    const r = spawnSync("/bin/bash", [INSTALL, bin, sdk], { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^setup: go is not installed: the Go toolchain is needed to build pulumi-language-nodejs/);
    expect(fs.existsSync(bin)).toBe(false);
  });

  it("an official pulumi of the same version with its own host is used instead of a build", () => {
    const official = path.join(tmp, "official");
    fs.mkdirSync(official);
    script(path.join(official, "pulumi"), `echo ${sdk}`);
    script(path.join(official, "pulumi-language-nodejs"), `echo ${sdk}`);
    script(path.join(official, "pulumi-analyzer-policy"), "exit 0");
    const bin = path.join(tmp, "linked", "bin");
    const env = { ...process.env, PATH: `${official}:${process.env.PATH}`, LANGHOST_SRC: path.join(tmp, "nowhere") };
    const r = spawnSync("bash", [INSTALL, "--official-only", bin, sdk], { env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`using the official install at ${official}`);
    expect(fs.realpathSync(path.join(bin, "pulumi"))).toBe(path.join(official, "pulumi"));
    expect(fs.realpathSync(path.join(bin, "pulumi-language-nodejs"))).toBe(path.join(official, "pulumi-language-nodejs"));
    // Another version is not taken: --official-only then says "build it".
    expect(spawnSync("bash", [INSTALL, "--official-only", path.join(tmp, "other", "bin"), "v3.1.0"], { env }).status).toBe(1);
  });
});

const inGit = spawnSync("git", ["rev-parse", "--git-dir"], { cwd: ROOT }).status === 0;

describe("committed stack files under the raw CLI", () => {
  // A tarball has no git status to keep clean: reported as skipped there, never passed silently.
  it.skipIf(!inGit)("the local stacks carry this clone's salt in the working file, and git status does not show it", () => {
    for (const stack of ["dev", "bank"]) {
      const file = `Pulumi.${stack}.yaml`;
      expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toMatch(/^encryptionsalt: v1:/m);
      const committed = execFileSync("git", ["show", `HEAD:${file}`], { cwd: ROOT, encoding: "utf8" });
      expect(committed).not.toMatch(/encryptionsalt/);
      expect(execFileSync("git", ["status", "--porcelain", "--", file], { cwd: ROOT, encoding: "utf8" })).toBe("");
      expect(execFileSync("git", ["diff", "--", file], { cwd: ROOT, encoding: "utf8" })).toBe("");
    }
  });
});
