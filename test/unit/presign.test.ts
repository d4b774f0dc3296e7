/** The policy documents and signed headers of client/presign.ts (no network: signing is local). */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { BucketContract, KeyContract, StaticKeyContract } from "../../components/contract";
import { presignGet, presignPost, presignPut, storageFromEnv, uploadRuleFor, UploadRefused } from "../../client/presign";
import { appEnv } from "../../scripts/app-env";

const cred = { id: `AK${randomBytes(6).toString("hex").toUpperCase()}`, secret: randomBytes(20).toString("base64"), generation: 1 };
const bucket: BucketContract = {
  provider: "minio",
  bucket: "clinic-unit-000000",
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9000",
  presign: { uploadSeconds: 900, downloadSeconds: 900 },
  uploads: [
    { prefix: "workspaces/", maxBytes: 10_485_760, contentTypes: ["image/jpeg", "application/pdf"] },
    { prefix: "workspaces/raw/", maxBytes: 100, contentTypes: ["text/csv"] },
    { maxBytes: 1000, contentTypes: ["application/json"] },
  ],
  cors: [],
  keys: {},
};
const writer: StaticKeyContract = { kind: "static", access: ["write"], prefixes: ["workspaces/"], current: cred };

const policyOf = (fields: Record<string, string>) =>
  JSON.parse(Buffer.from(fields.Policy, "base64").toString("utf8")) as { expiration: string; conditions: unknown[] };

describe("upload rules", () => {
  it("pick the longest matching prefix, else the rule without one", () => {
    expect(uploadRuleFor(bucket, "workspaces/raw/a.csv")?.maxBytes).toBe(100);
    expect(uploadRuleFor(bucket, "workspaces/ws-1/a.pdf")?.maxBytes).toBe(10_485_760);
    expect(uploadRuleFor(bucket, "other/a.json")?.maxBytes).toBe(1000);
    expect(uploadRuleFor({ uploads: [] }, "x")).toBeUndefined();
  });
});

describe("presigned POST policy", () => {
  it("signs size range, exact type, key prefix, TTL and credential scope", async () => {
    const before = Date.now();
    const post = await presignPost(bucket, writer, { keyPrefix: "workspaces/ws-1/", contentType: "application/pdf" });
    const policy = policyOf(post.fields);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["content-length-range", 1, 10_485_760],
        ["eq", "$Content-Type", "application/pdf"],
        ["starts-with", "$key", "workspaces/ws-1/"],
        { bucket: "clinic-unit-000000" },
        { "X-Amz-Algorithm": "AWS4-HMAC-SHA256" },
      ]),
    );
    const exp = Date.parse(policy.expiration);
    expect(exp - before).toBeGreaterThan(899_000);
    expect(exp - before).toBeLessThanOrEqual(901_000);
    expect(post.fields["X-Amz-Credential"]).toMatch(new RegExp(`^${cred.id}/\\d{8}/us-east-1/s3/aws4_request$`));
    expect(post.fields["Content-Type"]).toBe("application/pdf");
    expect(JSON.stringify(post)).not.toContain(cred.secret);
  });

  it("an exact object key is signed as an exact key", async () => {
    const post = await presignPost(bucket, writer, { objectKey: "workspaces/ws-1/a.jpg", contentType: "image/jpeg", expiresIn: 60 });
    expect(policyOf(post.fields).conditions).toEqual(expect.arrayContaining([{ key: "workspaces/ws-1/a.jpg" }]));
  });

  it("adds the bucket's required SSE fields as conditions", async () => {
    const kms = { ...bucket, uploadHeaders: { "x-amz-server-side-encryption": "aws:kms" } };
    const post = await presignPost(kms, writer, { keyPrefix: "workspaces/", contentType: "image/jpeg" });
    expect(post.fields["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(policyOf(post.fields).conditions).toEqual(expect.arrayContaining([{ "x-amz-server-side-encryption": "aws:kms" }]));
  });

  it.each([
    [{ keyPrefix: "workspaces/", contentType: "text/html" }, writer, bucket, /content type "text\/html" is not allowed under workspaces\/ \(allowed: image\/jpeg, application\/pdf\)/],
    [{ keyPrefix: "exports/", contentType: "image/jpeg" }, writer, bucket, /"exports\/" is outside the key's prefixes/],
    [{ keyPrefix: "workspaces/", contentType: "image/jpeg" }, { ...writer, access: ["read"] }, bucket, /no write access/],
    [{ keyPrefix: "workspaces/", contentType: "image/jpeg", expiresIn: 901 }, writer, bucket, /expiresIn 901: must be 1\.\.900/],
    [{ keyPrefix: "workspaces/", contentType: "image/jpeg" }, writer, { ...bucket, provider: "b2" }, /B2's S3-compatible API has no POST Object/],
    [{ contentType: "image/jpeg" }, writer, bucket, /exactly one of objectKey or keyPrefix/],
  ] as const)("refuses to sign %j", async (opts, key, b, message) => {
    await expect(presignPost(b as BucketContract, key as StaticKeyContract, opts)).rejects.toThrow(UploadRefused);
    await expect(presignPost(b as BucketContract, key as StaticKeyContract, opts)).rejects.toThrow(message);
  });
});

describe("presigned PUT", () => {
  it("signs Content-Type and Content-Length", async () => {
    const put = await presignPut(bucket, writer, { objectKey: "workspaces/a.pdf", contentType: "application/pdf", contentLength: 2048 });
    const url = new URL(put.url);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(put.headers).toEqual({ "content-type": "application/pdf", "content-length": "2048" });
    // No flexible-checksum parameters: strict S3 implementations and B2 reject a CRC32 of an empty body.
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(url.search).not.toMatch(/x-amz-sdk-checksum-algorithm|x-amz-checksum/i);
  });

  it("refuses a size above the rule or a type outside it", async () => {
    await expect(presignPut(bucket, writer, { objectKey: "workspaces/a.pdf", contentType: "application/pdf", contentLength: 10_485_761 })).rejects.toThrow(
      "contentLength 10485761: must be 1..10485760 bytes",
    );
    await expect(presignPut(bucket, writer, { objectKey: "workspaces/raw/a.pdf", contentType: "application/pdf", contentLength: 10 })).rejects.toThrow(
      /not allowed under workspaces\/raw\//,
    );
  });
});

describe("presigned GET", () => {
  const reader: StaticKeyContract = { kind: "static", access: ["read", "list"], prefixes: ["workspaces/"], current: cred };

  it("signs a GET inside the key's prefixes for at most the download TTL", async () => {
    const url = new URL(await presignGet(bucket, reader, { objectKey: "workspaces/ws-1/a.pdf" }));
    expect(url.pathname).toBe("/clinic-unit-000000/workspaces/ws-1/a.pdf");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(new RegExp(`^${cred.id}/`));
    expect(url.search).not.toMatch(/checksum/i);
  });

  it.each([
    [writer, { objectKey: "workspaces/a.pdf" }, "this key has no read access"],
    [reader, { objectKey: "other/a.pdf" }, '"other/a.pdf" is outside the key\'s prefixes (workspaces/)'],
    [reader, { objectKey: "workspaces/a.pdf", expiresIn: 901 }, "expiresIn 901: must be 1..900 s (the bucket's download TTL)"],
  ] as const)("refuses %#", async (key, opts, message) => {
    await expect(presignGet(bucket, key, opts)).rejects.toThrow(message);
  });
});

describe("storageFromEnv reads back what npm run env prints", () => {
  it("round-trips bucket, key, lifetimes and upload limits", () => {
    const contract = { buckets: { clinic: { ...bucket, keys: { backend: { ...writer, access: ["read", "write"] as KeyContract["access"] } } } } };
    const { bucket: b, key: k } = storageFromEnv(appEnv(contract, "clinic", "backend"));
    expect(b).toMatchObject({ provider: "minio", bucket: bucket.bucket, endpoint: bucket.endpoint, region: "us-east-1", presign: bucket.presign, uploads: bucket.uploads });
    expect(k).toEqual({ kind: "static", access: ["read", "write"], prefixes: ["workspaces/"], current: cred });
  });

  it("names the missing variable", () => {
    expect(() => storageFromEnv({})).toThrow("STORAGE_PROVIDER is not set");
    const env = appEnv({ buckets: { clinic: { ...bucket, keys: { backend: writer } } } }, "clinic", "backend");
    expect(() => storageFromEnv({ ...env, S3_PRESIGN_UPLOAD_SECONDS: "soon" })).toThrow(
      "S3_PRESIGN_UPLOAD_SECONDS must be a whole number of seconds, not \"soon\"",
    );
  });
});
