/** The policy documents and signed headers of client/presign.ts (no network: signing is local). */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { BucketContract, KeyContract } from "../../components/contract";
import { presignPost, presignPut, uploadRuleFor, UploadRefused } from "../../client/presign";

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
const writer: KeyContract = { access: ["write"], prefixes: ["workspaces/"], current: cred };

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
    await expect(presignPost(b as BucketContract, key as KeyContract, opts)).rejects.toThrow(UploadRefused);
    await expect(presignPost(b as BucketContract, key as KeyContract, opts)).rejects.toThrow(message);
  });
});

describe("presigned PUT", () => {
  it("signs Content-Type and Content-Length", async () => {
    const put = await presignPut(bucket, writer, { objectKey: "workspaces/a.pdf", contentType: "application/pdf", contentLength: 2048 });
    const url = new URL(put.url);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(put.headers).toEqual({ "content-type": "application/pdf", "content-length": "2048" });
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
