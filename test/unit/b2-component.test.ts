/** B2Bucket (secure-storage:b2:PrivateBucket) and the b2 adapter under Pulumi mocks: every resource and its inputs. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { installB2Mocks, settle, unwrap, type Registered } from "../helpers/b2-mocks";
import { asStaticKey } from "../../components/contract";

const registered: Registered[] = [];
beforeAll(() => installB2Mocks(registered));
beforeEach(() => {
  registered.length = 0;
});

const settings = { apiUrl: "https://api.backblazeb2.com" };
const bucketSpec = (b: Omit<BucketInput, "provider">, logical = "recordings") => parseStorageSpec({ buckets: { [logical]: { provider: "b2", ...b } } }).buckets[logical];
const recordings = () =>
  bucketSpec({
    cors: [{ origins: ["https://calls.example.com"], methods: ["GET", "PUT", "POST"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }],
    lifecycle: [{ noncurrentExpireDays: 30 }],
    keys: {
      playback: { access: ["read", "list"], prefixes: ["recordings/"], generation: 1 },
      ingest: { access: ["write"], prefixes: ["recordings/"], generation: 1 },
    },
  });

describe("B2Bucket under mocks", () => {
  it("registers one private SSE-B2 bucket and one bucket-scoped key per slot, with the exact inputs", async () => {
    const { B2Bucket } = await import("../../components/b2");
    const c = new B2Bucket("recordings", { bucketName: "recordings-unit-000000", spec: recordings(), settings, stack: "unit" });
    await unwrap(c.contract.bucket);
    await settle();

    expect(registered.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "secure-storage:b2:ApplicationKey recordings-ingest-g1",
      "secure-storage:b2:ApplicationKey recordings-playback-g1",
      "secure-storage:b2:Bucket recordings",
      "secure-storage:b2:PrivateBucket recordings",
    ]);
    const bucket = registered.find((r) => r.type === "secure-storage:b2:Bucket")!;
    expect(bucket.inputs).toMatchObject({
      apiUrl: "https://api.backblazeb2.com",
      bucketName: "recordings-unit-000000",
      bucketType: "allPrivate",
      defaultServerSideEncryption: { mode: "SSE-B2", algorithm: "AES256" },
      corsRules: [
        {
          corsRuleName: "s3-cors-1",
          allowedOrigins: ["https://calls.example.com"],
          allowedOperations: ["s3_get", "s3_post", "s3_put"],
          allowedHeaders: ["*"],
          exposeHeaders: ["ETag"],
          maxAgeSeconds: 3600,
        },
      ],
      lifecycleRules: [{ fileNamePrefix: "", daysFromHidingToDeleting: 30 }],
      bucketInfo: { "managed-by": "secure-storage", stack: "unit", logical: "recordings" },
      owner: "secure-storage/unit/recordings",
    });
    expect(bucket.inputs.fileLockEnabled).toBeUndefined();
    expect(bucket.inputs.defaultRetention).toBeUndefined();

    const keys = Object.fromEntries(registered.filter((r) => r.type.endsWith(":ApplicationKey")).map((r) => [r.name, r.inputs]));
    // Per stack, bucket, key and generation: readable, plus a tag that differs whenever one of them does.
    const names = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, String(v.keyName)]));
    expect(names["recordings-playback-g1"]).toMatch(/^recordings-unit-000000-playback-g1-[0-9a-f]{8}$/);
    expect(names["recordings-ingest-g1"]).toMatch(/^recordings-unit-000000-ingest-g1-[0-9a-f]{8}$/);
    const { b2KeyName } = await import("../../components/b2");
    const tag = (n: string) => n.slice(-8);
    const playback = names["recordings-playback-g1"];
    expect(b2KeyName("recordings-unit-000000", "playback", 1, "secure-storage/unit/recordings")).toBe(playback);
    expect(new Set([
      playback,
      b2KeyName("recordings-unit-000000", "playback", 1, "secure-storage/other/recordings"),
      b2KeyName("recordings-unit-000000", "playback", 2, "secure-storage/unit/recordings"),
    ].map(tag)).size).toBe(3);
    // Cut to B2's 100 characters, the tag still tells apart names whose readable parts are equal.
    const long = (owner: string) => b2KeyName("b".repeat(63), "k".repeat(32), 1, owner);
    expect(long("p/s1/l")).toHaveLength(100);
    expect(long("p/s1/l")).not.toBe(long("p/s2/l"));
    expect(keys["recordings-playback-g1"]).toMatchObject({
      capabilities: ["listBuckets", "listFiles", "readFiles"],
      bucketId: "bid-recordings",
      namePrefix: "recordings/",
      apiUrl: "https://api.backblazeb2.com",
    });
    expect(keys["recordings-ingest-g1"]).toMatchObject({ capabilities: ["listBuckets", "writeFiles"], namePrefix: "recordings/" });
    expect(keys["recordings-ingest-g1"].validDurationInSeconds).toBeUndefined();

    // No B2 resource carries the account credentials: the providers read them at run time.
    for (const r of registered.filter((x) => x.type.startsWith("secure-storage:b2:"))) {
      expect(Object.keys(r.inputs).filter((k) => /^accountKey/.test(k)), r.name).toEqual([]);
    }
  });

  it("builds the contract: endpoint and region from the account, key id and secret (secret) per slot", async () => {
    const { B2Bucket } = await import("../../components/b2");
    const c = new B2Bucket("recordings", { bucketName: "recordings-unit-000000", spec: recordings(), settings });
    expect(await unwrap(c.contract.provider)).toBe("b2");
    expect(await unwrap(c.contract.bucket)).toBe("recordings-unit-000000");
    expect(await unwrap(c.contract.endpoint)).toBe("https://s3.us-west-004.backblazeb2.com");
    expect(await unwrap(c.contract.region!)).toBe("us-west-004");
    expect(await unwrap(c.contract.presign)).toEqual({ uploadSeconds: 900, downloadSeconds: 3600 });
    const playback = asStaticKey(c.contract.keys!.playback);
    expect(await unwrap(playback.access)).toEqual(["read", "list"]);
    expect(await unwrap(playback.current.id)).toBe("kid-recordings-playback-g1");
    expect(await unwrap(playback.current.secret)).toBe("secret-recordings-playback-g1");
    expect(await pulumi.isSecret(playback.current.secret as pulumi.Output<string>)).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(playback.current.id))).toBe(false);
    expect(playback.current.generation).toBe(1);
    expect(playback.previous).toBeUndefined();
  });

  it("object lock turns on file lock with a default retention", async () => {
    const { B2Bucket } = await import("../../components/b2");
    new B2Bucket("vault", { bucketName: "vault-unit-000000", spec: bucketSpec({ objectLock: { mode: "COMPLIANCE", days: 365 } }, "vault"), settings });
    await settle();
    const bucket = registered.find((r) => r.type === "secure-storage:b2:Bucket")!;
    expect(bucket.inputs).toMatchObject({ fileLockEnabled: true, defaultRetention: { mode: "compliance", period: { duration: 365, unit: "days" } } });
  });

  it("whole-bucket keys have no namePrefix", async () => {
    const { B2Bucket } = await import("../../components/b2");
    new B2Bucket("tasks", { bucketName: "tasks-unit-000000", spec: bucketSpec({ keys: { admin: { access: ["read"], generation: 1 } } }, "tasks"), settings });
    await settle();
    const key = registered.find((r) => r.type.endsWith(":ApplicationKey"))!;
    expect(key.inputs.namePrefix).toBeUndefined();
    expect(key.inputs.capabilities).toEqual(["listBuckets", "readFiles"]);
  });

  it("refuses another provider's spec and specs B2 cannot do", async () => {
    const { B2Bucket } = await import("../../components/b2");
    const aws = parseStorageSpec({ buckets: { b1: { provider: "aws" } } }).buckets.b1;
    expect(() => new B2Bucket("b1", { bucketName: "b1-unit-000000", spec: aws, settings })).toThrow(/expected "b2"/);
    const twoPrefixes = bucketSpec({ keys: { app: { access: ["read"], prefixes: ["a/", "b/"], generation: 1 } } }, "tasks");
    expect(() => new B2Bucket("tasks", { bucketName: "tasks-unit-000000", spec: twoPrefixes, settings })).toThrow(/storage:buckets\.tasks\.keys\.app\.prefixes: a B2 application key has a single namePrefix/);
  });
});

describe("b2 adapter", () => {
  it("is registered and reports spec problems by path; missing credentials once, at storage:b2", async () => {
    const { ADAPTERS } = await import("../../components/registry");
    const { parseStackConfig } = await import("../../stacks/config");
    const adapter = ADAPTERS.b2!;
    expect(adapter.provider).toBe("b2");
    const spec = bucketSpec({ keys: { app: { access: ["read"], prefixes: ["a/", "b/"], generation: 1 } } }, "tasks");
    expect(adapter.specProblems("tasks", spec, {}, settings)).toEqual([expect.stringMatching(/^storage:buckets\.tasks\.keys\.app\.prefixes: /)]);
    expect(adapter.specProblems("tasks", bucketSpec({}, "tasks"), {}, settings)).toEqual([]);
    expect(adapter.bucketOptions.safeParse({ anything: 1 }).success).toBe(false);

    const saved = { id: process.env.B2_APPLICATION_KEY_ID, key: process.env.B2_APPLICATION_KEY };
    delete process.env.B2_APPLICATION_KEY_ID;
    delete process.env.B2_APPLICATION_KEY;
    try {
      const { environmentProblems } = await import("../../stacks/config");
      const cfg = parseStackConfig({ buckets: { tasks: { provider: "b2" }, media: { provider: "b2" } }, b2: {} });
      // Reported once for the provider however many buckets use it, and only for an update.
      expect(environmentProblems(cfg, false)).toEqual([
        "storage:b2: B2_APPLICATION_KEY_ID is not set: export the B2 account (master or admin) key id",
        "storage:b2: B2_APPLICATION_KEY is not set: export that key's secret",
      ]);
      expect(environmentProblems(cfg, true)).toEqual([]);
      process.env.B2_APPLICATION_KEY_ID = "env-id";
      process.env.B2_APPLICATION_KEY = "env-key";
      expect(parseStackConfig({ buckets: { tasks: { provider: "b2" } }, b2: {} }).settings.b2).toEqual({});
      expect(environmentProblems(cfg, false)).toEqual([]);
    } finally {
      delete process.env.B2_APPLICATION_KEY_ID;
      delete process.env.B2_APPLICATION_KEY;
      if (saved.id !== undefined) process.env.B2_APPLICATION_KEY_ID = saved.id;
      if (saved.key !== undefined) process.env.B2_APPLICATION_KEY = saved.key;
    }
  });

  it("the program's config parser routes b2 buckets and settings through the adapter", async () => {
    const { parseStackConfig } = await import("../../stacks/config");
    const ok = parseStackConfig({ buckets: { tasks: { provider: "b2", keys: { backend: { access: ["read"], prefixes: ["users/"], generation: 1 } } } }, b2: settings });
    expect(ok.settings.b2).toEqual(settings);
    expect(() => parseStackConfig({ buckets: { tasks: { provider: "b2", keys: { app: { access: ["read"], prefixes: ["a/", "b/"], generation: 1 } } } }, b2: settings })).toThrow(
      /storage:buckets\.tasks\.keys\.app\.prefixes: a B2 application key has a single namePrefix/,
    );
    expect(() => parseStackConfig({ buckets: { tasks: { provider: "b2" } }, b2: { ...settings, apiUrl: "http://b2.example.com" } })).toThrow(/storage:b2\.apiUrl: must be https/);
    // A stack that still sets the credentials in config is told where they go now.
    expect(() => parseStackConfig({ buckets: { tasks: { provider: "b2" } }, b2: { accountKey: "k" } })).toThrow(
      /storage:b2\.accountKey: no longer read from config \(it would be stored in state\): export B2_APPLICATION_KEY instead/,
    );
  });
});
