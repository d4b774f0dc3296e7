/** The stored-access-policy dynamic provider against Azurite: create, read, diff, update, delete. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  storedAccessPolicyProvider as provider,
  type StoredAccessPolicyInputs,
  type StoredAccessPolicyOutputs,
} from "../../components/azure/stored-access-policy-impl";
import { adminService, ensureAzurite, policyIds, sasContainer, statusOf, type AzuriteAccount } from "./azure-azurite";

let account: AzuriteAccount;
const containerName = `sap-${Date.now().toString(36)}`;

const saved = { account: process.env.AZURE_STORAGE_ACCOUNT, key: process.env.AZURE_STORAGE_KEY };
beforeAll(async () => {
  account = await ensureAzurite();
  // Where the provider finds the key it signs with: never in its inputs.
  process.env.AZURE_STORAGE_ACCOUNT = account.accountName;
  process.env.AZURE_STORAGE_KEY = account.accountKey;
  await adminService(account).getContainerClient(containerName).create();
});
afterAll(async () => {
  await adminService(account).getContainerClient(containerName).deleteIfExists();
  for (const [k, v] of [["AZURE_STORAGE_ACCOUNT", saved.account], ["AZURE_STORAGE_KEY", saved.key]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const inputs = (policyId: string, permissions: string, validitySeconds = 3600): StoredAccessPolicyInputs => ({
  serviceUrl: account.serviceUrl,
  accountName: account.accountName,
  containerName,
  policyId,
  permissions,
  validitySeconds,
});
const ids = () => policyIds(account, containerName);
const upload = (token: string, blob: string) => statusOf(() => sasContainer(account, containerName, token).getBlockBlobClient(blob).uploadData(Buffer.from("data")));
const download = (token: string, blob: string) => statusOf(() => sasContainer(account, containerName, token).getBlockBlobClient(blob).downloadToBuffer());

describe("StoredAccessPolicy provider on Azurite", () => {
  it("create stores the policy and returns a SAS that carries only the policy id", async () => {
    const created = await provider.create({ ...inputs("writer-g1", "wc") });
    const outs = created.outs as unknown as StoredAccessPolicyOutputs;
    expect(created.id).toBe("writer-g1");
    expect(outs.permissions).toBe("cw"); // canonical order
    const sas = new URLSearchParams(outs.sasToken);
    expect(sas.get("si")).toBe("writer-g1");
    expect(sas.get("sr")).toBe("c");
    // Permissions and expiry live in the policy, so revoking or narrowing it affects the issued token.
    expect(sas.get("sp")).toBeNull();
    expect(sas.get("se")).toBeNull();
    expect(sas.get("spr")).toBeNull(); // http emulator; an https service URL pins spr=https (below)
    expect(Math.abs(Date.parse(outs.expiresOn) - (Date.now() + 3600_000))).toBeLessThan(60_000);
    expect(await upload(outs.sasToken, "w/a.txt")).toBe(200);
    expect(await download(outs.sasToken, "w/a.txt")).toBe(403);
  });

  it("an https service URL pins the SAS to https", async () => {
    const { sasToken } = await import("../../components/azure/stored-access-policy-impl");
    expect(new URLSearchParams(sasToken({ ...inputs("x-g1", "r"), serviceUrl: "https://acct.blob.core.windows.net" }, account.accountKey)).get("spr")).toBe("https");
  });

  it("refuses to take over an existing policy and names Azure's five-policy limit", async () => {
    await expect(provider.create({ ...inputs("writer-g1", "r") })).rejects.toThrow(/already exists.*refusing/);
    // Four more concurrent creates: serialized per container, so none is lost.
    await Promise.all(["a-g1", "b-g1", "c-g1", "d-g1"].map((id) => provider.create({ ...inputs(id, "r") })));
    expect(await ids()).toEqual(["a-g1", "b-g1", "c-g1", "d-g1", "writer-g1"]);
    await expect(provider.create({ ...inputs("e-g1", "r") })).rejects.toThrow(/already has 5 stored access policies/);
    await Promise.all(["a-g1", "b-g1", "c-g1", "d-g1"].map((id) => provider.delete(id, { ...inputs(id, "r") })));
    expect(await ids()).toEqual(["writer-g1"]);
  });

  it("diff: a new generation (policy id) replaces create-before-delete; permissions update in place", async () => {
    const olds = { ...inputs("reader-g1", "r") } as unknown as Record<string, unknown>;
    const bump = await provider.diff("reader-g1", olds, { ...inputs("reader-g2", "r") });
    expect(bump).toMatchObject({ changes: true, replaces: ["policyId"], deleteBeforeReplace: false });
    expect(await provider.diff("reader-g1", olds, { ...inputs("reader-g1", "rl") })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff("reader-g1", olds, { ...inputs("reader-g1", "r") })).toMatchObject({ changes: false, replaces: [] });
  });

  it("update narrows the live token in place; read reports the server's policy; delete revokes", async () => {
    const created = await provider.create({ ...inputs("rw-g1", "rw") });
    const token = (created.outs as unknown as StoredAccessPolicyOutputs).sasToken;
    expect(await upload(token, "rw/a.txt")).toBe(200);
    const updated = await provider.update!("rw-g1", created.outs, { ...inputs("rw-g1", "r") });
    expect((updated.outs as unknown as StoredAccessPolicyOutputs).sasToken).toBe(token); // same token...
    expect(await upload(token, "rw/b.txt")).toBe(403); // ...that can no longer write
    expect(await download(token, "rw/a.txt")).toBe(200);

    const read = await provider.read!("rw-g1", updated.outs!);
    expect(read).toMatchObject({ id: "rw-g1", props: { permissions: "r" } });

    await provider.delete("rw-g1", updated.outs!);
    expect(await ids()).toEqual(["writer-g1"]);
    expect(await download(token, "rw/a.txt")).toBe(403);
    expect(await provider.read!("rw-g1", updated.outs!)).toEqual({ id: "", props: {} }); // gone: Pulumi will recreate it
    await provider.delete("rw-g1", updated.outs!); // idempotent
  });

  it("a token stops working when its policy expires", async () => {
    const created = await provider.create({ ...inputs("short-g1", "r", 2) });
    const token = (created.outs as unknown as StoredAccessPolicyOutputs).sasToken;
    expect(await download(token, "w/a.txt")).toBe(200);
    await new Promise((r) => setTimeout(r, 3500));
    expect(await download(token, "w/a.txt")).toBe(403);
    await provider.delete("short-g1", created.outs);
  });

  it("finds the key at run time: a connection string, or the account's key through ARM; else a one-line error", async () => {
    const { accountKeyFromEnv, accountKeyFor } = await import("../../components/azure/account-key");
    const cs = `DefaultEndpointsProtocol=http;AccountName=${account.accountName};AccountKey=${account.accountKey};BlobEndpoint=${account.serviceUrl}`;
    expect(accountKeyFromEnv(account.accountName, { AZURE_STORAGE_CONNECTION_STRING: cs })).toBe(account.accountKey);
    // Another account's key is never used, whichever variable holds it.
    expect(accountKeyFromEnv("other", { AZURE_STORAGE_CONNECTION_STRING: cs, AZURE_STORAGE_ACCOUNT: account.accountName, AZURE_STORAGE_KEY: "k" })).toBeUndefined();
    await expect(accountKeyFor({ accountName: "other", serviceUrl: account.serviceUrl }, {})).rejects.toThrow(
      "no key for storage account other: export AZURE_STORAGE_ACCOUNT=other and AZURE_STORAGE_KEY",
    );
    // The earlier design's input is refused with what to do instead.
    const checked = await provider.check!({}, { ...inputs("k-g1", "r"), accountKey: "k" });
    expect(checked.failures?.map((f) => f.property)).toEqual(["accountKey"]);
  });

  it("delete of a policy whose container is gone succeeds", async () => {
    await expect(provider.delete("x-g1", { ...inputs("x-g1", "r"), containerName: "no-such-container-here" })).resolves.toBeUndefined();
  });
});
