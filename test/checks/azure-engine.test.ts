/**
 * The stored-access-policy dynamic provider through the real Pulumi engine (local backend) against
 * Azurite: up, rotate (two slots, create-before-delete), no drift after refresh, destroy revokes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoredAccessPolicy } from "../../components/azure/resources";
import { openStack } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";
import { adminService, ensureAzurite, policyIds, sasContainer, statusOf, type AzuriteAccount } from "./azure-azurite";
import { changes } from "../helpers/changes";
import { fileBackendDir } from "../../scripts/lib/stack-leftovers";

loadProjectEnv();
const name = `azsap${Date.now().toString(36)}`;
const containerName = `engine-${name}`;
let account: AzuriteAccount;
let stack: auto.Stack;
let generation = 1;
let retirePrevious = false;
let transcript = "";

/** A miniature of AzureBucket's SAS slots: the same resource, the same two-slot naming. */
const program = async () => {
  const slot = (g: number) =>
    new StoredAccessPolicy(`bkt-app-g${g}`, {
      serviceUrl: account.serviceUrl,
      accountName: account.accountName,
      containerName,
      policyId: `app-g${g}`,
      permissions: "rw",
      validitySeconds: 3600,
    });
  const current = slot(generation);
  const previous = generation > 1 && !retirePrevious ? slot(generation - 1) : undefined;
  return { current: current.sasToken, previous: previous?.sasToken, currentId: current.policyId };
};

const saved = { account: process.env.AZURE_STORAGE_ACCOUNT, key: process.env.AZURE_STORAGE_KEY };
beforeAll(async () => {
  account = await ensureAzurite();
  // The provider (started by the CLI with this environment) finds the key here, never in its inputs.
  process.env.AZURE_STORAGE_ACCOUNT = account.accountName;
  process.env.AZURE_STORAGE_KEY = account.accountKey;
  await adminService(account).getContainerClient(containerName).create();
  stack = await openStack({ stack: name, program, config: {} });
});
afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  await adminService(account).getContainerClient(containerName).deleteIfExists();
  for (const [k, v] of [["AZURE_STORAGE_ACCOUNT", saved.account], ["AZURE_STORAGE_KEY", saved.key]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const ids = () => policyIds(account, containerName);
const read = (token: string) => statusOf(() => sasContainer(account, containerName, token).getBlockBlobClient("probe.txt").downloadToBuffer());
async function up(): Promise<Record<string, auto.OutputValue>> {
  const r = await stack.up({ color: "never", onOutput: (s) => (transcript += s) });
  expect(r.summary.result).toBe("succeeded");
  return r.outputs;
}

describe("StoredAccessPolicy through the Pulumi engine on Azurite", () => {
  let g1 = "";
  let g2 = "";

  it("up creates the policy; the SAS output is a secret and never printed", async () => {
    await adminService(account).getContainerClient(containerName).getBlockBlobClient("probe.txt").uploadData(Buffer.from("hi"));
    const out = await up();
    expect(out.current.secret).toBe(true);
    expect(out.currentId).toEqual({ value: "app-g1", secret: false });
    g1 = out.current.value as string;
    expect(transcript).not.toContain(new URLSearchParams(g1).get("sig")!);
    expect(await ids()).toEqual(["app-g1"]);
    expect(await read(g1)).toBe(200);
    // The state file on disk never holds the account key, and holds the SAS only encrypted.
    const stateFile = path.join(fileBackendDir()!, ".pulumi", "stacks", "secure-storage", `${name}.json`);
    const state = fs.readFileSync(stateFile, "utf8");
    expect(state).toContain("app-g1");
    expect(state).not.toContain(account.accountKey);
    expect(state).not.toContain('"accountKey"');
    expect(state).not.toContain(new URLSearchParams(g1).get("sig")!);
  });

  it("a second up and a refresh change nothing", async () => {
    const pre = await stack.preview({ color: "never" });
    expect(changes(pre.changeSummary)).toEqual([]);
    await stack.refresh({ color: "never" });
    const post = await stack.preview({ color: "never" });
    expect(changes(post.changeSummary)).toEqual([]);
  });

  it("bump to g2 adds a slot and keeps g1 working; bump to g3 deletes g1 (its SAS is refused) and keeps g2", async () => {
    generation = 2;
    const out2 = await up();
    g2 = out2.current.value as string;
    expect(out2.previous.value).toBe(g1); // the previous slot is the same resource, the same token
    expect(await ids()).toEqual(["app-g1", "app-g2"]);
    expect([await read(g1), await read(g2)]).toEqual([200, 200]);

    generation = 3;
    const out3 = await up();
    expect(out3.previous.value).toBe(g2);
    expect(await ids()).toEqual(["app-g2", "app-g3"]);
    expect(await read(g1)).toBe(403);
    expect([await read(g2), await read(out3.current.value as string)]).toEqual([200, 200]);

    retirePrevious = true;
    await up();
    expect(await ids()).toEqual(["app-g3"]);
    expect(await read(g2)).toBe(403);
  });

  it("a policy deleted out of band is recreated by refresh + up", async () => {
    await adminService(account).getContainerClient(containerName).setAccessPolicy(undefined, []);
    await stack.refresh({ color: "never" });
    await up();
    expect(await ids()).toEqual(["app-g3"]);
  });

  it("destroy deletes every policy it made", async () => {
    await stack.destroy({ color: "never" });
    expect(await ids()).toEqual([]);
  });
});
