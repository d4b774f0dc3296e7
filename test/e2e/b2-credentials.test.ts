/**
 * The B2 account credentials are read by the providers when they run (B2_APPLICATION_KEY_ID /
 * B2_APPLICATION_KEY) and never stored: the state has no field for them, not even a ciphertext;
 * after the master key is regenerated, refresh and destroy use the new one (the earlier design
 * stored the key and signed with the stale copy); and state written by the earlier design loses
 * its stored key with one `pulumi up --refresh`, which changes and replaces nothing on B2.
 */
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b2CorsRules, SSE_B2 } from "../../components/b2/capabilities";
import { B2ApplicationKey, B2BucketResource } from "../../components/b2/resources";
import { openStack } from "../../scripts/lib/workspace";
import { B2StandIn } from "../helpers/b2-standin";
import { changes } from "../helpers/changes";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
const standin = new B2StandIn();
const name = `b2cred${Date.now().toString(36)}`;
const bucketName = `creds-${Date.now().toString(36)}`;

const program = async () => {
  const apiUrl = new pulumi.Config("storage").requireObject<{ apiUrl: string }>("b2").apiUrl;
  const bucket = new B2BucketResource("creds", {
    apiUrl,
    bucketName,
    bucketType: "allPrivate",
    defaultServerSideEncryption: SSE_B2,
    corsRules: b2CorsRules([{ origins: ["https://app.example.com"], methods: ["GET"], headers: [], exposeHeaders: [], maxAgeSeconds: 600 }]),
    lifecycleRules: [],
    bucketInfo: { "managed-by": "secure-storage-e2e" },
    owner: `secure-storage/${name}/creds`,
  });
  const key = new B2ApplicationKey("creds-app-g1", { apiUrl, keyName: `${bucketName}-app-g1`, capabilities: ["listBuckets", "readFiles"], bucketId: bucket.bucketId });
  return { bucketId: bucket.bucketId, keyId: key.applicationKeyId };
};

interface StoredResource {
  type: string;
  urn: string;
  custom: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

let stack: auto.Stack;
let restoreEnv = (): void => undefined;
const keysSeen = new Set<string>();

/** `pulumi stack export` as stored: secrets stay ciphertext. */
function storedState(): string {
  return execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8" });
}
const b2Resources = (state: string): StoredResource[] =>
  ((JSON.parse(state) as { deployment: { resources?: StoredResource[] } }).deployment.resources ?? []).filter((r) => r.custom && r.type.startsWith("secure-storage:b2:"));
const credentialFields = (r: StoredResource) =>
  [...Object.keys(r.inputs ?? {}).map((k) => `inputs.${k}`), ...Object.keys(r.outputs ?? {}).map((k) => `outputs.${k}`)].filter((k) => /\.accountKey/.test(k));

function expectNoStoredCredentials(): void {
  const state = storedState();
  const resources = b2Resources(state);
  expect(resources.map((r) => r.type).sort()).toEqual(["secure-storage:b2:ApplicationKey", "secure-storage:b2:Bucket"]);
  for (const r of resources) expect(credentialFields(r), r.type).toEqual([]);
  expect([...keysSeen].filter((k) => state.includes(k))).toEqual([]);
}

beforeAll(async () => {
  await standin.start();
  restoreEnv = standin.exportCredentials();
  keysSeen.add(standin.masterKey);
  stack = await openStack({ stack: name, program, config: { "storage:b2": { apiUrl: standin.url } } });
});
afterAll(async () => {
  standin.exportCredentials();
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name, { force: true }).catch(() => undefined);
  await standin.stop();
  restoreEnv();
});

describe("B2 account credentials: read at run time, never stored", () => {
  let ids: Record<string, string> = {};

  it("up deploys with the credentials from the environment; the stored state has no field for them", async () => {
    const r = await stack.up({ color: "never" });
    expect(r.summary.result).toBe("succeeded");
    ids = { bucket: String(r.outputs.bucketId.value), key: String(r.outputs.keyId.value) };
    expectNoStoredCredentials();
  });

  it("after the master key is regenerated, the old one is refused and refresh uses the new one from the environment", async () => {
    const old = standin.masterKey;
    keysSeen.add(standin.rotateMasterKey());
    process.env.B2_APPLICATION_KEY = old; // the environment not updated yet: B2 refuses it
    const err = (await stack.refresh({ color: "never" }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/b2_authorize_account: 401 unauthorized/);
    expect(err.message).not.toContain(old);

    standin.exportCredentials();
    standin.calls.length = 0;
    const refreshed = await stack.refresh({ color: "never" });
    expect(refreshed.summary.result).toBe("succeeded");
    expect(standin.trace()).toContain("b2_authorize_account 200");
    expect(standin.trace().filter((t) => / 40\d/.test(t))).toEqual([]);
    expect(changes((await stack.preview({ color: "never" })).changeSummary)).toEqual([]);
    expectNoStoredCredentials();
  });

  it("state written by the earlier design (key stored) is cleaned by one up --refresh; nothing is replaced", async () => {
    // What the earlier design stored: both credentials in inputs and outputs, the key as a secret
    // (and here even the stale key from before the rotation).
    const deployment = await stack.exportStack();
    const secret = (v: string) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, plaintext: JSON.stringify(v) });
    const legacy = { accountKeyId: standin.masterKeyId, accountKey: secret([...keysSeen][0]) };
    for (const r of (deployment.deployment.resources ?? []) as StoredResource[]) {
      if (!r.custom || !r.type.startsWith("secure-storage:b2:")) continue;
      Object.assign(r.inputs!, legacy);
      Object.assign(r.outputs!, legacy);
    }
    await stack.importStack(deployment);
    const fields = ["inputs.accountKey", "inputs.accountKeyId", "outputs.accountKey", "outputs.accountKeyId"];
    for (const r of b2Resources(storedState())) expect(credentialFields(r).sort(), r.type).toEqual(fields);

    // The upgrade's preview: no change at all, so certainly no replacement.
    let diff = "";
    const pre = await stack.preview({ diff: true, color: "never", onOutput: (s) => (diff += s) });
    expect(changes(pre.changeSummary), diff).toEqual([]);

    standin.calls.length = 0;
    const up = await stack.up({ refresh: true, color: "never" });
    expect(up.summary.result).toBe("succeeded");
    expect(changes(up.summary.resourceChanges ?? {})).toEqual([]);
    // Only reads on B2: the credentials were only state.
    expect(standin.trace().filter((t) => !/^b2_(authorize_account|list_buckets|list_keys) 200$/.test(t))).toEqual([]);
    expect({ bucket: String(up.outputs.bucketId.value), key: String(up.outputs.keyId.value) }).toEqual(ids);
    expectNoStoredCredentials();
    expect(changes((await stack.preview({ color: "never" })).changeSummary)).toEqual([]);
  });

  it("destroy uses the current key and removes the key and the bucket", async () => {
    standin.calls.length = 0;
    await stack.destroy({ color: "never" });
    expect(standin.trace().filter((t) => / 4\d\d/.test(t))).toEqual([]);
    expect(standin.buckets.size + standin.keys.size).toBe(0);
  });
});
