/**
 * The B2 provider through the real Pulumi engine (CLI + dynamic provider process) against the
 * local B2 API stand-in: create -> change CORS (in place, same id, ifRevisionIs) -> change key
 * capabilities under a new key name (replacement, new key before the old one is deleted) and under
 * the same name (old key deleted first) -> refresh with no changes -> rename the bucket
 * (replacement) -> destroy. Every B2 call is asserted, including a token that
 * expires mid-run and throttled calls, and no secret may appear in state or engine output.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b2CorsRules, b2LifecycleRules, SSE_B2 } from "../../components/b2/capabilities";
import { OWNER_INFO_KEY } from "../../components/b2/ownership";
import { B2ApplicationKey, B2BucketResource } from "../../components/b2/resources";
import { B2Settings } from "../../components/b2/settings";
import type { B2Capability } from "../../components/b2/types";
import type { CorsRule } from "../../components/spec";
import { openStack } from "../../scripts/lib/workspace";
import { B2StandIn } from "../helpers/b2-standin";
import { loadProjectEnv } from "../helpers/env";
import { changes } from "../helpers/changes";

loadProjectEnv();
const standin = new B2StandIn();
const name = `b2e2e${Date.now().toString(36)}`;
const run = Date.now().toString(36);
const owner = `secure-storage/${name}/uploads`;

/** What the inline program declares; each step edits it and runs `up`. */
const desired = {
  bucketName: `uploads-${run}`,
  cors: [{ origins: ["https://app.example.com"], methods: ["GET", "PUT"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }] as CorsRule[],
  capabilities: ["listBuckets", "listFiles", "readFiles"] as B2Capability[],
  keySuffix: "backend-g1",
};

const program = async () => {
  const settings = B2Settings.parse(new pulumi.Config("storage").requireObject("b2"));
  const account = { apiUrl: settings.apiUrl! };
  const bucket = new B2BucketResource("uploads", {
    ...account,
    bucketName: desired.bucketName,
    bucketType: "allPrivate",
    defaultServerSideEncryption: SSE_B2,
    corsRules: b2CorsRules(desired.cors),
    lifecycleRules: b2LifecycleRules([{ prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30 }, { abortIncompleteUploadDays: 1 }]).rules,
    bucketInfo: { "managed-by": "secure-storage-e2e" },
    owner,
  });
  const key = new B2ApplicationKey("uploads-backend-g1", {
    ...account,
    keyName: `${desired.bucketName}-${desired.keySuffix}`,
    capabilities: desired.capabilities,
    bucketId: bucket.bucketId,
    namePrefix: "users/",
  });
  return { bucketId: bucket.bucketId, revision: bucket.revision, endpoint: bucket.s3ApiUrl, region: bucket.region, keyId: key.applicationKeyId, keySecret: key.applicationKey };
};

let stack: auto.Stack;
let transcript = "";
const out = (s: string) => (transcript += s);
/** Every application key secret the stand-in ever issued: none may leak. */
const issued = new Set<string>();
const collect = () => standin.keys.forEach((k) => issued.add(k.applicationKey));

async function upStep(): Promise<auto.UpResult> {
  standin.calls.length = 0;
  const r = await stack.up({ onOutput: out, color: "never" });
  collect();
  expect(r.summary.result).toBe("succeeded");
  return r;
}

/** The state as stored (secrets encrypted): `stack.exportStack()` would decrypt them (--show-secrets). */
function storedState(): string {
  return execFileSync("pulumi", ["stack", "export", "--stack", name], { cwd: stack.workspace.workDir, env: process.env, encoding: "utf8" });
}

async function assertNoPlainSecrets(): Promise<void> {
  const stored = storedState();
  const config = fs.readFileSync(path.join(stack.workspace.workDir, `Pulumi.${name}.yaml`), "utf8");
  const leaks = (text: string) => [standin.masterKey, ...issued].filter((s) => text.includes(s)).length;
  expect(leaks(stored), "plain secret in the stored state").toBe(0);
  expect(leaks(transcript), "plain secret in the engine output").toBe(0);
  expect(leaks(config), "plain secret in the stack config file").toBe(0);
  // The application key is stored as a secret; the account credentials are not stored at all (the
  // provider reads them from its environment): not even a ciphertext field for them.
  const resources = ((await stack.exportStack()).deployment.resources ?? []) as Array<{ type: string; custom: boolean; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  const b2 = resources.filter((x) => x.custom && x.type.startsWith("secure-storage:b2:"));
  expect(b2.length).toBeGreaterThanOrEqual(2);
  for (const r of b2) {
    const stored = [...Object.keys(r.inputs ?? {}), ...Object.keys(r.outputs ?? {})].filter((k) => k.startsWith("accountKey"));
    expect(stored, `${r.type} stores account credentials`).toEqual([]);
    if (r.type.endsWith(":ApplicationKey")) expect((r.outputs?.applicationKey as Record<string, unknown>)?.[pulumi.runtime.specialSigKey]).toBeDefined();
  }
}

let restoreEnv = (): void => undefined;
beforeAll(async () => {
  await standin.start();
  restoreEnv = standin.exportCredentials();
  stack = await openStack({ stack: name, program, config: { "storage:b2": { apiUrl: standin.url } } });
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name, { force: true }).catch(() => undefined);
  await standin.stop();
  restoreEnv();
});

describe("B2 provider through the Pulumi engine", () => {
  let bucketId = "";
  let firstKeyId = "";

  it("creates the bucket and key, retrying a 429 and re-authorizing an expired token", async () => {
    standin.throttleNext("b2_create_bucket", 1);
    standin.expireTokenOnNext("b2_create_key");
    const r = await upStep();
    expect(standin.pendingFaults()).toBe(0);
    expect(standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 429 too_many_requests",
      "b2_create_bucket 200",
      "b2_list_keys 200",
      "b2_create_key 401 expired_auth_token",
      "b2_authorize_account 200",
      "b2_create_key 200",
    ]);
    bucketId = r.outputs.bucketId.value as string;
    firstKeyId = r.outputs.keyId.value as string;
    const b = standin.buckets.get(bucketId)!;
    expect(b).toMatchObject({
      bucketName: desired.bucketName,
      bucketType: "allPrivate",
      bucketInfo: { "managed-by": "secure-storage-e2e", [OWNER_INFO_KEY]: owner },
      defaultServerSideEncryption: { value: { mode: "SSE-B2", algorithm: "AES256" } },
      revision: 1,
    });
    expect(b.corsRules).toEqual([
      { corsRuleName: "s3-cors-1", allowedOrigins: ["https://app.example.com"], allowedOperations: ["s3_get", "s3_put"], allowedHeaders: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 },
    ]);
    expect(b.lifecycleRules).toEqual([
      { fileNamePrefix: "", daysFromHidingToDeleting: 30, daysFromStartingToCancelingUnfinishedLargeFiles: 1 },
      { fileNamePrefix: "tmp/", daysFromUploadingToHiding: 7 },
    ]);
    const key = standin.keys.get(firstKeyId)!;
    expect(key).toMatchObject({ keyName: `${desired.bucketName}-backend-g1`, capabilities: ["listBuckets", "listFiles", "readFiles"], bucketId, namePrefix: "users/" });
    expect(r.outputs.keySecret).toEqual({ value: key.applicationKey, secret: true });
    expect(r.outputs.endpoint.value).toBe("https://s3.us-west-004.backblazeb2.com");
    expect(r.outputs.region.value).toBe("us-west-004");
    await assertNoPlainSecrets();
  });

  it("a CORS change updates the bucket in place with ifRevisionIs (same id, key untouched)", async () => {
    desired.cors = [{ ...desired.cors[0], methods: ["GET", "PUT", "POST"], origins: ["https://app.example.com", "https://admin.example.com"] }];
    const r = await upStep();
    expect(r.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_update_bucket 200"]);
    expect(standin.calls[1].body).toMatchObject({ bucketId, ifRevisionIs: 1, bucketType: "allPrivate", defaultServerSideEncryption: { mode: "SSE-B2", algorithm: "AES256" } });
    expect(r.outputs.bucketId.value).toBe(bucketId);
    expect(r.outputs.revision.value).toBe(2);
    expect(standin.buckets.get(bucketId)!.corsRules[0].allowedOperations).toEqual(["s3_get", "s3_post", "s3_put"]);
    expect(r.outputs.keyId.value).toBe(firstKeyId);
  });

  it("a capability change under a new key name replaces the key: the new key exists before the old one is deleted", async () => {
    desired.capabilities = ["listBuckets", "listFiles", "readFiles", "writeFiles"];
    desired.keySuffix = "backend-g2";
    const r = await upStep();
    expect(r.summary.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_list_keys 200", "b2_create_key 200", "b2_delete_key 200"]);
    expect(standin.calls[3].body).toEqual({ applicationKeyId: firstKeyId });
    const newId = r.outputs.keyId.value as string;
    expect(newId).not.toBe(firstKeyId);
    expect([...standin.keys.keys()]).toEqual([newId]);
    expect(standin.keys.get(newId)!.capabilities).toEqual(["listBuckets", "listFiles", "readFiles", "writeFiles"]);
    firstKeyId = newId;
    await assertNoPlainSecrets();
  });

  it("a capability change under the same key name deletes the old key first (create clears that name)", async () => {
    desired.capabilities = ["listBuckets", "listFiles", "readFiles"];
    const r = await upStep();
    expect(r.summary.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_delete_key 200", "b2_list_keys 200", "b2_create_key 200"]);
    expect(standin.calls[1].body).toEqual({ applicationKeyId: firstKeyId });
    const newId = r.outputs.keyId.value as string;
    expect(newId).not.toBe(firstKeyId);
    expect([...standin.keys.values()].map((k) => [k.applicationKeyId, k.capabilities])).toEqual([[newId, ["listBuckets", "listFiles", "readFiles"]]]);
    await assertNoPlainSecrets();
  });

  it("refresh reads everything back with no drift, and a preview then shows no changes", async () => {
    standin.calls.length = 0;
    standin.throttleNext("b2_list_keys", 1);
    await stack.refresh({ onOutput: out, color: "never" });
    expect([...standin.trace()].sort()).toEqual(["b2_authorize_account 200", "b2_list_buckets 200", "b2_list_keys 200", "b2_list_keys 429 too_many_requests"]);
    let diff = "";
    const p = await stack.preview({ diff: true, color: "never", onOutput: (s) => (diff += s) });
    const changed = changes(p.changeSummary);
    expect(changed, diff).toEqual([]);
    transcript += diff;
    await assertNoPlainSecrets();
  });

  it("a change made outside Pulumi: a stale update is refused (409 conflict), refresh shows the drift, up restores it", async () => {
    standin.tamper(bucketId, { corsRules: [], bucketType: "allPublic" });
    desired.cors = [{ ...desired.cors[0], maxAgeSeconds: 600 }];
    standin.calls.length = 0;
    const failed = (await stack.up({ onOutput: out, color: "never" }).catch((e: unknown) => e)) as Error;
    expect(failed.message).toMatch(/b2_update_bucket: 409 conflict: .*run `pulumi refresh` and retry/);
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_update_bucket 409 conflict"]);
    expect(standin.buckets.get(bucketId)!.bucketType).toBe("allPublic"); // nothing overwritten blindly

    await stack.refresh({ onOutput: out, color: "never" });
    let diff = "";
    const p = await stack.preview({ diff: true, color: "never", onOutput: (s) => (diff += s) });
    expect(p.changeSummary.update, diff).toBe(1);
    standin.calls.length = 0;
    const r = await upStep();
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_update_bucket 200"]);
    expect(standin.calls[1].body).toMatchObject({ ifRevisionIs: 3, bucketType: "allPrivate" });
    expect(r.outputs.revision.value).toBe(4);
    const b = standin.buckets.get(bucketId)!;
    expect(b.bucketType).toBe("allPrivate");
    expect(b.corsRules.map((c) => c.maxAgeSeconds)).toEqual([600]);
    transcript += diff;
    await assertNoPlainSecrets();
  });

  it("a rename replaces the bucket (new one first, names differ) and the key with it", async () => {
    const oldName = desired.bucketName;
    desired.bucketName = `uploads2-${run}`;
    const r = await upStep();
    expect(standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 200",
      "b2_list_keys 200",
      "b2_create_key 200",
      "b2_delete_key 200",
      "b2_delete_bucket 200",
    ]);
    expect(r.outputs.bucketId.value).not.toBe(bucketId);
    expect([...standin.buckets.values()].map((b) => b.bucketName)).toEqual([desired.bucketName]);
    expect(standin.buckets.get(r.outputs.bucketId.value as string)!.corsRules).toHaveLength(1);
    expect(standin.calls.find((c) => c.op === "b2_delete_bucket")!.body).toMatchObject({ bucketId });
    expect(oldName).not.toBe(desired.bucketName);
    await assertNoPlainSecrets();
  });

  it("destroy deletes the key, then the bucket", async () => {
    standin.calls.length = 0;
    await stack.destroy({ onOutput: out, color: "never" });
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_delete_key 200", "b2_delete_bucket 200"]);
    expect(standin.buckets.size).toBe(0);
    expect(standin.keys.size).toBe(0);
    expect(issued.size).toBe(4);
    expect([standin.masterKey, ...issued].filter((s) => transcript.includes(s))).toEqual([]);
  });
});
