/**
 * SCENARIOS.md 5 for real: the bank stack deployed to the HTTPS MinIO (port 9443, certificate
 * from the private CA `npm run setup` made) and verified; a CA that did not sign the server's
 * certificate is refused with an error that says so, and nothing is created.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { request } from "../../components/minio/http";
import { verifyContract } from "../../checks/verify";
import { program } from "../../stacks/program";
import { LOCAL, loadEnvFile, openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const bank = parseYaml(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.bank.yaml"), "utf8")).config;
// The bank's statements are retained (the default); this throwaway copy must destroy cleanly.
bank["storage:buckets"].statements.retain = false;
const name = `tls${Date.now().toString(36)}`;
let stack: auto.Stack;

/** A CA that exists only in this test: it signed nothing the server presents. */
function strangerCa(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stranger-ca-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=stranger CA",
      "-keyout", path.join(dir, "k.pem"), "-out", path.join(dir, "ca.pem")], { stdio: "ignore" });
    return fs.readFileSync(path.join(dir, "ca.pem"), "utf8");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  stack = await openStack({ stack: name, config: bank, program: async () => program() });
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
});

describe("HTTPS MinIO with a private CA", () => {
  it("deploys the bank stack over HTTPS and verify passes, trusting only the configured CA", async () => {
    const r = await stack.up({ color: "never" });
    const contract = r.outputs.storage.value as StorageContract;
    const b = contract.buckets.statements;
    expect(b.endpoint).toBe("https://127.0.0.1:9443");
    expect(b.caBundle).toBe(fs.readFileSync(path.join(LOCAL, "tls", "ca.pem"), "utf8"));
    const rows = await verifyContract(contract, admin);
    expect(rows.filter((row) => !row.ok)).toEqual([]);
    expect(rows.some((row) => row.key === "reader" && row.probe.startsWith("presigned GET round trip") && row.seen === "200 same bytes")).toBe(true);
    expect(rows.filter((row) => row.expect === "deny").length).toBeGreaterThanOrEqual(10);
  });

  it("without the CA bundle the same endpoint is refused with a clear error", async () => {
    await expect(request({ method: "GET", url: new URL("https://127.0.0.1:9443/minio/health/live") })).rejects.toThrow(
      /TLS verification failed for https:\/\/127\.0\.0\.1:9443: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
    );
  });

  it("NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off: it is refused", async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      await expect(request({ method: "GET", url: new URL("https://127.0.0.1:9443/minio/health/live") })).rejects.toThrow(/NODE_TLS_REJECT_UNAUTHORIZED=0 is set/);
    } finally {
      delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    }
  });

  it("a stack trusting a CA that did not sign the server certificate fails clearly and creates nothing", async () => {
    const badName = `${name}ca`;
    const { caBundleFile: _, ...minio } = bank["storage:minio"];
    const bad = await openStack({
      stack: badName,
      program: async () => program(),
      config: { ...bank, "storage:minio": { ...minio, caBundle: strangerCa() } },
    });
    try {
      await expect(bad.up({ color: "never" })).rejects.toThrow(/TLS verification failed for https:\/\/127\.0\.0\.1:9443: .*caBundle/);
      const state = await bad.exportStack();
      const created = ((state.deployment.resources ?? []) as Array<{ type: string; custom: boolean }>).filter((r) => r.custom && r.type.startsWith("secure-storage:"));
      expect(created).toEqual([]);
    } finally {
      await bad.destroy({ color: "never" }).catch(() => undefined);
      await bad.workspace.removeStack(badName, { force: true }).catch(() => undefined);
    }
  });
});
