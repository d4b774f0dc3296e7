/**
 * The two-slot rule on B2: each generation is its own ApplicationKey resource named
 * `${bucket}-${key}-g${n}`; bumping the generation adds the new slot and keeps the previous one,
 * retirePrevious drops it, an unrelated change leaves the current key's inputs untouched, and the
 * key provider replaces create-before-delete under a new name, delete-first under the same name.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { provider as keyProvider } from "../../components/b2/key-impl";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { installB2Mocks, settle, unwrap, type Registered } from "../helpers/b2-mocks";
import { asStaticKey } from "../../components/contract";

const registered: Registered[] = [];
beforeAll(() => installB2Mocks(registered));
beforeEach(() => {
  registered.length = 0;
});

const settings = { apiUrl: "https://api.backblazeb2.com" };
const spec = (backend: { generation: number; retirePrevious?: boolean }, extra: Omit<BucketInput, "provider" | "keys"> = {}) =>
  parseStorageSpec({
    buckets: { tasks: { provider: "b2", ...extra, keys: { backend: { access: ["read", "write", "list"], prefixes: ["users/"], ...backend } } } },
  }).buckets.tasks;

async function build(s: ReturnType<typeof spec>) {
  const { B2Bucket } = await import("../../components/b2");
  const c = new B2Bucket("tasks", { bucketName: "tasks-unit-000000", spec: s, settings });
  await unwrap(c.contract.bucket);
  await settle();
  const keys = registered.filter((r) => r.type === "secure-storage:b2:ApplicationKey");
  registered.length = 0;
  return { c, keys: Object.fromEntries(keys.map((k) => [k.name, k.inputs])) };
}

describe("B2 key rotation (two slots)", () => {
  it("generation 1: one slot, no previous", async () => {
    const { c, keys } = await build(spec({ generation: 1 }));
    expect(Object.keys(keys)).toEqual(["tasks-backend-g1"]);
    expect(asStaticKey(c.contract.keys!.backend).previous).toBeUndefined();
  });

  it("bumping to generation 2 adds g2 and keeps g1 with exactly the same inputs (so g1 is not touched)", async () => {
    const before = await build(spec({ generation: 1 }));
    const after = await build(spec({ generation: 2 }));
    expect(Object.keys(after.keys).sort()).toEqual(["tasks-backend-g1", "tasks-backend-g2"]);
    expect(after.keys["tasks-backend-g1"]).toEqual(before.keys["tasks-backend-g1"]);
    expect(String(after.keys["tasks-backend-g2"].keyName)).toMatch(/^tasks-unit-000000-backend-g2-[0-9a-f]{8}$/);
    expect(after.keys["tasks-backend-g2"].keyName).not.toBe(after.keys["tasks-backend-g1"].keyName);
    expect(after.keys["tasks-backend-g2"]).toMatchObject({ capabilities: ["listBuckets", "listFiles", "readFiles", "writeFiles"], namePrefix: "users/" });
    const k = asStaticKey(after.c.contract.keys!.backend);
    expect([await unwrap(k.current.id), k.current.generation]).toEqual(["kid-tasks-backend-g2", 2]);
    expect([await unwrap(k.previous!.id), k.previous!.generation]).toEqual(["kid-tasks-backend-g1", 1]);
    expect(await unwrap(k.previous!.secret)).toBe("secret-tasks-backend-g1");
  });

  it("retirePrevious drops the previous slot; the next bump retires the oldest", async () => {
    expect(Object.keys((await build(spec({ generation: 2, retirePrevious: true }))).keys)).toEqual(["tasks-backend-g2"]);
    expect(Object.keys((await build(spec({ generation: 3 }))).keys).sort()).toEqual(["tasks-backend-g2", "tasks-backend-g3"]);
  });

  it("an unrelated change (CORS, lifecycle, presign) does not change the current key's inputs", async () => {
    const base = await build(spec({ generation: 2 }));
    const changed = await build(
      spec(
        { generation: 2 },
        { cors: [{ origins: ["https://app.example.com"], methods: ["GET"] }], lifecycle: [{ expireDays: 3 }], presign: { uploadSeconds: 60, downloadSeconds: 60 } },
      ),
    );
    expect(changed.keys).toEqual(base.keys);
  });

  it("the key provider: a new name replaces create-before-delete, the same name delete-first; stored credentials are no change", async () => {
    const olds = {
      apiUrl: "https://api.backblazeb2.com",
      keyName: "tasks-unit-000000-backend-g2",
      capabilities: ["listBuckets", "readFiles"],
      bucketId: "b1",
      namePrefix: "users/",
      applicationKeyId: "id",
      applicationKey: "secret",
    };
    const diff = (news: Record<string, unknown>) => keyProvider.diff("id", olds, news);
    expect(await diff({ ...olds })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // Same set in another order is no change.
    expect(await diff({ ...olds, capabilities: ["readFiles", "listBuckets"] })).toMatchObject({ changes: false, replaces: [] });
    // Create deletes every key holding its name, so the old key must go first under the same name.
    expect(await diff({ ...olds, capabilities: ["listBuckets", "readFiles", "writeFiles"] })).toEqual({ changes: true, replaces: ["capabilities"], deleteBeforeReplace: true });
    expect(await diff({ ...olds, namePrefix: "other/" })).toEqual({ changes: true, replaces: ["namePrefix"], deleteBeforeReplace: true });
    expect(await diff({ ...olds, bucketId: "b2" })).toEqual({ changes: true, replaces: ["bucketId"], deleteBeforeReplace: true });
    expect(await diff({ ...olds, validDurationInSeconds: 3600 })).toMatchObject({ replaces: ["validDurationInSeconds"], deleteBeforeReplace: true });
    // A new name (a new generation, a renamed bucket) lets the new key exist before the old one goes.
    const renamed = { keyName: "tasks-unit-000000-backend-g3" };
    expect(await diff({ ...olds, ...renamed, capabilities: ["readFiles"] })).toEqual({ changes: true, replaces: ["keyName", "capabilities"], deleteBeforeReplace: false });
    expect(await diff({ ...olds, ...renamed, bucketId: "b2" })).toEqual({ changes: true, replaces: ["keyName", "bucketId"], deleteBeforeReplace: false });
    // State written by an earlier version holds the account credentials: no change (a refresh drops them).
    const stored = { ...olds, accountKeyId: "a", accountKey: "k" };
    expect(await keyProvider.diff("id", stored, { ...olds })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // An in-place update (apiUrl only) keeps the issued key in the outputs.
    const updated = await keyProvider.update!("id", olds, { ...olds, apiUrl: "https://api.example.com" });
    expect(updated.outs).toMatchObject({ applicationKeyId: "id", applicationKey: "secret", apiUrl: "https://api.example.com" });
  });
});
