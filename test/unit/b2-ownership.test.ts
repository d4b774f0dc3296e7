/**
 * Interrupted creates, at the provider level against the B2 stand-in: the bucket's owner marker
 * (set by the create call itself), adoption of our own orphan only, refusal of anyone else's
 * bucket, key orphans swept by name, undo errors reported instead of swallowed, and reads that
 * call a resource gone only when B2 says it is not there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { provider as bucketProvider } from "../../components/b2/bucket-impl";
import { b2CorsRules, b2LifecycleRules, SSE_B2 } from "../../components/b2/capabilities";
import { B2Client, resetB2Sessions } from "../../components/b2/client";
import { provider as keyProvider } from "../../components/b2/key-impl";
import { OWNER_INFO_KEY } from "../../components/b2/ownership";
import type { B2CreateBucketRequest } from "../../components/b2/types";
import { B2StandIn } from "../helpers/b2-standin";

const standin = new B2StandIn();
let seq = 0;
const freshName = () => `own-${Date.now().toString(36)}-${seq++}`;
const account = () => ({ apiUrl: standin.url });
const direct = () => new B2Client({ keyId: standin.masterKeyId, key: standin.masterKey, apiUrl: standin.url });
const ownerOf = (bucketName: string) => `secure-storage/unit/${bucketName}`;

/** Bucket inputs as check() hands them to create (canonical rules). */
async function bucketInputs(bucketName: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const raw = {
    ...account(),
    bucketName,
    bucketType: "allPrivate",
    defaultServerSideEncryption: SSE_B2,
    corsRules: b2CorsRules([{ origins: ["https://app.example.com"], methods: ["GET"], headers: [], exposeHeaders: [], maxAgeSeconds: 600 }]),
    lifecycleRules: b2LifecycleRules([{ noncurrentExpireDays: 30 }]).rules,
    bucketInfo: { "managed-by": "secure-storage" },
    owner: ownerOf(bucketName),
    ...extra,
  };
  const checked = await bucketProvider.check!({}, raw);
  expect(checked.failures).toEqual([]);
  return checked.inputs;
}

/** A bucket made directly through the B2 API, configured unlike anything this project makes. */
function strayBucket(bucketName: string, bucketInfo: Record<string, string>) {
  const req = { accountId: standin.accountId, bucketName, bucketType: "allPublic", bucketInfo, corsRules: [] };
  return direct().createBucket({ ...req, lifecycleRules: [] } as unknown as B2CreateBucketRequest);
}

const named = (bucketName: string) => [...standin.buckets.values()].filter((b) => b.bucketName === bucketName);
const keysNamed = (keyName: string) => [...standin.keys.values()].filter((k) => k.keyName === keyName);
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("expected a failure"), (e: unknown) => e as Error);

let restoreEnv = () => undefined as void;
beforeAll(async () => {
  await standin.start();
  // The providers read the account credentials from the environment, as under the engine.
  restoreEnv = standin.exportCredentials();
});
afterAll(async () => {
  restoreEnv();
  await standin.stop();
});
beforeEach(() => {
  resetB2Sessions();
  standin.calls.length = 0;
  expect(standin.pendingFaults()).toBe(0);
});

describe("B2 bucket create: owner marker and adoption", () => {
  it("sets the owner marker in the create call itself (no second call that an interruption could skip)", async () => {
    const name = freshName();
    const r = await bucketProvider.create(await bucketInputs(name));
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_create_bucket 200"]);
    expect(standin.calls[1].body.bucketInfo).toEqual({ "managed-by": "secure-storage", [OWNER_INFO_KEY]: ownerOf(name) });
    expect(standin.buckets.get(r.id)!.bucketInfo[OWNER_INFO_KEY]).toBe(ownerOf(name));
    expect(r.outs).toMatchObject({ owner: ownerOf(name), bucketInfo: { "managed-by": "secure-storage" } });
  });

  it("adopts an orphan carrying its exact marker and configures it as the create would have", async () => {
    const name = freshName();
    const orphan = await strayBucket(name, { [OWNER_INFO_KEY]: ownerOf(name) });
    standin.calls.length = 0;
    const inputs = await bucketInputs(name);
    const r = await bucketProvider.create(inputs);
    expect(standin.trace()).toEqual([
      "b2_create_bucket 400 duplicate_bucket_name",
      "b2_list_buckets 200",
      "b2_update_bucket 200",
    ]);
    expect(r.id).toBe(orphan.bucketId);
    expect(named(name)).toHaveLength(1);
    const b = standin.buckets.get(orphan.bucketId)!;
    expect(b).toMatchObject({
      bucketType: "allPrivate",
      bucketInfo: { "managed-by": "secure-storage", [OWNER_INFO_KEY]: ownerOf(name) },
      corsRules: inputs.corsRules,
      lifecycleRules: inputs.lifecycleRules,
      defaultServerSideEncryption: { value: { mode: "SSE-B2", algorithm: "AES256" } },
    });
    expect(r.outs.revision).toBe(b.revision);
    expect(standin.calls[2].body.ifRevisionIs).toBe(orphan.revision);
  });

  it.each([
    ["another stack's marker", { [OWNER_INFO_KEY]: "secure-storage/other/tasks" }, 'owner marker "secure-storage/other/tasks"'],
    ["a marker of another logical bucket", { [OWNER_INFO_KEY]: "secure-storage/unit/else" }, 'owner marker "secure-storage/unit/else"'],
    ["no marker", { "managed-by": "secure-storage" }, "no owner marker"],
  ])("refuses a same-named bucket with %s and leaves it untouched", async (_title, info, described) => {
    const name = freshName();
    const stranger = await strayBucket(name, info);
    const before = structuredClone(standin.buckets.get(stranger.bucketId));
    standin.calls.length = 0;
    const err = await failure(bucketProvider.create(await bucketInputs(name)));
    expect(err.message).toBe(
      `B2 bucket "${name}" already exists in this account with ${described}, not "${ownerOf(name)}": ` +
        "refusing to adopt it (rename or delete it, or choose another bucket name)",
    );
    expect(standin.trace()).toEqual(["b2_create_bucket 400 duplicate_bucket_name", "b2_list_buckets 200"]);
    expect(standin.buckets.get(stranger.bucketId)).toEqual(before);
    expect(named(name)).toHaveLength(1);
  });

  it("a name taken by another account is B2's own error, with its hint", async () => {
    const name = freshName();
    standin.failNext("b2_create_bucket", 400, "duplicate_bucket_name", "Bucket name is already in use.");
    const err = await failure(bucketProvider.create(await bucketInputs(name)));
    expect(err.message).toMatch(/^b2_create_bucket: 400 duplicate_bucket_name: .*"own-[^"]+" is taken: B2 bucket names are global/);
    expect(named(name)).toEqual([]);
  });

  it("a lost create answer: the retry meets the marked bucket and the same create finishes it", async () => {
    const name = freshName();
    standin.loseAnswerNext("b2_create_bucket");
    const r = await bucketProvider.create(await bucketInputs(name));
    expect(standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 200 answer-lost",
      "b2_create_bucket 400 duplicate_bucket_name",
      "b2_list_buckets 200",
      "b2_update_bucket 200",
    ]);
    expect(named(name).map((b) => b.bucketId)).toEqual([r.id]);
  });

  it("a failed retention step deletes the new bucket; if that fails too, both errors show and the next create adopts it", async () => {
    const name = freshName();
    const lock = { fileLockEnabled: true, defaultRetention: { mode: "governance", period: { duration: 7, unit: "days" } } };
    standin.failNext("b2_update_bucket", 400, "bad_request", "retention refused");
    const first = await failure(bucketProvider.create(await bucketInputs(name, lock)));
    expect(first.message).toMatch(/^b2_update_bucket: 400 bad_request: retention refused$/);
    expect(named(name)).toEqual([]);

    standin.failNext("b2_update_bucket", 400, "bad_request", "retention refused");
    standin.failNext("b2_delete_bucket", 401, "unauthorized", "application key does not have the deleteBuckets capability");
    const second = await failure(bucketProvider.create(await bucketInputs(name, lock)));
    const undo = `deleting the half-configured bucket "${name}" also failed`;
    expect(second.message).toMatch(new RegExp(`^b2_update_bucket: 400 bad_request: retention refused; ${undo}: b2_delete_bucket: 401 unauthorized: `));
    expect(second.message).not.toContain("\n");
    expect(named(name)).toHaveLength(1);

    const r = await bucketProvider.create(await bucketInputs(name, lock));
    expect(named(name).map((b) => b.bucketId)).toEqual([r.id]);
    const { value } = standin.buckets.get(r.id)!.fileLockConfiguration;
    expect(value).toEqual({ isFileLockEnabled: true, defaultRetention: lock.defaultRetention });
  });

  it("an update keeps the marker (B2 replaces bucketInfo) and writes it into a bucket made before markers", async () => {
    const name = freshName();
    const inputs = await bucketInputs(name);
    const made = await bucketProvider.create(inputs);
    const news = await bucketInputs(name, { corsRules: [], bucketInfo: { "managed-by": "secure-storage", note: "x" } });
    await bucketProvider.update!(made.id, made.outs, news);
    const info = standin.buckets.get(made.id)!.bucketInfo;
    expect(info).toEqual({ "managed-by": "secure-storage", note: "x", [OWNER_INFO_KEY]: ownerOf(name) });

    standin.tamper(made.id, { bucketInfo: { "managed-by": "secure-storage" } });
    const read = await bucketProvider.read!(made.id, made.outs);
    expect(read.props.owner).toBeUndefined();
    const diff = await bucketProvider.diff(made.id, read.props, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await bucketProvider.update!(made.id, read.props, news);
    expect(standin.buckets.get(made.id)!.bucketInfo[OWNER_INFO_KEY]).toBe(ownerOf(name));
  });
});

describe("B2 key create: orphans of an interrupted create are swept by exact name", () => {
  async function bucketFor(): Promise<string> {
    return (await bucketProvider.create(await bucketInputs(freshName()))).id;
  }
  const keyInputs = (bucketId: string, keyName: string) => ({
    ...account(),
    keyName,
    capabilities: ["listBuckets", "readFiles"],
    bucketId,
    namePrefix: "users/",
  });
  const orphan = (bucketId: string, keyName: string) =>
    direct().createKey({ accountId: standin.accountId, keyName, capabilities: ["readFiles"], bucketId });

  it("deletes every key holding exactly its name, then creates one; other names stay", async () => {
    const bucketId = await bucketFor();
    const name = `${freshName()}-backend-g1-0a1b2c3d`;
    const orphans = [await orphan(bucketId, name), await orphan(bucketId, name)];
    const others = [await orphan(bucketId, `${name}0`), await orphan(bucketId, name.slice(0, -1))];
    standin.calls.length = 0;
    const r = await keyProvider.create(keyInputs(bucketId, name));
    expect(standin.trace()).toEqual(["b2_list_keys 200", "b2_delete_key 200", "b2_delete_key 200", "b2_create_key 200"]);
    expect(keysNamed(name).map((k) => k.applicationKeyId)).toEqual([r.id]);
    expect(orphans.map((o) => o.applicationKeyId)).not.toContain(r.id);
    expect(r.outs.applicationKeyId).toBe(r.id);
    for (const o of others) expect(standin.keys.has(o.applicationKeyId)).toBe(true);
  });

  it("a lost create answer is not retried: the key it may have made is deleted and the create fails", async () => {
    const bucketId = await bucketFor();
    const name = `${freshName()}-backend-g1`;
    standin.calls.length = 0;
    standin.loseAnswerNext("b2_create_key");
    const err = await failure(keyProvider.create(keyInputs(bucketId, name)));
    expect(err.message).toMatch(/^b2_create_key: request failed after 1 attempt: /);
    expect(standin.trace()).toEqual([
      "b2_list_keys 200",
      "b2_create_key 200 answer-lost",
      "b2_list_keys 200",
      "b2_delete_key 200",
    ]);
    expect(keysNamed(name)).toEqual([]);
  });

  it("a failed cleanup is reported with the create's error; the next create clears the orphan", async () => {
    const bucketId = await bucketFor();
    const name = `${freshName()}-backend-g1`;
    standin.loseAnswerNext("b2_create_key");
    standin.failNext("b2_delete_key", 401, "unauthorized", "application key does not have the deleteKeys capability");
    const err = await failure(keyProvider.create(keyInputs(bucketId, name)));
    const undo = `deleting keys named "${name}" that the failed create may have made also failed`;
    expect(err.message).toMatch(new RegExp(`^b2_create_key: request failed after 1 attempt: .+; ${undo}: b2_delete_key: 401 unauthorized: `));
    expect(err.message).not.toContain("\n");
    const [left] = keysNamed(name);
    expect(left).toBeDefined();
    const r = await keyProvider.create(keyInputs(bucketId, name));
    expect(keysNamed(name).map((k) => k.applicationKeyId)).toEqual([r.id]);
    expect(r.id).not.toBe(left.applicationKeyId);
  });

  it("a create B2 refused (4xx) made nothing, so nothing is cleaned up after it", async () => {
    const bucketId = await bucketFor();
    standin.calls.length = 0;
    standin.failNext("b2_create_key", 400, "bad_request", "namePrefix refused");
    const err = await failure(keyProvider.create(keyInputs(bucketId, `${freshName()}-k-g1`)));
    expect(err.message).toBe("b2_create_key: 400 bad_request: namePrefix refused");
    expect(standin.trace()).toEqual(["b2_list_keys 200", "b2_create_key 400 bad_request"]);
  });
});

describe("B2 reads and deletes: only not-found means gone", () => {
  it("bucket: any other error is thrown, not reported as deleted", async () => {
    const made = await bucketProvider.create(await bucketInputs(freshName()));
    standin.failNext("b2_list_buckets", 401, "unauthorized", "application key does not have the listBuckets capability");
    const read = () => failure(bucketProvider.read!(made.id, made.outs));
    expect((await read()).message).toMatch(/^b2_list_buckets: 401 unauthorized: /);
    standin.failNext("b2_list_buckets", 400, "bad_request", "something else");
    expect((await read()).message).toBe("b2_list_buckets: 400 bad_request: something else");
    expect((await bucketProvider.read!(made.id, made.outs)).id).toBe(made.id);
    standin.failNext("b2_delete_bucket", 401, "unauthorized", "no deleteBuckets");
    await expect(bucketProvider.delete(made.id, made.outs)).rejects.toThrow(/^b2_delete_bucket: 401 unauthorized: no deleteBuckets/);
    expect(standin.buckets.has(made.id)).toBe(true);
    await bucketProvider.delete(made.id, made.outs);
    expect(await bucketProvider.read!(made.id, made.outs)).toEqual({ id: "", props: {} });
    await bucketProvider.delete(made.id, made.outs); // already gone is done
  });

  it("key: any other error is thrown, not reported as deleted", async () => {
    const bucket = await bucketProvider.create(await bucketInputs(freshName()));
    const keyName = `${freshName()}-k-g1`;
    const made = await keyProvider.create({ ...account(), keyName, capabilities: ["readFiles"], bucketId: bucket.id });
    standin.failNext("b2_list_keys", 401, "unauthorized", "application key does not have the listKeys capability");
    expect((await failure(keyProvider.read!(made.id, made.outs))).message).toMatch(/^b2_list_keys: 401 unauthorized: /);
    expect((await keyProvider.read!(made.id, made.outs)).id).toBe(made.id);
    standin.failNext("b2_delete_key", 401, "unauthorized", "no deleteKeys");
    await expect(keyProvider.delete(made.id, made.outs)).rejects.toThrow(/^b2_delete_key: 401 unauthorized: no deleteKeys/);
    await keyProvider.delete(made.id, made.outs);
    expect(await keyProvider.read!(made.id, made.outs)).toEqual({ id: "", props: {} });
  });
});
