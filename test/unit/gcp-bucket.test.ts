/** GcsBucket under mocks: every resource and every input, for a default, a CMEK and a fully featured bucket. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStorageSpec, type BucketInput } from "../../components/spec";
import { GcpSettings, GcsBucketOptions, type GcpSettingsInput, type GcsBucketOptionsInput } from "../../components/gcp/settings";
import { installGcpMocks, invokes, of, settle, T, unwrap } from "./gcp-mocks";
import { asStaticKey } from "../../components/contract";

beforeAll(installGcpMocks);

const PROJECT = "acme-storage";
const settings = (extra: Partial<GcpSettingsInput> = {}) => GcpSettings.parse({ project: PROJECT, location: "europe-west1", ...extra });
const specOf = (b: Omit<BucketInput, "provider">) => parseStorageSpec({ buckets: { b1: { provider: "gcp", ...b } } }).buckets.b1;

async function build(name: string, bucket: Omit<BucketInput, "provider">, opts: { settings?: Partial<GcpSettingsInput>; options?: GcsBucketOptionsInput } = {}) {
  const { GcsBucket } = await import("../../components/gcp");
  const c = new GcsBucket(name, {
    bucketName: `${name}-unit-0a1b2c`,
    spec: specOf(bucket),
    settings: settings(opts.settings),
    options: GcsBucketOptions.parse(opts.options ?? {}),
    stack: "unit",
  });
  await unwrap(c.contract.bucket);
  await settle();
  return c;
}

const baseBucketInputs = (name: string) => ({
  name: `${name}-unit-0a1b2c`,
  project: PROJECT,
  location: "EUROPE-WEST1",
  storageClass: "STANDARD",
  uniformBucketLevelAccess: true,
  publicAccessPrevention: "enforced",
  versioning: { enabled: true },
  softDeletePolicy: { retentionDurationSeconds: 7 * 86_400 },
  lifecycleRules: [],
  cors: [],
  forceDestroy: false,
  labels: { "managed-by": "secure-storage", stack: "unit", bucket: name },
});

describe("GcsBucket: default bucket", () => {
  it("registers exactly one locked-down bucket and nothing else", async () => {
    const c = await build("plain", {});
    expect(of("plain").map((r) => r.type).sort()).toEqual([T.component, T.bucket].sort());
    expect(of("plain", T.bucket)[0].inputs).toEqual(baseBucketInputs("plain"));

    expect(await unwrap(c.contract.provider)).toBe("gcp");
    expect(await unwrap(c.contract.endpoint)).toBe("https://storage.googleapis.com");
    expect(await unwrap(c.contract.region)).toBe("auto");
    expect(await unwrap(c.contract.bucket)).toBe("plain-unit-0a1b2c");
    expect(c.contract.presign).toEqual({ uploadSeconds: 900, downloadSeconds: 3600 });
    expect(c.contract.keys).toEqual({});
  });

  it("logs to storage:gcp.logBucket, keeps retention and force-destroy explicit", async () => {
    await build("logged", { versioning: false, forceDestroy: true }, {
      settings: { logBucket: "acme-access-logs" },
      options: { retentionDays: 10, softDeleteDays: 30, storageClass: "NEARLINE", logObjectPrefix: "invoices" },
    });
    expect(of("logged", T.bucket)[0].inputs).toEqual({
      ...baseBucketInputs("logged"),
      storageClass: "NEARLINE",
      versioning: { enabled: false },
      softDeletePolicy: { retentionDurationSeconds: 30 * 86_400 },
      logging: { logBucket: "acme-access-logs", logObjectPrefix: "invoices" },
      retentionPolicy: { retentionPeriod: String(10 * 86_400), isLocked: false },
      forceDestroy: true,
    });
  });

  it("options.logging: false turns usage logs off even with a log bucket", async () => {
    await build("unlogged", {}, { settings: { logBucket: "acme-access-logs" }, options: { logging: false } });
    expect(of("unlogged", T.bucket)[0].inputs.logging).toBeUndefined();
  });

  it("refuses a spec for another provider and an illegal physical name", async () => {
    const { GcsBucket } = await import("../../components/gcp");
    const aws = parseStorageSpec({ buckets: { b1: { provider: "aws" } } }).buckets.b1;
    expect(() => new GcsBucket("x1", { bucketName: "x1-unit-000000", spec: aws, settings: settings(), stack: "unit" })).toThrow(/expected "gcp"/);
    expect(() => new GcsBucket("x2", { bucketName: "x2-google-000000", spec: specOf({}), settings: settings(), stack: "unit" })).toThrow(/must not contain "google"/);
  });
});

describe("GcsBucket: CMEK", () => {
  const keyId = "projects/acme-kms/locations/europe-west1/keyRings/storage/cryptoKeys/invoices";

  it("sets the default KMS key and lets the GCS service agent use it", async () => {
    await build("cmek", { encryption: { kind: "kms", keyId } });
    expect(of("cmek").map((r) => r.type).sort()).toEqual([T.component, T.bucket, T.kmsMember].sort());
    expect(of("cmek", T.bucket)[0].inputs).toEqual({ ...baseBucketInputs("cmek"), encryption: { defaultKmsKeyName: keyId } });
    expect(of("cmek", T.kmsMember)[0]).toMatchObject({ name: "cmek-cmek" });
    expect(of("cmek", T.kmsMember)[0].inputs).toEqual({
      cryptoKeyId: keyId,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: "serviceAccount:service-123456789@gs-project-accounts.iam.gserviceaccount.com",
    });
    expect(invokes.filter((i) => i.token === "gcp:storage/getProjectServiceAccount:getProjectServiceAccount").map((i) => i.args.project)).toContain(PROJECT);
  });

  it("leaves the grant to the key's owners when grantKmsToServiceAgent is false", async () => {
    await build("cmekext", { encryption: { kind: "kms", keyId } }, { settings: { grantKmsToServiceAgent: false } });
    expect(of("cmekext").map((r) => r.type).sort()).toEqual([T.component, T.bucket].sort());
    expect(of("cmekext", T.bucket)[0].inputs.encryption).toEqual({ defaultKmsKeyName: keyId });
  });
});

describe("GcsBucket: CORS, lifecycle and scoped keys", () => {
  const B = "full-unit-0a1b2c";
  let c: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    c = await build(
      "full",
      {
        cors: [{ origins: ["https://app.example.com", "http://localhost:3000"], methods: ["GET", "PUT"], headers: ["Content-Type"], exposeHeaders: ["ETag"], maxAgeSeconds: 600 }],
        lifecycle: [{ prefix: "tmp/", expireDays: 7 }, { noncurrentExpireDays: 30, abortIncompleteUploadDays: 1 }],
        keys: {
          reader: { access: ["read"], prefixes: ["invoices/"], generation: 1 },
          ingest: { access: ["write"], prefixes: ["invoices/", "uploads/"], generation: 1 },
          backend: { access: ["read", "write", "delete", "list"], prefixes: ["users/"], generation: 1 },
          auditor: { access: ["list"], generation: 1 },
        },
      },
      { options: { keepNoncurrentVersions: 3 } },
    );
  });

  it("maps CORS and lifecycle rules onto the bucket", () => {
    expect(of("full", T.bucket)[0].inputs).toEqual({
      ...baseBucketInputs("full"),
      cors: [{ origins: ["https://app.example.com", "http://localhost:3000"], methods: ["GET", "PUT"], responseHeaders: ["Content-Type", "ETag"], maxAgeSeconds: 600 }],
      lifecycleRules: [
        { action: { type: "Delete" }, condition: { age: 7, withState: "LIVE", matchesPrefixes: ["tmp/"] } },
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
        { action: { type: "Delete" }, condition: { numNewerVersions: 4, withState: "ARCHIVED" } },
      ],
    });
  });

  it("registers one service account, one HMAC key and the IAM members per key, and one custom role per permission set", () => {
    const count = (t: string) => of("full", t).length;
    expect(of("full").length).toBe(1 + 1 + 4 + 4 + 4 + 6);
    expect([count(T.bucket), count(T.role), count(T.account), count(T.hmac), count(T.member)]).toEqual([1, 4, 4, 4, 6]);
  });

  it("custom roles hold exactly the permissions of the access list", () => {
    const roles = of("full", T.role);
    const byCode = Object.fromEntries(roles.map((r) => [String(r.inputs.roleId).replace(/^ss_[0-9a-f]{12}_/, ""), r.inputs]));
    expect(Object.keys(byCode).sort()).toEqual(["list", "objects_r", "objects_rwd", "objects_w"]);
    expect(byCode.objects_r.permissions).toEqual(["storage.objects.get"]);
    // write-only: create objects (and finish/abort its multipart uploads), never read, list, delete or overwrite.
    expect(byCode.objects_w.permissions).toEqual([
      "storage.multipartUploads.abort",
      "storage.multipartUploads.create",
      "storage.multipartUploads.listParts",
      "storage.objects.create",
    ]);
    expect(byCode.objects_rwd.permissions).toEqual([
      "storage.multipartUploads.abort",
      "storage.multipartUploads.create",
      "storage.multipartUploads.listParts",
      "storage.objects.create",
      "storage.objects.delete",
      "storage.objects.get",
    ]);
    expect(byCode.list.permissions).toEqual(["storage.objects.list"]);
    const hashes = new Set(roles.map((r) => String(r.inputs.roleId).slice(0, 15)));
    expect(hashes.size).toBe(1);
    for (const r of roles) {
      expect(r.inputs).toEqual({
        project: PROJECT,
        roleId: expect.stringMatching(/^ss_[0-9a-f]{12}_(objects_[rwd]+|list)$/),
        title: `secure-storage ${B} ${String(r.inputs.roleId).slice(16)}`,
        description: expect.stringContaining(`gs://${B}`),
        permissions: expect.any(Array),
        stage: "GA",
      });
      expect(JSON.stringify(r.inputs.permissions)).not.toMatch(/\*|buckets\.|setIamPolicy|getIamPolicy/);
    }
  });

  it("binds each key's roles under exact object-name IAM conditions", () => {
    const role = (code: string) => `projects/${PROJECT}/roles/${of("full", T.role).find((r) => String(r.inputs.roleId).endsWith(`_${code}`))!.inputs.roleId}`;
    const sa = (key: string) => `serviceAccount:${of("full", T.account).find((a) => a.name === `full-${key}`)!.inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`;
    const objects = (prefix: string) => ({
      title: `objects under ${prefix}`,
      description: `Object names in ${B} starting with ${prefix}`,
      expression: `resource.name.startsWith("projects/_/buckets/${B}/objects/${prefix}")`,
    });
    type M = { member?: unknown; role?: unknown; condition?: unknown };
    const order = (a: M, b: M) => `${a.member} ${a.role} ${JSON.stringify(a.condition)}`.localeCompare(`${b.member} ${b.role} ${JSON.stringify(b.condition)}`);
    const members = of("full", T.member)
      .map((m) => m.inputs)
      .sort(order);
    const expected = [
      { bucket: B, role: role("objects_r"), member: sa("reader"), condition: objects("invoices/") },
      { bucket: B, role: role("objects_w"), member: sa("ingest"), condition: objects("invoices/") },
      { bucket: B, role: role("objects_w"), member: sa("ingest"), condition: objects("uploads/") },
      { bucket: B, role: role("objects_rwd"), member: sa("backend"), condition: objects("users/") },
      {
        bucket: B,
        role: role("list"),
        member: sa("backend"),
        condition: {
          title: "list under users/",
          description: "List requests whose prefix starts with users/",
          expression: 'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("users/")',
        },
      },
      // A whole-bucket list key needs no condition: the binding is on this one bucket.
      { bucket: B, role: role("list"), member: sa("auditor") },
    ].sort(order);
    expect(members).toEqual(expected);
  });

  it("one service account per key, one ACTIVE HMAC key for generation 1, secrets marked secret", async () => {
    const accounts = of("full", T.account);
    expect(accounts.map((a) => a.name).sort()).toEqual(["full-auditor", "full-backend", "full-ingest", "full-reader"]);
    for (const a of accounts) {
      const key = a.name.slice("full-".length);
      expect(a.inputs).toEqual({
        project: PROJECT,
        accountId: expect.stringMatching(new RegExp(`^${key}-[0-9a-f]{8}$`)),
        displayName: `${B} ${key}`,
        description: expect.stringContaining(`"${key}" of gs://${B}`),
      });
      expect(String(a.inputs.accountId)).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
    }
    const hmacs = of("full", T.hmac);
    expect(hmacs.map((h) => h.name).sort()).toEqual(["full-auditor-g1", "full-backend-g1", "full-ingest-g1", "full-reader-g1"]);
    for (const h of hmacs) {
      const key = h.name.slice("full-".length, -"-g1".length);
      const email = `${accounts.find((a) => a.name === `full-${key}`)!.inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`;
      expect(h.inputs).toEqual({ project: PROJECT, serviceAccountEmail: email, state: "ACTIVE" });
    }
    const reader = asStaticKey(c.contract.keys!.reader);
    expect(await unwrap(reader.current.id)).toBe("GOOG1FULL-READER-G1");
    expect(await pulumi.isSecret(reader.current.secret as pulumi.Output<string>)).toBe(true);
    expect(await unwrap(reader.current.secret)).toBe("secret-of-full-reader-g1");
    expect(reader.current.generation).toBe(1);
    expect(reader.previous).toBeUndefined();
    expect(c.contract.keys!.backend.access).toEqual(["read", "write", "delete", "list"]);
    expect(c.contract.keys!.ingest.prefixes).toEqual(["invoices/", "uploads/"]);
  });

  it("listScope: bucket grants an unconditioned list to a prefixed key (explicit weakening)", async () => {
    await build("widelist", { keys: { backend: { access: ["read", "list"], prefixes: ["users/"], generation: 1 } } }, { options: { listScope: "bucket" } });
    const list = of("widelist", T.member).filter((m) => String(m.inputs.role).endsWith("_list"));
    expect(list).toHaveLength(1);
    expect(list[0].inputs.condition).toBeUndefined();
    const objects = of("widelist", T.member).filter((m) => String(m.inputs.role).endsWith("_objects_r"));
    expect((objects[0].inputs.condition as { expression: string }).expression).toBe(
      'resource.name.startsWith("projects/_/buckets/widelist-unit-0a1b2c/objects/users/")',
    );
  });
});
