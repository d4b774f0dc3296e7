import { describe, expect, it } from "vitest";
import { environmentProblems, parseStackConfig } from "../../stacks/config";
import { SpecError } from "../../components/spec";
import { physicalBucketName } from "../../components/naming";

const minio = { endpoint: "http://127.0.0.1:9000", kmsKeyId: "dev-sse-key" };

function problems(raw: { buckets: unknown; minio?: unknown }): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    return (e as SpecError).problems;
  }
  throw new Error("expected a SpecError");
}

describe("stack config", () => {
  it("requires storage:minio when a bucket uses MinIO", () => {
    expect(problems({ buckets: { b1: { provider: "minio" } } })).toEqual(["storage:minio: required when a bucket uses provider minio"]);
  });

  it("names bad MinIO settings", () => {
    expect(problems({ buckets: { b1: { provider: "minio" } }, minio: { endpoint: "ftp://x", kmsKeyId: "k" } })[0]).toMatch(/^storage:minio\.endpoint: /);
  });

  it("refuses what MinIO cannot do instead of skipping it", () => {
    const p = problems({ buckets: { b1: { provider: "minio", lifecycle: [{ abortIncompleteUploadDays: 1 }] } }, minio });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^storage:buckets\.b1\.lifecycle\[0\]\.abortIncompleteUploadDays: MinIO has no per-bucket rule/);
  });

  it("collects problems from every bucket at once", () => {
    const p = problems({ buckets: { a1: { provider: "minio", keys: { k1: { access: ["read"] } } }, b1: { provider: "minio", cors: [{ origins: ["x"], methods: ["GET"] }] } }, minio });
    expect(p.length).toBe(2);
  });

  it("accepts the committed dev config", async () => {
    const { parse } = await import("yaml");
    const fs = await import("node:fs");
    const dev = parse(fs.readFileSync("Pulumi.dev.yaml", "utf8")).config;
    const cfg = parseStackConfig({ buckets: dev["storage:buckets"], minio: dev["storage:minio"] });
    expect(Object.keys(cfg.spec.buckets).sort()).toEqual(["clinic", "recordings"]);
  });
});

describe("physical names", () => {
  it("are stable, stack-unique and valid bucket names", () => {
    const a = physicalBucketName("secure-storage", "dev", "uploads");
    expect(a).toBe(physicalBucketName("secure-storage", "dev", "uploads"));
    expect(a).not.toBe(physicalBucketName("secure-storage", "prod", "uploads"));
    const long = physicalBucketName("p", "a-very-long-stack-name-for-testing", "a-logical-name-that-is-long-too");
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]+[a-z0-9]$/);
  });
});

describe("MinIO private-CA settings", () => {
  const bucket = { b1: { provider: "minio" } };
  it("names a missing CA file, a non-PEM bundle and a CA on plain http", () => {
    // Parsing reads no file (it stays pure); the program reports the file before registering anything.
    const cfg = parseStackConfig({ buckets: bucket, minio: { endpoint: "https://127.0.0.1:9443", kmsKeyId: "k", caBundleFile: ".local/tls/nope.pem" } });
    for (const dryRun of [true, false]) {
      expect(environmentProblems(cfg, dryRun)).toEqual([
        "storage:minio.caBundleFile: .local/tls/nope.pem does not exist (npm run setup generates .local/tls/ca.pem)",
      ]);
    }
    expect(problems({ buckets: bucket, minio: { endpoint: "https://127.0.0.1:9443", kmsKeyId: "k", caBundle: "not a pem" } })).toEqual([
      "storage:minio.caBundle: must be a PEM bundle with at least one CERTIFICATE block",
    ]);
    const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    const p = problems({ buckets: bucket, minio: { endpoint: "http://127.0.0.1:9000", kmsKeyId: "k", caBundle: pem } });
    expect(p).toContain("storage:minio.caBundle: a CA bundle needs an https endpoint");
    expect(p.some((x) => x.startsWith("storage:minio.caBundle: holds a certificate that does not parse"))).toBe(true);
  });

  it("has no setting that disables verification", () => {
    expect(problems({ buckets: bucket, minio: { ...minio, insecureSkipVerify: true } })).toEqual(['storage:minio: unknown field(s) "insecureSkipVerify"']);
  });
});
