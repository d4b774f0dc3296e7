/**
 * The other GCS signing path: V4 signed URLs from `@google-cloud/storage`, for applications that
 * sign as a service account (RSA key, or the IAM signBlob API on GCE/Cloud Run) instead of using the
 * contract's HMAC key with an S3 presigner. Both produce URLs that GCS verifies; this one is
 * `X-Goog-Algorithm=GOOG4-RSA-SHA256`, the HMAC/S3 one `X-Amz-Algorithm=AWS4-HMAC-SHA256`.
 *
 * The signing service account needs the same bucket IAM as the key (a signed URL carries the
 * signer's permissions), so grant it through a key in the spec rather than a broad role.
 */
import type { GetSignedUrlConfig, Storage } from "@google-cloud/storage";
import type { BucketContract } from "../contract";
import { MAX_PRESIGN_SECONDS } from "../spec";

export type GcsSignedAction = "read" | "write" | "delete";

export interface GcsSignedUrlRequest {
  bucket: string;
  object: string;
  action: GcsSignedAction;
  expiresSeconds: number;
  /** Signed into a `write` URL: the upload must send exactly this Content-Type. */
  contentType?: string;
  /** Emulator or Private Service Connect host; defaults to https://storage.googleapis.com. */
  host?: string;
}

/** A V4 signed URL for one object and one action, valid `expiresSeconds` (at most 7 days, the V4 limit). */
export async function gcsV4SignedUrl(storage: Storage, req: GcsSignedUrlRequest): Promise<string> {
  if (!Number.isInteger(req.expiresSeconds) || req.expiresSeconds < 1 || req.expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw new Error(`gcsV4SignedUrl: expiresSeconds must be 1-${MAX_PRESIGN_SECONDS} (V4 signed URLs last at most 7 days), got ${req.expiresSeconds}`);
  }
  if (!req.object || req.object.startsWith("/")) throw new Error(`gcsV4SignedUrl: object name "${req.object}" must be non-empty and not start with "/"`);
  if (req.contentType && req.action !== "write") throw new Error("gcsV4SignedUrl: contentType is only signed into write URLs");
  const config: GetSignedUrlConfig = {
    version: "v4",
    action: req.action,
    expires: Date.now() + req.expiresSeconds * 1000,
    ...(req.contentType ? { contentType: req.contentType } : {}),
    ...(req.host ? { host: req.host } : {}),
  };
  const [url] = await storage.bucket(req.bucket).file(req.object).getSignedUrl(config);
  return url;
}

/** A signed URL for the contract's bucket with the contract's TTLs: downloads `downloadSeconds`, uploads `uploadSeconds`. */
export async function gcsSignedUrlFor(
  storage: Storage,
  contract: Pick<BucketContract, "provider" | "bucket" | "presign">,
  object: string,
  purpose: "download" | "upload",
  extra: Pick<GcsSignedUrlRequest, "contentType" | "host"> = {},
): Promise<string> {
  if (contract.provider !== "gcp") throw new Error(`gcsSignedUrlFor: bucket provider is "${contract.provider}", expected "gcp"`);
  return gcsV4SignedUrl(storage, {
    bucket: contract.bucket,
    object,
    action: purpose === "download" ? "read" : "write",
    expiresSeconds: purpose === "download" ? contract.presign.downloadSeconds : contract.presign.uploadSeconds,
    ...extra,
  });
}
