/** The B2 access mapping and spec translation: capabilities, CORS, lifecycle, object lock, and what B2 refuses. */
import { describe, expect, it } from "vitest";
import {
  b2Capabilities,
  b2CorsRules,
  b2DefaultRetention,
  b2LifecycleRules,
  b2SpecProblems,
  bucketNameProblem,
  capabilityProblems,
  keyNameProblem,
  KEY_CAPABILITIES_ALLOWED,
} from "../../components/b2/capabilities";
import { b2AccountCredentials, B2Settings, credentialIssues } from "../../components/b2/settings";
import { parseStorageSpec, type BucketInput } from "../../components/spec";

const bucket = (b: Omit<BucketInput, "provider">, logical = "tasks") => parseStorageSpec({ buckets: { [logical]: { provider: "b2", ...b } } }).buckets[logical];

describe("B2 capabilities for a grant", () => {
  it.each([
    [["read"], ["listBuckets", "readFiles"]],
    [["read", "list"], ["listBuckets", "listFiles", "readFiles"]],
    [["write"], ["listBuckets", "writeFiles"]],
    [["delete"], ["deleteFiles", "listBuckets"]],
    [["list"], ["listBuckets", "listFiles"]],
    [["read", "write", "list"], ["listBuckets", "listFiles", "readFiles", "writeFiles"]],
    [["read", "write", "list", "delete"], ["deleteFiles", "listBuckets", "listFiles", "readFiles", "writeFiles"]],
  ] as const)("%j -> %j", (access, caps) => {
    expect(b2Capabilities({ access: [...access] })).toEqual(caps);
  });

  it("never maps to key management, bucket administration or account-wide capabilities", () => {
    const all = b2Capabilities({ access: ["read", "write", "list", "delete"] });
    for (const bad of ["writeKeys", "deleteKeys", "listKeys", "writeBuckets", "deleteBuckets", "listAllBucketNames", "bypassGovernance"]) {
      expect(all).not.toContain(bad);
      expect(KEY_CAPABILITIES_ALLOWED).not.toContain(bad);
    }
  });

  it("capabilityProblems names unknown and forbidden capabilities", () => {
    expect(capabilityProblems(["readFiles", "listFiles"])).toEqual([]);
    expect(capabilityProblems(["readFile"])).toEqual(['unknown B2 capability "readFile"']);
    expect(capabilityProblems(["writeKeys"])[0]).toMatch(/"writeKeys" grants key-management/);
    expect(capabilityProblems(["writeBuckets"])[0]).toMatch(/"writeBuckets" grants/);
    expect(capabilityProblems([])).toEqual(["at least one capability is required"]);
    expect(capabilityProblems(["readFiles", "readFiles"])).toEqual(["capabilities must not repeat"]);
  });
});

describe("B2 names", () => {
  it("bucket names: 6-63 letters, digits, '-', no b2- prefix", () => {
    expect(bucketNameProblem("tasks-prod-abc123")).toBeUndefined();
    expect(bucketNameProblem("short")).toMatch(/6-63/);
    expect(bucketNameProblem("x".repeat(64))).toMatch(/6-63/);
    expect(bucketNameProblem("has_underscore")).toMatch(/letters, digits/);
    expect(bucketNameProblem("b2-reserved")).toMatch(/must not start with "b2-"/);
    expect(bucketNameProblem("B2-Reserved")).toMatch(/must not start with "b2-"/);
  });
  it("key names: 1-100 letters, digits, '-'", () => {
    expect(keyNameProblem("tasks-prod-abc123-backend-g1")).toBeUndefined();
    expect(keyNameProblem("a".repeat(101))).toMatch(/1-100/);
    expect(keyNameProblem("no spaces")).toMatch(/1-100/);
  });
});

describe("spec -> B2 rules", () => {
  it("CORS: one S3-API rule per spec rule, methods as s3_* operations", () => {
    const spec = bucket({
      cors: [{ origins: ["https://calls.example.com", "http://localhost:3000"], methods: ["GET", "PUT", "POST"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }],
    });
    expect(b2CorsRules(spec.cors)).toEqual([
      {
        corsRuleName: "s3-cors-1",
        allowedOrigins: ["https://calls.example.com", "http://localhost:3000"],
        allowedOperations: ["s3_get", "s3_post", "s3_put"],
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 3600,
      },
    ]);
  });

  it("lifecycle: merged per prefix, S3 meanings mapped to hide/delete/cancel days", () => {
    const { rules, conflicts } = b2LifecycleRules([{ prefix: "tmp/", expireDays: 7 }, { abortIncompleteUploadDays: 1 }, { noncurrentExpireDays: 30 }]);
    expect(conflicts).toEqual([]);
    expect(rules).toEqual([
      { fileNamePrefix: "", daysFromHidingToDeleting: 30, daysFromStartingToCancelingUnfinishedLargeFiles: 1 },
      { fileNamePrefix: "tmp/", daysFromUploadingToHiding: 7 },
    ]);
    expect(b2LifecycleRules([{ expireDays: 7 }, { expireDays: 8 }]).conflicts).toEqual([
      { index: 1, message: 'expireDays: conflicts with another rule for prefix "" (B2 has one rule per prefix)' },
    ]);
  });

  it("object lock: lower-case mode and a period in days", () => {
    expect(b2DefaultRetention({ mode: "COMPLIANCE", days: 30 })).toEqual({ mode: "compliance", period: { duration: 30, unit: "days" } });
    expect(b2DefaultRetention({ mode: "GOVERNANCE", days: 1 })).toEqual({ mode: "governance", period: { duration: 1, unit: "days" } });
  });
});

describe("b2SpecProblems: config errors before any request, named by path", () => {
  it("accepts the scenario buckets", () => {
    expect(
      b2SpecProblems(
        "tasks",
        bucket({ keys: { backend: { access: ["read", "write", "list"], prefixes: ["users/"], generation: 1 } } }),
        "tasks-prod-abc123",
      ),
    ).toEqual([]);
  });

  it("a key with several prefixes", () => {
    const spec = bucket({ keys: { backend: { access: ["read"], prefixes: ["users/", "tasks/"], generation: 1 } } });
    expect(b2SpecProblems("tasks", spec)).toEqual([
      'storage:buckets.tasks.keys.backend.prefixes: a B2 application key has a single namePrefix; got 2 ("users/", "tasks/"): use one key per prefix or a common parent prefix',
    ]);
  });

  it("a delete key without write (B2's S3 DeleteObject by name needs writeFiles too)", () => {
    const spec = bucket({ keys: { janitor: { access: ["delete", "list"], prefixes: ["tmp/"], generation: 1 } } });
    expect(b2SpecProblems("tasks", spec)).toEqual([
      "storage:buckets.tasks.keys.janitor.access: on B2, deleting by name through the S3 API needs writeFiles as well as deleteFiles; grant write together with delete",
    ]);
    expect(b2SpecProblems("tasks", bucket({ keys: { janitor: { access: ["delete", "write"], generation: 1 } } }))).toEqual([]);
  });

  it("more than 100 CORS rules", () => {
    const rule = { origins: ["https://a.example.com"], methods: ["GET" as const] };
    expect(b2SpecProblems("tasks", bucket({ cors: Array.from({ length: 101 }, () => rule) }))).toEqual([
      "storage:buckets.tasks.cors: B2 allows at most 100 CORS rules per bucket (got 101)",
    ]);
    expect(b2SpecProblems("tasks", bucket({ cors: Array.from({ length: 100 }, () => rule) }))).toEqual([]);
  });

  it("bucket names B2 refuses", () => {
    expect(b2SpecProblems("b2-files", bucket({}, "b2-files"))[0]).toMatch(/^storage:buckets\.b2-files: the physical bucket name would start with "b2-"/);
    expect(b2SpecProblems("b2", bucket({}, "b2"))[0]).toMatch(/would start with "b2-"/);
    expect(b2SpecProblems("tasks", bucket({}), "tasks_x")[0]).toMatch(/^storage:buckets\.tasks: physical name "tasks_x" may contain only/);
  });

  it("KMS encryption, unversioned buckets, forceDestroy and lifecycle conflicts", () => {
    const spec = bucket({ encryption: { kind: "kms", keyId: "k" }, versioning: false, forceDestroy: true, lifecycle: [{ expireDays: 1 }, { expireDays: 2 }] });
    expect(b2SpecProblems("tasks", spec)).toEqual([
      "storage:buckets.tasks.encryption: B2 has no customer-managed KMS keys; use { kind: managed } (SSE-B2, AES256)",
      "storage:buckets.tasks.versioning: B2 always keeps file versions; set versioning: true and prune old versions with lifecycle noncurrentExpireDays",
      "storage:buckets.tasks.forceDestroy: the B2 provider never deletes files; empty the bucket before destroying it and remove forceDestroy",
      'storage:buckets.tasks.lifecycle[1].expireDays: conflicts with another rule for prefix "" (B2 has one rule per prefix)',
    ]);
  });
});

describe("storage:b2 settings", () => {
  it("credentials come from the environment only; missing ones are named; config fields are refused", () => {
    // The adapter prefixes these with storage:b2 (b2-component.test.ts asserts the full messages).
    expect(credentialIssues({})).toEqual([
      "B2_APPLICATION_KEY_ID is not set: export the B2 account (master or admin) key id",
      "B2_APPLICATION_KEY is not set: export that key's secret",
    ]);
    expect(credentialIssues({ B2_APPLICATION_KEY_ID: "id", B2_APPLICATION_KEY: "k" })).toEqual([]);
    expect(b2AccountCredentials({ B2_APPLICATION_KEY_ID: "id-from-env", B2_APPLICATION_KEY: "key-from-env" })).toEqual({
      accountKeyId: "id-from-env",
      accountKey: "key-from-env",
    });
    const old = B2Settings.safeParse({ accountKeyId: "cfg", accountKey: "cfg-key" });
    expect(old.success).toBe(false);
    expect(old.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "accountKeyId: no longer read from config (it would be stored in state): export B2_APPLICATION_KEY_ID instead",
      "accountKey: no longer read from config (it would be stored in state): export B2_APPLICATION_KEY instead",
    ]);
  });
  it("apiUrl must be https except on loopback; unknown fields are errors", () => {
    expect(B2Settings.safeParse({ apiUrl: "http://api.example.com" }).success).toBe(false);
    expect(B2Settings.safeParse({ apiUrl: "http://127.0.0.1:8080" }).success).toBe(true);
    expect(B2Settings.safeParse({ apiUrl: "https://api.backblazeb2.com" }).success).toBe(true);
    expect(B2Settings.safeParse({ accountKeyID: "x" }).success).toBe(false);
  });
});

describe("Pulumi.prod.yaml B2 buckets (SCENARIOS 1 and 2)", () => {
  it("parse, have no B2 problems, and grant exactly the scenario capabilities", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { parse } = await import("yaml");
    const { b2KeyName } = await import("../../components/b2");
    const config = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8")).config as Record<string, Record<string, { provider: string }>>;
    expect(config["storage:b2"]).toEqual({}); // no credentials in the file
    const raw = Object.fromEntries(Object.entries(config["storage:buckets"]).filter(([, b]) => b.provider === "b2"));
    const spec = parseStorageSpec({ buckets: raw });
    expect(Object.keys(spec.buckets).sort()).toEqual(["call-recordings", "tasks"]);
    for (const [logical, b] of Object.entries(spec.buckets)) expect(b2SpecProblems(logical, b, `${logical}-prod-abc123`)).toEqual([]);

    const tasks = spec.buckets.tasks;
    expect(tasks.presign).toEqual({ uploadSeconds: 900, downloadSeconds: 3600 });
    expect(b2Capabilities(tasks.keys.backend)).toEqual(["listBuckets", "listFiles", "readFiles", "writeFiles"]);
    expect(tasks.keys.backend.prefixes).toEqual(["users/"]);

    const calls = spec.buckets["call-recordings"];
    expect(b2CorsRules(calls.cors)).toEqual([
      {
        corsRuleName: "s3-cors-1",
        allowedOrigins: ["https://calls.example.com"],
        allowedOperations: ["s3_get", "s3_post", "s3_put"],
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: 3600,
      },
    ]);
    expect(b2Capabilities(calls.keys.playback)).toEqual(["listBuckets", "listFiles", "readFiles"]);
    expect(b2Capabilities(calls.keys.ingest)).toEqual(["listBuckets", "writeFiles"]);
    expect(keyNameProblem(b2KeyName("call-recordings-prod-abc123", "playback", 12, "secure-storage/prod/call-recordings"))).toBeUndefined();
  });
});
