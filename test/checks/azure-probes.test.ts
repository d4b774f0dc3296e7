/**
 * The Azure path of `verify` against Azurite: keys made by the stored-access-policy provider, a
 * contract built from its outputs, and the prober's rows, including deployments it must fail.
 */
import { randomBytes } from "node:crypto";
import { BlobServiceClient, RestError, StorageSharedKeyCredential, type BlobServiceProperties } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AzureBucketProber, accountNameOf, azureAdminFromEnv, type AzureAdmin } from "../../checks/azure-probes";
import type { ProbeResult } from "../../checks/report";
import { sasPermissions } from "../../components/azure/grants";
import { storedPolicyId } from "../../components/azure/names";
import { storedAccessPolicyProvider as provider, type StoredAccessPolicyOutputs } from "../../components/azure/stored-access-policy-impl";
import type { BucketContract, Credential } from "../../components/contract";
import type { Access } from "../../components/spec";
import { adminService, ensureAzurite, type AzuriteAccount } from "./azure-azurite";

let account: AzuriteAccount;
let admin: AzureAdmin;
let savedProperties: BlobServiceProperties;
const run = Date.now().toString(36);
const created: Array<{ container: string }> = [];

const savedEnv = { account: process.env.AZURE_STORAGE_ACCOUNT, key: process.env.AZURE_STORAGE_KEY };
beforeAll(async () => {
  account = await ensureAzurite();
  admin = { accountName: account.accountName, accountKey: account.accountKey };
  // Where the stored-access-policy provider finds the key it signs with (never an input).
  process.env.AZURE_STORAGE_ACCOUNT = account.accountName;
  process.env.AZURE_STORAGE_KEY = account.accountKey;
  // CORS is blob-service-wide (on Azure the component sets it through BlobServiceProperties).
  const svc = adminService(account);
  savedProperties = await svc.getProperties();
  await svc.setProperties({
    cors: [{ allowedOrigins: "http://localhost:3000", allowedMethods: "GET,PUT", allowedHeaders: "*", exposedHeaders: "ETag", maxAgeInSeconds: 3600 }],
  });
});

afterAll(async () => {
  const svc = adminService(account);
  await svc.setProperties({ cors: savedProperties?.cors ?? [] }).catch(() => undefined);
  for (const { container } of created) await svc.getContainerClient(container).deleteIfExists().catch(() => undefined);
  for (const [k, v] of [["AZURE_STORAGE_ACCOUNT", savedEnv.account], ["AZURE_STORAGE_KEY", savedEnv.key]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function newContainer(label: string): Promise<string> {
  const name = `${label}-${run}`;
  await adminService(account).getContainerClient(name).create();
  created.push({ container: name });
  return name;
}

async function slot(container: string, key: string, generation: number, access: Access[], permissions = sasPermissions(access)): Promise<Credential> {
  const r = await provider.create({
    serviceUrl: account.serviceUrl,
    accountName: account.accountName,
    containerName: container,
    policyId: storedPolicyId(key, generation),
    permissions,
    validitySeconds: 3600,
  });
  const outs = r.outs as unknown as StoredAccessPolicyOutputs;
  return { id: outs.policyId, secret: outs.sasToken, generation };
}

function contract(container: string, keys: BucketContract["keys"]): BucketContract {
  return {
    provider: "azure",
    bucket: container,
    region: "local",
    endpoint: account.serviceUrl,
    presign: { uploadSeconds: 900, downloadSeconds: 3600 },
    cors: [{ origins: ["http://localhost:3000"], methods: ["GET", "PUT"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }],
    keys,
  };
}

const failed = (rows: ProbeResult[]) => rows.filter((r) => !r.ok).map((r) => `${r.key} ${r.probe}: ${r.seen}`);
const row = (rows: ProbeResult[], key: string, probe: string) => rows.find((r) => r.key === key && r.probe.startsWith(probe));

describe("AzureBucketProber on Azurite", () => {
  it("a correct deployment passes every probe, and the must-be-denied ones are there", async () => {
    const container = await newContainer("good");
    const retired = await slot(container, "reader", 1, ["read", "list"]);
    const readerPrev = await slot(container, "reader", 2, ["read", "list"]);
    const readerCur = await slot(container, "reader", 3, ["read", "list"]);
    // Rotation to g3 retired g1: its policy is deleted, so its token must be refused from now on.
    await provider.delete(retired.id, { serviceUrl: account.serviceUrl, accountName: account.accountName, containerName: container });
    const keys: BucketContract["keys"] = {
      uploader: { kind: "static", access: ["write"], prefixes: [], current: await slot(container, "uploader", 1, ["write"]) },
      reader: { kind: "static", access: ["read", "list"], prefixes: [], current: readerCur, previous: readerPrev },
      admin: { kind: "static", access: ["read", "write", "list", "delete"], prefixes: [], current: await slot(container, "admin", 1, ["read", "write", "list", "delete"]) },
    };
    const start = Date.now();
    const rows = await new AzureBucketProber("invoices", contract(container, keys), admin, { reader: retired }).runAll();
    const ms = Date.now() - start;

    expect(failed(rows)).toEqual([]);
    // With the account key every probe can be sent: nothing is skipped on a SAS-only container.
    expect(rows.filter((r) => r.outcome !== "pass").map((r) => `${r.key} ${r.probe}: ${r.reason}`)).toEqual([]);
    for (const [key, letters] of [["uploader", "cw"], ["reader", "lr"], ["admin", "cdlrw"]]) {
      expect(row(rows, key, "SAS permissions"), key).toMatchObject({ probe: `SAS permissions = "${letters}" for ${keys[key].access.join(",")}`, outcome: "pass" });
    }
    expect(row(rows, "uploader", "SAS PUT")?.seen).toBe("200");
    expect(row(rows, "reader", "SAS GET round trip (sha256)")?.seen).toBe("200 same bytes");
    expect(row(rows, "reader", "previous SAS (g2)")?.expect).toBe("allow");
    for (const [key, probe] of [
      ["(anonymous)", "list container"],
      ["(anonymous)", "put blob"],
      ["(anonymous)", "get blob"],
      ["uploader", "GET without read permission"],
      ["uploader", "list without list permission"],
      ["uploader", "DELETE without delete permission"],
      ["reader", "PUT without write permission"],
      ["reader", "DELETE without delete permission"],
      ["reader", "tampered signature"],
      ["reader", "expired SAS"],
      ["reader", "retired SAS (g1"],
      ["reader", "revoked stored policy reader-g1"],
      ["uploader", "tampered signature"],
      ["(browser)", "CORS preflight from https://evil.example"],
    ]) {
      expect(row(rows, key, probe), `${key} ${probe}`).toMatchObject({ expect: "deny", ok: true });
    }
    expect(row(rows, "admin", "SAS DELETE")).toMatchObject({ expect: "allow", ok: true });
    expect(row(rows, "(browser)", "CORS preflight from http://localhost:3000")?.seen).toContain("ACAO=http://localhost:3000");
    expect(row(rows, "(container)", "stored access policies")?.seen).toBe("200 admin-g1 reader-g2 reader-g3 uploader-g1");
    expect(rows.filter((r) => r.expect === "deny").length).toBeGreaterThanOrEqual(17);
    console.log(`azure verify: ${rows.length} probes (${rows.filter((r) => r.expect === "deny").length} must-be-denied) in ${ms} ms`);

    // Cleanup removed what the run wrote: nothing but what the admin key deleted is left over.
    const left: string[] = [];
    for await (const b of adminService(account).getContainerClient(container).listBlobsFlat()) left.push(b.name);
    expect(left).toEqual([]);
  });

  it("fails a deployment whose SAS can do more than the contract says, or that left a policy behind", async () => {
    const container = await newContainer("broad");
    // The contract says read+list, but the stored policy also grants write (rwl).
    const reader = await slot(container, "reader", 1, ["read", "list"], "rwl");
    const writer = await slot(container, "writer", 1, ["write"]);
    await slot(container, "ghost", 1, ["read"]); // not in the contract
    const rows = await new AzureBucketProber(
      "broad",
      contract(container, {
        writer: { kind: "static", access: ["write"], prefixes: [], current: writer },
        reader: { kind: "static", access: ["read", "list"], prefixes: ["invoices/"], current: reader },
      }),
      admin,
    ).runAll();
    expect(row(rows, "reader", "PUT without write permission")).toMatchObject({ ok: false, seen: "200" });
    expect(row(rows, "reader", "prefix scope")).toMatchObject({ ok: false });
    // The checker's own letters (checks/azure-sas.ts), not the component's mapping, catch the extra w.
    expect(row(rows, "reader", "SAS permissions")).toMatchObject({ outcome: "fail", reason: "expected lr", seen: expect.stringContaining("w") });
    expect(row(rows, "writer", "SAS permissions")).toMatchObject({ outcome: "pass" });
    expect(row(rows, "(container)", "stored access policies")).toMatchObject({ ok: false });
    expect(row(rows, "(container)", "stored access policies")!.seen).toContain("ghost-g1");
  });

  it("fails a container that allows anonymous reads", async () => {
    const container = await newContainer("public");
    const writer = await slot(container, "writer", 1, ["write", "read"]);
    const svc = adminService(account).getContainerClient(container);
    const policies = (await svc.getAccessPolicy()).signedIdentifiers;
    await svc.setAccessPolicy("blob", policies);
    const rows = await new AzureBucketProber("public", contract(container, { writer: { kind: "static", access: ["read", "write"], prefixes: [], current: writer } }), admin).runAll();
    expect(row(rows, "(anonymous)", "get blob")).toMatchObject({ ok: false, seen: "200" });
  });

  it("identity keys get one row saying they are not probed with a SAS", async () => {
    const container = await newContainer("ident");
    const rows = await new AzureBucketProber(
      "ident",
      contract(container, {
        app: { kind: "identity", access: ["read"], prefixes: ["invoices/"], principalId: "00000000-0000-4000-8000-000000000001", userDelegationSas: false },
      }),
    ).runAll();
    expect(rows.filter((r) => r.key === "app")).toEqual([
      expect.objectContaining({ expect: "contain", outcome: "skipped", reason: expect.stringContaining("Entra ID token") }),
    ]);
  });

  it("Azurite accepts only this clone's random key", async () => {
    const wrong = new BlobServiceClient(account.serviceUrl, new StorageSharedKeyCredential(account.accountName, randomBytes(64).toString("base64")), {
      retryOptions: { maxTries: 1 },
    });
    await expect(wrong.getProperties()).rejects.toSatisfy((e: unknown) => e instanceof RestError && e.statusCode === 403);
    expect(account.accountName).not.toBe("devstoreaccount1");
    expect(Buffer.from(account.accountKey, "base64")).toHaveLength(64);
  });

  it("finds the account key for verify from the environment", () => {
    const b = contract("c", {});
    expect(accountNameOf("https://acct1.blob.core.windows.net")).toBe("acct1");
    expect(accountNameOf(account.serviceUrl)).toBe(account.accountName);
    expect(azureAdminFromEnv(b, { AZURITE_ACCOUNTS: `${account.accountName}:k1;other:k2` })).toEqual({ accountName: account.accountName, accountKey: "k1" });
    expect(azureAdminFromEnv(b, { AZURE_STORAGE_ACCOUNT: account.accountName, AZURE_STORAGE_KEY: "k3" })).toEqual({ accountName: account.accountName, accountKey: "k3" });
    expect(azureAdminFromEnv(b, { AZURITE_ACCOUNTS: "other:k2" })).toBeUndefined();
  });
});
