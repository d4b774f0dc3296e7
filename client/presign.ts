/**
 * Presigned uploads that carry the bucket's limits, so the storage itself refuses a wrong size,
 * type or place, and presigned downloads within the key's prefixes: applications call these
 * instead of signing bare URLs. An application needs three calls (README, "Applications"):
 *
 *   const { bucket, key } = storageFromEnv();                       // client/env.ts
 *   const post = await presignPost(bucket, key, { keyPrefix: "recordings/c-1/", contentType: "audio/webm" });
 *   const get = await presignGet(bucket, key, { objectKey: "recordings/c-1/a.webm" });
 *
 * - POST (S3, MinIO, GCS S3-interop): a policy with `content-length-range`, an exact
 *   `Content-Type`, the key prefix as `starts-with`, the bucket's required SSE fields and the
 *   spec's TTL. One policy names one type, because POST policies have no "one of" condition:
 *   the application asks for the type it is about to send, and only listed types are signed.
 * - PUT (where POST is unavailable, e.g. B2): `Content-Type` and `Content-Length` are signed
 *   headers, so a different type or size breaks the signature.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { BucketContract, Credential, StaticKeyContract } from "../components/contract";
import { MAX_PRESIGN_SECONDS, MAX_SINGLE_UPLOAD_BYTES, type UploadRule } from "../components/spec";
import { keyPair, type AccessKeyPair } from "../lib/credentials";
import { covers } from "../lib/prefixes";
import { s3ClientFor } from "../lib/s3-client";
import { appClient } from "./s3";

export { appClient } from "./s3";
export { storageFromEnv, type KeyEnvironment } from "./env";

/** The upload was not signed because the storage would (and should) refuse it. */
export class UploadRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UploadRefused";
  }
}

export interface PresignedPost {
  url: string;
  /** Form fields to send before the `file` field, in this order. */
  fields: Record<string, string>;
  /** The limits signed into the policy. */
  limits: { maxBytes: number; contentType: string; keyPrefix: string; expiresIn: number };
}

export interface PresignedPut {
  url: string;
  /** Headers the upload must send exactly (they are part of the signature). */
  headers: Record<string, string>;
}

/** The rule for an object key: the longest matching prefix, else the rule without a prefix. */
export function uploadRuleFor(bucket: Pick<BucketContract, "uploads">, objectKey: string): UploadRule | undefined {
  const rules = bucket.uploads ?? [];
  const prefixed = rules.filter((r) => r.prefix && objectKey.startsWith(r.prefix)).sort((a, b) => b.prefix!.length - a.prefix!.length);
  return prefixed[0] ?? rules.find((r) => !r.prefix);
}

function ttl(bucket: BucketContract, expiresIn?: number): number {
  const seconds = expiresIn ?? bucket.presign.uploadSeconds;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > Math.min(bucket.presign.uploadSeconds, MAX_PRESIGN_SECONDS)) {
    throw new UploadRefused(`expiresIn ${seconds}: must be 1..${Math.min(bucket.presign.uploadSeconds, MAX_PRESIGN_SECONDS)} s (the bucket's upload TTL)`);
  }
  return seconds;
}

function checkType(rule: UploadRule | undefined, contentType: string, where: string): void {
  if (rule && !rule.contentTypes.includes(contentType)) {
    throw new UploadRefused(`content type "${contentType}" is not allowed under ${where} (allowed: ${rule.contentTypes.join(", ")})`);
  }
}

function checkPlace(key: StaticKeyContract, objectKey: string): void {
  if (!key.access.includes("write")) throw new UploadRefused("this key has no write access");
  if (!covers(key, objectKey)) throw new UploadRefused(`"${objectKey}" is outside the key's prefixes (${key.prefixes.join(", ")})`);
}

/** The S3 client for one bucket of the contract, signing as `cred` (a key's credential or admin keys). */
export function bucketClient(bucket: BucketContract, cred: Pick<Credential, "id" | "secret"> | AccessKeyPair): S3Client {
  const conn = { endpoint: bucket.endpoint, region: bucket.region ?? "us-east-1" };
  return s3ClientFor({ ...conn, ...(bucket.caBundle ? { caBundle: bucket.caBundle } : {}) }, keyPair(cred));
}

export interface PostOptions {
  /** Where the browser may put the object: a fixed key, or a prefix it picks a name under. */
  objectKey?: string;
  keyPrefix?: string;
  contentType: string;
  expiresIn?: number;
  /** Sign with this instead of the key's current credential (tests, rotation checks). */
  credential?: Credential;
}

/** A presigned POST policy that enforces size, type, place and TTL at the server. */
export async function presignPost(bucket: BucketContract, key: StaticKeyContract, opts: PostOptions): Promise<PresignedPost> {
  if (bucket.provider === "b2") throw new UploadRefused("B2's S3-compatible API has no POST Object; use presignPut");
  if (bucket.provider === "azure") throw new UploadRefused("Azure Blob has no POST policy; use a SAS (see docs/providers/azure.md)");
  if (!!opts.objectKey === !!opts.keyPrefix) throw new UploadRefused("give exactly one of objectKey or keyPrefix");
  const place = opts.objectKey ?? opts.keyPrefix!;
  checkPlace(key, place);
  const rule = uploadRuleFor(bucket, place);
  checkType(rule, opts.contentType, rule?.prefix ?? "the bucket");
  const maxBytes = rule?.maxBytes ?? MAX_SINGLE_UPLOAD_BYTES;
  const expiresIn = ttl(bucket, opts.expiresIn);
  const sse = bucket.uploadHeaders ?? {};
  const { url, fields } = await createPresignedPost(appClient(bucket, opts.credential ?? key.current), {
    Bucket: bucket.bucket,
    // `${filename}` makes the SDK sign `["starts-with", "$key", prefix]` instead of an exact key.
    Key: opts.objectKey ?? `${opts.keyPrefix}\${filename}`,
    Conditions: [
      ["content-length-range", 1, maxBytes],
      ["eq", "$Content-Type", opts.contentType],
      ...Object.entries(sse).map(([h, v]) => ({ [h]: v })),
    ],
    Fields: { "Content-Type": opts.contentType, ...sse },
    Expires: expiresIn,
  });
  return { url, fields, limits: { maxBytes, contentType: opts.contentType, keyPrefix: opts.keyPrefix ?? opts.objectKey!, expiresIn } };
}

export interface PutOptions {
  objectKey: string;
  contentType: string;
  /** Exact size of the body to be sent. */
  contentLength: number;
  expiresIn?: number;
  credential?: Credential;
}

/** A presigned PUT whose Content-Type and Content-Length are signed. */
export async function presignPut(bucket: BucketContract, key: StaticKeyContract, opts: PutOptions): Promise<PresignedPut> {
  checkPlace(key, opts.objectKey);
  const rule = uploadRuleFor(bucket, opts.objectKey);
  checkType(rule, opts.contentType, rule?.prefix ?? "the bucket");
  const maxBytes = rule?.maxBytes ?? MAX_SINGLE_UPLOAD_BYTES;
  if (!Number.isInteger(opts.contentLength) || opts.contentLength < 1 || opts.contentLength > maxBytes) {
    throw new UploadRefused(`contentLength ${opts.contentLength}: must be 1..${maxBytes} bytes`);
  }
  const headers = { "content-type": opts.contentType, "content-length": String(opts.contentLength), ...(bucket.uploadHeaders ?? {}) };
  const url = await getSignedUrl(
    appClient(bucket, opts.credential ?? key.current),
    new PutObjectCommand({ Bucket: bucket.bucket, Key: opts.objectKey, ContentType: opts.contentType, ContentLength: opts.contentLength }),
    // Without this the presigner leaves content-type/length unsigned and any body would pass.
    { expiresIn: ttl(bucket, opts.expiresIn), signableHeaders: new Set(["content-type", "content-length"]) },
  );
  return { url, headers };
}

export interface GetOptions {
  objectKey: string;
  /** At most the bucket's download TTL (the default). */
  expiresIn?: number;
  credential?: Credential;
}

/** A presigned GET for an object the key may read. */
export async function presignGet(bucket: BucketContract, key: StaticKeyContract, opts: GetOptions): Promise<string> {
  if (!key.access.includes("read")) throw new UploadRefused("this key has no read access");
  if (!covers(key, opts.objectKey)) throw new UploadRefused(`"${opts.objectKey}" is outside the key's prefixes (${key.prefixes.join(", ")})`);
  const max = Math.min(bucket.presign.downloadSeconds, MAX_PRESIGN_SECONDS);
  const expiresIn = opts.expiresIn ?? max;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > max) {
    throw new UploadRefused(`expiresIn ${expiresIn}: must be 1..${max} s (the bucket's download TTL)`);
  }
  const command = new GetObjectCommand({ Bucket: bucket.bucket, Key: opts.objectKey });
  return getSignedUrl(appClient(bucket, opts.credential ?? key.current), command, { expiresIn });
}

/** Encode a presigned POST as multipart/form-data (fields first, the file last, as S3 requires). */
export function postFormBody(post: Pick<PresignedPost, "fields">, file: Buffer, filename = "upload.bin", fileContentType?: string): { body: Buffer; contentType: string } {
  const boundary = `----secure-storage-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(post.fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  const ct = fileContentType ?? post.fields["Content-Type"] ?? "application/octet-stream";
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${ct}\r\n\r\n`));
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
