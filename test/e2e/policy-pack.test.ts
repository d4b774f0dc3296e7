/**
 * The pack through the real CLI (`pulumi preview/up --policy-pack policies`): dev's config, as a
 * throwaway stack, passes with zero mandatory violations; an inline program with a MinIO policy
 * that allows `s3:*` on every bucket is blocked, naming the policy, and nothing is created.
 * Preview only for the dev config; the `dev` stack itself is never touched.
 */
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { MinioPolicyResource } from "../../components/minio/resources";
import { program } from "../../stacks/program";
import { LOCAL, ROOT, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const run = Date.now().toString(36);
const pack = path.join(ROOT, "policies");
const devLevels = path.join(pack, "config.dev.json");
const prodLevels = path.join(pack, "config.prod.json");
const wideName = `e2e-wide-${run}`;
const stacks: auto.Stack[] = [];

async function cleanup(stack: auto.Stack): Promise<void> {
  await stack.destroy({ color: "never" }).catch(() => undefined);
  await stack.workspace.removeStack(stack.name).catch(() => undefined);
}

afterAll(async () => {
  for (const s of stacks) await cleanup(s);
  // If the pack ever failed to block, do not leave a wide-open policy on the shared MinIO.
  const client = new MinioAdminClient(conn, admin);
  if (await client.getPolicy(wideName).catch(() => undefined)) await client.deletePolicy(wideName);
});

describe("policy pack through the real CLI", () => {
  let devCopy: auto.Stack;
  beforeAll(async () => {
    devCopy = await openStack({ stack: `pol${run}`, configFrom: "dev", program: async () => program() });
    stacks.push(devCopy);
  });

  it("dev's config previews clean: zero mandatory violations, dev's advisory exceptions reported", async () => {
    let out = "";
    const started = Date.now();
    const r = await devCopy.preview({ policyPacks: [pack], policyPackConfigs: [devLevels], color: "never", onOutput: (s) => (out += s) });
    console.log(`dev preview with the pack: ${Date.now() - started} ms`);
    expect(out).toContain(`secure-storage@v0.1.0 (local: ${pack})`);
    expect(out).not.toContain("[mandatory]");
    // forceDestroy: true on both dev buckets is a documented dev exception: reported, not blocking.
    expect(out.match(/\[advisory\]\s+storage-no-force-destroy/g)?.length).toBe(2);
    expect(r.changeSummary.create).toBeGreaterThan(0);
  });

  it("with prod's levels the same config is blocked by the exception that dev allows", async () => {
    let out = "";
    await expect(devCopy.preview({ policyPacks: [pack], policyPackConfigs: [prodLevels], color: "never", onOutput: (s) => (out += s) })).rejects.toThrow();
    expect(out).toMatch(/\[mandatory\]\s+storage-no-force-destroy/);
  });

  it("a raw MinIO policy allowing s3:* on every bucket is blocked in preview and in up, and nothing is created", async () => {
    const wide = await openStack({
      stack: `polbad${run}`,
      config: {},
      program: async () => {
        new MinioPolicyResource("wide-open", {
          conn,
          name: wideName,
          document: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"] }] }),
        });
      },
    });
    stacks.push(wide);
    for (const op of ["preview", "up"] as const) {
      let out = "";
      const opts = { policyPacks: [pack], policyPackConfigs: [devLevels], color: "never" as const, onOutput: (s: string) => (out += s) };
      const result = op === "preview" ? wide.preview(opts) : wide.up(opts);
      const err = (await result.then(
        () => undefined,
        (e: Error) => e,
      )) as (Error & { commandResult?: { stdout?: string; stderr?: string } }) | undefined;
      expect(err, `${op} must fail`).toBeDefined();
      const all = `${out}\n${err!.commandResult?.stdout ?? ""}\n${err!.commandResult?.stderr ?? ""}`;
      expect(all, op).toMatch(/\[mandatory\]\s+minio-policy-least-privilege/);
      expect(all, op).toContain('wildcard action(s) "s3:*"');
      expect(all, op).toContain('"arn:aws:s3:::*" (every bucket)');
    }
    const state = (await wide.exportStack()).deployment as { resources?: Array<{ type: string; custom: boolean }> };
    expect((state.resources ?? []).filter((r) => r.custom && r.type.startsWith("secure-storage:"))).toEqual([]);
    expect(await new MinioAdminClient(conn, admin).getPolicy(wideName)).toBeFalsy();
  });
});
