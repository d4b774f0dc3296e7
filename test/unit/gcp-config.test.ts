/** GCS config errors: every bad setting, option and spec field is named by its config path, before any resource. */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackConfig } from "../../stacks/config";
import { installGcpMocks, registered, settle } from "./gcp-mocks";
import { configProblems } from "../helpers/config-problems";

const gcp = { project: "acme-storage", location: "europe-west1" };

const problems = configProblems;
const one = (bucket: Record<string, unknown>, settings: unknown = gcp, logical = "inv") => problems({ buckets: { [logical]: { provider: "gcp", ...bucket } }, gcp: settings });

describe("storage:gcp settings", () => {
  it("are required when a bucket uses GCS", () => {
    expect(problems({ buckets: { inv: { provider: "gcp" } } })).toEqual(["storage:gcp: required when a bucket uses provider gcp"]);
  });

  it("name each bad field", () => {
    expect(one({}, { project: "X", location: "europe west" })).toEqual([
      "storage:gcp.project: must be a GCP project ID (6-30 chars of a-z, 0-9, '-', starting with a letter)",
      "storage:gcp.location: must be a GCS location such as EU, US or europe-west1",
    ]);
    expect(one({}, { ...gcp, logbucket: "x" })).toEqual(['storage:gcp: unknown field(s) "logbucket"']);
    expect(one({}, { ...gcp, endpoint: "http://storage.googleapis.com" })).toEqual(["storage:gcp.endpoint: must be an https URL such as https://storage.googleapis.com"]);
    expect(one({}, { ...gcp, logBucket: "Logs!" })).toEqual(["storage:gcp.logBucket: must be a GCS bucket name (3-63 chars of a-z, 0-9, . _ -)"]);
  });

  it("default to the public XML API endpoint and upper-case the location", () => {
    const cfg = parseStackConfig({ buckets: { inv: { provider: "gcp" } }, gcp });
    expect(cfg.settings.gcp).toEqual({ project: "acme-storage", location: "EUROPE-WEST1", endpoint: "https://storage.googleapis.com", dataAccessAuditLogs: false, grantKmsToServiceAgent: true });
  });
});

describe("storage:buckets.<b>.options for GCS", () => {
  it("refuse turning off uniform access or public access prevention, with the reason", () => {
    expect(one({ options: { uniformBucketLevelAccess: false, publicAccessPrevention: "inherited" } })).toEqual([
      "storage:buckets.inv.options.uniformBucketLevelAccess: must be true: IAM conditions (which scope keys to prefixes) only apply with uniform bucket-level access; object ACLs would bypass them",
      'storage:buckets.inv.options.publicAccessPrevention: must be "enforced": this project never makes a GCS bucket public',
    ]);
  });

  it("name out-of-range and unknown knobs", () => {
    expect(one({ options: { softDeleteDays: 3 } })).toEqual(["storage:buckets.inv.options.softDeleteDays: must be 0 (off) or 7-90 days (the range GCS accepts)"]);
    expect(one({ options: { retentionDays: 0, versioning: false } })).toEqual([
      "storage:buckets.inv.options.retentionDays: Too small: expected number to be >=1",
      'storage:buckets.inv.options: unknown field(s) "versioning"',
    ]);
    expect(one({ options: { listScope: "everything" } })[0]).toMatch(/^storage:buckets\.inv\.options\.listScope: /);
  });

  it("accept the defaults", () => {
    const cfg = parseStackConfig({ buckets: { inv: { provider: "gcp" } }, gcp });
    expect(cfg.options.inv).toEqual({ storageClass: "STANDARD", softDeleteDays: 7, lockRetention: false, listScope: "prefix", hmacRetire: "delete" });
  });
});

describe("what GCS (or an IAM condition) cannot express", () => {
  it("bucket names GCS reserves", () => {
    expect(one({}, gcp, "google-docs")).toEqual([
      'storage:buckets.google-docs: GCS bucket names must not start with "goog" (reserved by Google)',
      'storage:buckets.google-docs: GCS bucket names must not contain "google" or a close misspelling of it',
    ]);
    expect(one({}, gcp, "my-google-docs")).toEqual(['storage:buckets.my-google-docs: GCS bucket names must not contain "google" or a close misspelling of it']);
    expect(one({}, gcp, "goog-x")).toEqual(['storage:buckets.goog-x: GCS bucket names must not start with "goog" (reserved by Google)']);
    expect(one({}, gcp, "g00gle-x")).toHaveLength(1);
  });

  it("CMEK keys that are not Cloud KMS key names, global, or in another location", () => {
    const kms = (keyId: string, settings: unknown = gcp) => one({ encryption: { kind: "kms", keyId } }, settings);
    expect(kms("alias/aws-key")).toEqual(["storage:buckets.inv.encryption.keyId: must be a Cloud KMS key name projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>"]);
    expect(kms("projects/acme-kms/locations/global/keyRings/r/cryptoKeys/k")).toEqual([
      "storage:buckets.inv.encryption.keyId: GCS cannot use a global KMS key; use a key in the bucket's location",
    ]);
    expect(kms("projects/acme-kms/locations/us-east1/keyRings/r/cryptoKeys/k")).toEqual([
      'storage:buckets.inv.encryption.keyId: key location "us-east1" must match the bucket location EUROPE-WEST1 ("europe-west1")',
    ]);
    expect(kms("projects/acme-kms/locations/europe/keyRings/r/cryptoKeys/k", { ...gcp, location: "EU" })).toEqual([]);
    expect(kms("projects/acme-kms/locations/europe-west1/keyRings/r/cryptoKeys/k")).toEqual([]);
  });

  it("S3-style object lock, retention on a versioned bucket, noncurrent limits without versioning, logging without a log bucket", () => {
    expect(one({ objectLock: { mode: "COMPLIANCE", days: 30 } })[0]).toMatch(/^storage:buckets\.inv\.objectLock: GCS has no S3-style default object lock; use options\.retentionDays/);
    expect(one({ options: { retentionDays: 30 } })).toEqual([
      "storage:buckets.inv.options.retentionDays: GCS does not allow a retention policy on a versioned bucket; set versioning: false",
    ]);
    expect(one({ versioning: false, options: { retentionDays: 30, lockRetention: true } })).toEqual([]);
    expect(one({ options: { lockRetention: true } })).toEqual(["storage:buckets.inv.options.lockRetention: needs options.retentionDays"]);
    expect(one({ versioning: false, options: { keepNoncurrentVersions: 2 } })).toEqual([
      "storage:buckets.inv.options.keepNoncurrentVersions: needs versioning: true (there are no noncurrent versions otherwise)",
    ]);
    expect(one({ options: { logging: true } })).toEqual(["storage:buckets.inv.options.logging: needs storage:gcp.logBucket (the bucket that receives usage logs)"]);
    expect(one({ options: { logging: true } }, { ...gcp, logBucket: "acme-logs" })).toEqual([]);
  });

  it("more prefixes than conditional bindings IAM allows per role and principal", () => {
    const prefixes = Array.from({ length: 21 }, (_, i) => `p${String(i).padStart(2, "0")}/`);
    expect(one({ keys: { app: { access: ["read"], prefixes, generation: 1 } } })).toEqual([
      "storage:buckets.inv.keys.app.prefixes: GCS IAM allows at most 20 conditional bindings per role and principal; use fewer, shorter prefixes",
    ]);
    expect(one({ keys: { app: { access: ["read"], prefixes: prefixes.slice(0, 20), generation: 1 } } })).toEqual([]);
  });

  it("prefixes an IAM condition cannot hold never reach the component (the spec refuses them first)", () => {
    expect(one({ keys: { app: { access: ["read"], prefixes: ['a"b/'], generation: 1 } } })[0]).toMatch(/^storage:buckets\.inv\.keys\.app\.prefixes\[0\]: /);
  });
});

describe("the program refuses bad GCS config before registering anything", () => {
  beforeAll(installGcpMocks);

  it("throws a SpecError naming the path and registers no resource", async () => {
    pulumi.runtime.setConfig("storage:buckets", JSON.stringify({ inv: { provider: "gcp", options: { publicAccessPrevention: "inherited" } } }));
    pulumi.runtime.setConfig("storage:gcp", JSON.stringify(gcp));
    const { storageFromConfig: program } = await import("../../stacks/program");
    expect(() => program()).toThrow(/storage:buckets\.inv\.options\.publicAccessPrevention: must be "enforced"/);
    await settle();
    expect(registered).toEqual([]);
  });

  it("with valid config the same program registers the GCS component", async () => {
    pulumi.runtime.setConfig("storage:buckets", JSON.stringify({ inv: { provider: "gcp", keys: { app: { access: ["read"], generation: 1 } } } }));
    const { storageFromConfig: program } = await import("../../stacks/program");
    program();
    await settle();
    expect(registered.filter((r) => r.type === "secure-storage:gcp:Bucket").map((r) => r.name)).toEqual(["inv"]);
    expect(registered.find((r) => r.type === "gcp:storage/bucket:Bucket")!.inputs.name).toMatch(/^inv-unit-[0-9a-f]{6}$/);
  });
});

describe("Pulumi.prod.yaml: the invoice application's GCS bucket (SCENARIOS.md 3)", () => {
  it("parses with the GCS adapter, with no problems", () => {
    const prod = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")).config as Record<string, unknown>;
    const buckets = Object.fromEntries(Object.entries(prod["storage:buckets"] as Record<string, { provider: string }>).filter(([, b]) => b.provider === "gcp"));
    const cfg = parseStackConfig({ buckets, gcp: prod["storage:gcp"] });
    const inv = cfg.spec.buckets["invoices-gcs"];
    expect(inv.provider).toBe("gcp");
    // Downloads only through signed URLs valid one hour; uploads short-lived.
    expect(inv.presign).toEqual({ uploadSeconds: 900, downloadSeconds: 3600 });
    expect(inv.encryption.kind).toBe("managed");
    expect(inv.versioning).toBe(true);
    // Every file access audited: Data Access audit logs (who) and usage logs (from where).
    expect(cfg.settings.gcp).toMatchObject({ dataAccessAuditLogs: true, logBucket: expect.any(String) });
    expect(cfg.options["invoices-gcs"]).toMatchObject({ logging: true });
    expect(Object.values(inv.keys).every((k) => k.prefixes.length > 0 && !k.access.includes("delete"))).toBe(true);
  });
});
