/** The GCS access mapping and naming rules as pure functions. */
import { beforeAll, describe, expect, it } from "vitest";
import { GCS_PERMISSIONS, keyBindings, listCondition, objectCondition, objectRole } from "../../components/gcp/iam";
import { customRoleId, gcsBucketNameProblems, serviceAccountId } from "../../components/gcp/naming";
import { gcsCors, gcsLifecycleRules } from "../../components/gcp/bucket-args";
import { GcpSettings } from "../../components/gcp/settings";
import { installGcpMocks, of, settle, T } from "./gcp-mocks";

describe("GCS permissions per access", () => {
  it("never include bucket administration, IAM or wildcards", () => {
    for (const perms of Object.values(GCS_PERMISSIONS)) {
      for (const p of perms) expect(p).toMatch(/^storage\.(objects\.(get|create|delete|list)|multipartUploads\.(create|abort|listParts))$/);
    }
  });

  it("object roles are named and built from the access list, list stays separate", () => {
    expect(objectRole(["read"])).toEqual({ code: "objects_r", permissions: ["storage.objects.get"] });
    expect(objectRole(["delete", "read"])).toEqual({ code: "objects_rd", permissions: ["storage.objects.delete", "storage.objects.get"] });
    expect(objectRole(["list"])).toBeUndefined();
  });
});

describe("keyBindings", () => {
  it("a whole-bucket rwdl key: two unconditioned bindings", () => {
    expect(keyBindings("b-1", { access: ["read", "write", "delete", "list"], prefixes: [] }, "prefix").map((b) => [b.role.code, b.condition])).toEqual([
      ["objects_rwd", undefined],
      ["list", undefined],
    ]);
  });

  it("a prefixed read+list key: one object and one list condition per prefix", () => {
    const b = keyBindings("b-1", { access: ["read", "list"], prefixes: ["a/", "b/"] }, "prefix");
    expect(b.map((x) => [x.role.code, x.prefix, x.condition?.expression])).toEqual([
      ["objects_r", "a/", 'resource.name.startsWith("projects/_/buckets/b-1/objects/a/")'],
      ["objects_r", "b/", 'resource.name.startsWith("projects/_/buckets/b-1/objects/b/")'],
      ["list", "a/", 'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("a/")'],
      ["list", "b/", 'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("b/")'],
    ]);
  });

  it("refuses a prefix that would break out of the CEL string", () => {
    expect(() => objectCondition("b-1", 'a") || true || ("')).toThrow(/cannot be expressed in an IAM condition/);
    expect(() => listCondition("a\\/")).toThrow(/cannot be expressed/);
  });
});

describe("GCS names", () => {
  it("bucket name rules", () => {
    expect(gcsBucketNameProblems("invoices-prod-0a1b2c")).toEqual([]);
    expect(gcsBucketNameProblems("ab")).toHaveLength(1);
    expect(gcsBucketNameProblems("Invoices")).toHaveLength(1);
    expect(gcsBucketNameProblems("x".repeat(64))).toHaveLength(1);
    expect(gcsBucketNameProblems("goog-x")).toEqual(['must not start with "goog" (reserved by Google)']);
    expect(gcsBucketNameProblems("my-g00gle-x")).toEqual(['must not contain "google" or a close misspelling of it']);
    expect(gcsBucketNameProblems("192.168.5.4")).toContain("must not be an IP address in dotted-decimal notation");
    expect(gcsBucketNameProblems("192-168-5-4")).toEqual([]);
  });

  it("service account and role IDs are valid, stable and distinct per bucket", () => {
    const id = serviceAccountId("invoices-prod-0a1b2c", "a-very-long-key-name-for-testing-x");
    expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
    expect(serviceAccountId("b-1", "ab")).toMatch(/^ab-[0-9a-f]{8}$/);
    expect(serviceAccountId("b-1", "ab")).toBe(serviceAccountId("b-1", "ab"));
    expect(serviceAccountId("b-1", "ab")).not.toBe(serviceAccountId("b-2", "ab"));
    expect(customRoleId("b-1", "objects_rwd")).toMatch(/^[a-zA-Z0-9_.]{3,64}$/);
    expect(customRoleId("b-1", "list")).not.toBe(customRoleId("b-2", "list"));
  });
});

describe("bucket-args", () => {
  it("CORS header lists are merged and deduplicated", () => {
    expect(gcsCors([{ origins: ["https://a.example"], methods: ["PUT"], headers: ["ETag", "Content-Type"], exposeHeaders: ["ETag"], maxAgeSeconds: 10 }])).toEqual([
      { origins: ["https://a.example"], methods: ["PUT"], responseHeaders: ["Content-Type", "ETag"], maxAgeSeconds: 10 },
    ]);
  });

  it("one spec rule with every field becomes one GCS rule per action, all scoped to the prefix", () => {
    expect(gcsLifecycleRules([{ prefix: "tmp/", expireDays: 3, noncurrentExpireDays: 5, abortIncompleteUploadDays: 1 }], {})).toEqual([
      { action: { type: "Delete" }, condition: { age: 3, withState: "LIVE", matchesPrefixes: ["tmp/"] } },
      { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 5, withState: "ARCHIVED", matchesPrefixes: ["tmp/"] } },
      { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1, matchesPrefixes: ["tmp/"] } },
    ]);
    // keep 0 noncurrent versions: delete a version as soon as it has one newer version.
    expect(gcsLifecycleRules([], { keepNoncurrentVersions: 0 })).toEqual([{ action: { type: "Delete" }, condition: { numNewerVersions: 1, withState: "ARCHIVED" } }]);
  });
});

describe("gcpAdapter.shared: Data Access audit logs", () => {
  beforeAll(installGcpMocks);

  it("registers the project's storage Data Access audit config only when asked", async () => {
    const { gcpAdapter } = await import("../../components/gcp/adapter");
    gcpAdapter.shared!({}, GcpSettings.parse({ project: "acme-storage", location: "EU" }), "unit");
    await settle();
    expect(of("gcs-data-access-audit", T.audit)).toEqual([]);
    gcpAdapter.shared!({}, GcpSettings.parse({ project: "acme-storage", location: "EU", dataAccessAuditLogs: true }), "unit");
    await settle();
    expect(of("gcs-data-access-audit", T.audit).map((r) => r.inputs)).toEqual([
      { project: "acme-storage", service: "storage.googleapis.com", auditLogConfigs: [{ logType: "DATA_READ" }, { logType: "DATA_WRITE" }] },
    ]);
  });
});
