/**
 * The stored-access-policy provider finds the storage account key when it runs (here:
 * AZURE_STORAGE_ACCOUNT / AZURE_STORAGE_KEY) and never stores it: the state has no field for it,
 * not even a ciphertext; after the account key is regenerated, refresh and destroy use the new one
 * (the earlier design signed with the stale stored copy); and state written by the earlier design
 * loses its stored key on the next `up`, which updates in place and replaces nothing.
 *
 * Rotating a key means restarting Azurite with another one, so this file runs its own Azurite
 * (a free port, a temporary data directory) and leaves the shared one alone.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoredAccessPolicy } from "../../components/azure/resources";
import { openStack } from "../../scripts/lib/workspace";
import { changes } from "../helpers/changes";
import { loadProjectEnv } from "../helpers/env";
import { adminService, policyIds, sasContainer, statusOf, type AzuriteAccount } from "./azure-azurite";

loadProjectEnv();
const ROOT = path.resolve(__dirname, "..", "..");
const name = `azkey${Date.now().toString(36)}`;
const containerName = `rot-${name}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "azurite-rotation-"));
const newKey = () => randomBytes(64).toString("base64");
let account: AzuriteAccount;
let azurite: ChildProcess | undefined;
let stack: auto.Stack;
const keysSeen: string[] = [];
const saved = { account: process.env.AZURE_STORAGE_ACCOUNT, key: process.env.AZURE_STORAGE_KEY };

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** (Re)start this file's Azurite with `accountKey` as the only key of the account; data survives. */
async function startAzurite(accountKey: string): Promise<void> {
  await stopAzurite();
  account = { ...account, accountKey };
  const port = Number(new URL(account.serviceUrl).port);
  azurite = spawn(
    path.join(ROOT, "node_modules", ".bin", "azurite-blob"),
    ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", dataDir, "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
    { env: { ...process.env, AZURITE_ACCOUNTS: `${account.accountName}:${accountKey}` }, stdio: "ignore" },
  );
  for (let i = 0; i < 100; i++) {
    if ((await statusOf(() => adminService(account).getProperties())) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the test Azurite on port ${port} did not answer`);
}

async function stopAzurite(): Promise<void> {
  const p = azurite;
  azurite = undefined;
  if (!p || p.exitCode !== null) return;
  await new Promise<void>((r) => {
    p.once("exit", () => r());
    p.kill("SIGTERM");
  });
}

/** Where the provider reads the key: the environment of the `pulumi` this process starts. */
function exportKey(accountKey: string): void {
  process.env.AZURE_STORAGE_ACCOUNT = account.accountName;
  process.env.AZURE_STORAGE_KEY = accountKey;
}

const program = async () => {
  const p = new StoredAccessPolicy("bkt-app-g1", {
    serviceUrl: account.serviceUrl,
    accountName: account.accountName,
    containerName,
    policyId: "app-g1",
    permissions: "rl",
    validitySeconds: 3600,
  });
  return { token: p.sasToken, policyId: p.policyId };
};

interface StoredResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}
const storedState = () => execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8" });
const policies = (state: string): StoredResource[] =>
  ((JSON.parse(state) as { deployment: { resources?: StoredResource[] } }).deployment.resources ?? []).filter((r) => r.type === "secure-storage:azure:StoredAccessPolicy");
const keyFields = (r: StoredResource) => [...Object.keys(r.inputs ?? {}).map((k) => `inputs.${k}`), ...Object.keys(r.outputs ?? {}).map((k) => `outputs.${k}`)].filter((k) => /\.accountKey$/.test(k));

function expectNoStoredKey(): void {
  const state = storedState();
  const found = policies(state);
  expect(found).toHaveLength(1);
  expect(keyFields(found[0])).toEqual([]);
  expect(keysSeen.filter((k) => state.includes(k))).toEqual([]);
}

const read = (token: string) => statusOf(() => sasContainer(account, containerName, token).getBlockBlobClient("probe.txt").downloadToBuffer());

beforeAll(async () => {
  account = { accountName: "rotacct", accountKey: "", serviceUrl: `http://127.0.0.1:${await freePort()}/rotacct` };
  keysSeen.push(newKey());
  await startAzurite(keysSeen[0]);
  exportKey(keysSeen[0]);
  const c = adminService(account).getContainerClient(containerName);
  await c.create();
  await c.getBlockBlobClient("probe.txt").uploadData(Buffer.from("hi"));
  stack = await openStack({ stack: name, program, config: {} });
});
afterAll(async () => {
  exportKey(account.accountKey);
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name, { force: true }).catch(() => undefined);
  await stopAzurite();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const [k, v] of [["AZURE_STORAGE_ACCOUNT", saved.account], ["AZURE_STORAGE_KEY", saved.key]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("Azure account key: looked up at run time, never stored", () => {
  let token = "";

  it("up signs with the key from the environment; the stored state has no field for it", async () => {
    const r = await stack.up({ color: "never" });
    expect(r.summary.result).toBe("succeeded");
    token = String(r.outputs.token.value);
    expect(await read(token)).toBe(200);
    expectNoStoredKey();
  });

  it("after the account key is regenerated, the old key is refused and refresh uses the new one (re-signing the SAS)", async () => {
    keysSeen.push(newKey());
    await startAzurite(keysSeen[1]);
    expect(await read(token)).toBe(403); // signed with the old key: Azure invalidates it too

    // The environment not updated yet: the provider signs with what it holds there, and is refused.
    const err = (await stack.refresh({ color: "never" }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/stored access policy "app-g1" on rotacct\/rot-\w+: read failed \(HTTP 403/);

    exportKey(keysSeen[1]);
    const r = await stack.refresh({ color: "never" });
    expect(r.summary.result).toBe("succeeded");
    // Refresh re-signed the resource's token (stack outputs follow at the next up).
    const refreshed = ((await stack.exportStack()).deployment.resources as StoredResource[]).find((x) => x.type.endsWith(":StoredAccessPolicy"))!;
    token = (JSON.parse(String((refreshed.outputs!.sasToken as { plaintext: string }).plaintext)) as string);
    expect(await read(token)).toBe(200);
    expect(changes((await stack.preview({ color: "never" })).changeSummary)).toEqual([]);
    expectNoStoredKey();
  });

  it("state written by the earlier design (key stored) is cleaned by one up: an update in place, nothing replaced", async () => {
    const deployment = await stack.exportStack();
    // The earlier design's field, holding the stale key from before the rotation.
    const stale = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, plaintext: JSON.stringify(keysSeen[0]) };
    for (const r of (deployment.deployment.resources ?? []) as StoredResource[]) {
      if (r.type !== "secure-storage:azure:StoredAccessPolicy") continue;
      r.inputs!.accountKey = stale;
      r.outputs!.accountKey = stale;
    }
    await stack.importStack(deployment);
    expect(keyFields(policies(storedState())[0]).sort()).toEqual(["inputs.accountKey", "outputs.accountKey"]);

    let diff = "";
    const pre = await stack.preview({ diff: true, color: "never", onOutput: (s) => (diff += s) });
    expect(pre.changeSummary, diff).toMatchObject({ update: 1 });
    expect(changes(pre.changeSummary).filter(([op]) => op !== "update"), diff).toEqual([]);
    const up = await stack.up({ color: "never" });
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await policyIds(account, containerName)).toEqual(["app-g1"]);
    expect(String(up.outputs.token.value)).toBe(token); // the same policy, the same signature
    expectNoStoredKey();
    expect(changes((await stack.preview({ color: "never" })).changeSummary)).toEqual([]);
  });

  it("destroy uses the current key and deletes the policy", async () => {
    await stack.destroy({ color: "never" });
    expect(await policyIds(account, containerName)).toEqual([]);
    expect(await read(token)).toBe(403);
  });
});
