/**
 * The GCS data path against fake-gcs-server (`npm run services -- start gcs`, http://127.0.0.1:4443).
 *
 * What the emulator DOES, asserted here: JSON API uploads (simple and resumable) and downloads with
 * intact bytes and checksums, listing by prefix, deletes; XML-style path GETs and ListObjectsV2, so
 * the S3 presigner (HMAC SigV4, as in checks/s3-probes.ts) and the V4 signed-URL helper produce URLs
 * it routes to the right object.
 *
 * What the emulator does NOT enforce (asserted too, so an emulator that starts enforcing them is
 * noticed): IAM and IAM conditions (everything is allowed, anonymous included), public access
 * prevention, signature verification (V4 and SigV4 URLs with a wrong signature succeed), HMAC keys
 * (any access ID and secret pass), bucket CORS (every origin gets `*`), uniform bucket-level
 * access / CORS / lifecycle bucket metadata (dropped), and versioning (its filesystem backend
 * refuses it). Uploads through the XML API (`PUT /<bucket>/<object>`, the S3-interop write path)
 * are not implemented. Those properties are proven only by `npm run verify` against a real bucket.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Storage, type Bucket } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcsV4SignedUrl } from "../../components/gcp/signed-url";
import { s3ClientFor } from "../../lib/s3-client";

const ENDPOINT = `http://127.0.0.1:${process.env.GCS_PORT ?? "4443"}`;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const md5b64 = (b: Buffer) => createHash("md5").update(b).digest("base64");

const storage = new Storage({ apiEndpoint: ENDPOINT, projectId: "secure-storage-test" });
let bucket: Bucket;
const name = `gcs-check-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  const up = await fetch(`${ENDPOINT}/storage/v1/b`).then((r) => r.ok, () => false);
  if (!up) throw new Error(`fake-gcs-server is not answering on ${ENDPOINT}; start it with: npm run services -- start gcs`);
  // The component's settings, as far as the JSON API carries them.
  [bucket] = await storage.createBucket(name, {
    iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: "enforced" },
    cors: [{ origin: ["https://app.example.com"], method: ["GET", "PUT"], responseHeader: ["Content-Type", "ETag"], maxAgeSeconds: 600 }],
    lifecycle: { rule: [{ action: { type: "Delete" }, condition: { age: 7 } }] },
  });
});

afterAll(async () => {
  if (!bucket) return;
  await bucket.deleteFiles({ force: true }).catch(() => undefined);
  await bucket.delete().catch(() => undefined);
});

describe("GCS data path (fake-gcs-server)", () => {
  it("simple upload then download: same bytes (sha256), server md5 matches", async () => {
    const data = randomBytes(256 * 1024);
    const file = bucket.file("invoices/2026/inv-1.pdf");
    await file.save(data, { resumable: false, contentType: "application/pdf" });
    const [back] = await file.download();
    expect(sha256(back)).toBe(sha256(data));
    const [meta] = await file.getMetadata();
    expect(meta.md5Hash).toBe(md5b64(data));
    expect(meta.contentType).toBe("application/pdf");
    expect(Number(meta.size)).toBe(data.length);
  });

  it("resumable upload of a multi-chunk object round-trips", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const file = bucket.file("invoices/2026/big.bin");
    await file.save(data, { resumable: true, chunkSize: 1024 * 1024 });
    const [back] = await file.download();
    expect(sha256(back)).toBe(sha256(data));
  });

  it("lists by prefix and deletes", async () => {
    await bucket.file("uploads/a.txt").save("a", { resumable: false });
    const [files] = await bucket.getFiles({ prefix: "invoices/" });
    expect(files.map((f) => f.name).sort()).toEqual(["invoices/2026/big.bin", "invoices/2026/inv-1.pdf"]);
    await bucket.file("uploads/a.txt").delete();
    const [exists] = await bucket.file("uploads/a.txt").exists();
    expect(exists).toBe(false);
  });

  it("a V4 signed URL (service-account signing) routes to the object: same bytes", async () => {
    const data = randomBytes(4096);
    await bucket.file("invoices/signed.bin").save(data, { resumable: false });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const signer = new Storage({
      projectId: "secure-storage-test",
      credentials: { client_email: "signer@secure-storage-test.iam.gserviceaccount.com", private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    });
    const url = await gcsV4SignedUrl(signer, { bucket: name, object: "invoices/signed.bin", action: "read", expiresSeconds: 3600, host: ENDPOINT });
    expect(url.startsWith(`${ENDPOINT}/${name}/invoices/signed.bin?`)).toBe(true);
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(sha256(Buffer.from(await r.arrayBuffer()))).toBe(sha256(data));
  });

  it("the S3 presigner (HMAC SigV4, path style, region auto) routes GET and ListObjectsV2 like the XML API", async () => {
    const data = randomBytes(2048);
    await bucket.file("invoices/s3.bin").save(data, { resumable: false });
    // The same client construction checks/s3-probes.ts uses; fake-gcs ignores the credentials.
    const s3 = s3ClientFor({ endpoint: ENDPOINT, region: "auto" }, { accessKeyId: "GOOG1EXAMPLEACCESSID", secretAccessKey: randomBytes(30).toString("base64") });
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: name, Key: "invoices/s3.bin" }), { expiresIn: 3600 });
    expect(new URL(url).pathname).toBe(`/${name}/invoices/s3.bin`);
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(sha256(Buffer.from(await r.arrayBuffer()))).toBe(sha256(data));
    const list = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: "invoices/" }));
    expect(list.Contents?.map((c) => c.Key)).toContain("invoices/s3.bin");
  });
});

describe("what fake-gcs-server does not enforce (real GCS does; proven only by npm run verify)", () => {
  it("XML API uploads (the S3-interop PUT) are not implemented: 400", async () => {
    const s3 = s3ClientFor({ endpoint: ENDPOINT, region: "auto" }, { accessKeyId: "GOOG1EXAMPLEACCESSID", secretAccessKey: "x".repeat(40) });
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: name, Key: "invoices/put.bin" }), { expiresIn: 60 });
    const r = await fetch(url, { method: "PUT", body: "data" });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("invalid uploadType");
  });

  it("signatures are not verified: a tampered SigV4 signature still reads the object", async () => {
    const s3 = s3ClientFor({ endpoint: ENDPOINT, region: "auto" }, { accessKeyId: "GOOG1EXAMPLEACCESSID", secretAccessKey: "x".repeat(40) });
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: name, Key: "invoices/s3.bin" }), { expiresIn: 60 });
    const tampered = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`);
    expect((await fetch(tampered)).status).toBe(200); // real GCS: 403 SignatureDoesNotMatch
  });

  it("IAM and public access prevention are not enforced: anonymous reads and lists succeed", async () => {
    expect((await fetch(`${ENDPOINT}/${name}/invoices/s3.bin`)).status).toBe(200); // real GCS: 401/403
    expect((await fetch(`${ENDPOINT}/storage/v1/b/${name}/o?prefix=invoices/`)).status).toBe(200);
  });

  it("bucket CORS is not applied: every origin is allowed", async () => {
    const r = await fetch(`${ENDPOINT}/${name}/invoices/s3.bin`, { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "PUT" } });
    expect(r.headers.get("access-control-allow-origin")).toBe("*"); // real GCS: no ACAO for an unlisted origin
  });

  it("uniform access, public access prevention, CORS and lifecycle are not even stored", async () => {
    const [meta] = await bucket.getMetadata();
    expect(meta.name).toBe(name);
    expect([meta.iamConfiguration, meta.cors, meta.lifecycle]).toEqual([undefined, undefined, undefined]);
  });

  it("versioning is refused by its filesystem backend", async () => {
    await expect(storage.createBucket(`${name}-v`, { versioning: { enabled: true } })).rejects.toThrow(/does not support versioning/);
  });
});
