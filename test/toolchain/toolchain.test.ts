/** The offline toolchain: pinned CLI, local services, no plugin downloads. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();

describe("toolchain", () => {
  it("pulumi on PATH is the version of @pulumi/pulumi in package-lock.json", () => {
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    const sdk = lock.packages["node_modules/@pulumi/pulumi"].version;
    expect(execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim()).toBe(`v${sdk}`);
    expect(execFileSync("bash", ["-c", "command -v pulumi"], { encoding: "utf8" })).toContain(process.env.SS_TOOLS!);
  });

  it("every command runs on the Node.js 22 LTS setup installs, which package.json requires", () => {
    const node = execFileSync("bash", ["-c", "node --version"], { encoding: "utf8" }).trim();
    expect(node).toBe(`v${process.env.SS_NODE_VERSION}`);
    expect(node).toMatch(/^v22\./);
    expect(JSON.parse(fs.readFileSync("package.json", "utf8")).engines.node).toBe(">=22");
    // Nothing silences the AWS SDK's Node version notice: it has nothing to say on 22.
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
  });

  it.each([
    ["minio", "http://127.0.0.1:9000/minio/health/live"],
    ["fake-gcs-server", "http://127.0.0.1:4443/storage/v1/b"],
    ["azurite", "http://127.0.0.1:10000/devstoreaccount1?comp=list"],
  ])("%s answers on its port", async (_name, url) => {
    const r = await fetch(url);
    expect(r.status).toBeLessThan(500);
  });

  it("a trivial program goes up and is destroyed against the local file backend", async () => {
    const name = `tool${Date.now().toString(36)}`;
    const stack = await openStack({ stack: name, config: {}, program: async () => ({ greeting: pulumi.output("hello") }) });
    try {
      const up = await stack.up({ color: "never" });
      expect(up.outputs.greeting.value).toBe("hello");
      expect(process.env.PULUMI_BACKEND_URL).toMatch(/^file:\/\/.*\/\.local\/state\?metadata=skip$/);
      await stack.destroy({ color: "never" });
    } finally {
      await stack.workspace.removeStack(name).catch(() => undefined);
    }
  });

  it("never downloads a provider plugin: a missing plugin is an error, not a download", async () => {
    expect(process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    const name = `noplug${Date.now().toString(36)}`;
    const stack = await openStack({
      stack: name,
      config: {},
      program: async () => {
        class Thing extends pulumi.CustomResource {
          constructor(n: string) {
            super("zzfake:index:Thing", n, {});
          }
        }
        new Thing("thing");
        return {};
      },
    });
    let out = "";
    try {
      await expect(stack.preview({ color: "never", onOutput: (s) => (out += s) })).rejects.toThrow(/zzfake/);
      expect(out.toLowerCase()).not.toContain("downloading");
      expect(fs.existsSync(`${process.env.PULUMI_HOME}/plugins`) ? fs.readdirSync(`${process.env.PULUMI_HOME}/plugins`).filter((p) => p.includes("zzfake")) : []).toEqual([]);
    } finally {
      await stack.workspace.removeStack(name, { force: true }).catch(() => undefined);
    }
  });
});
