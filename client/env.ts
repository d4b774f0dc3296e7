/**
 * The environment an application gets from `npm run env` and reads back with `storageFromEnv`.
 * The AWS_* names are the ones every AWS SDK and CLI (and boto3, the minio SDKs through their
 * AWS-compatible chains) read on their own; the S3_* and STORAGE_* names carry what the SDKs
 * have no variable for: bucket, prefixes, presign lifetimes and upload limits.
 */
import * as fs from "node:fs";
import type { BucketContract, StaticKeyContract } from "../components/contract";
import type { Access, Provider, UploadRule } from "../components/spec";

/** What one key of one bucket needs, as the app-env output names it. */
export interface KeyEnvironment {
  bucket: BucketContract;
  key: StaticKeyContract;
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set (npm run env -- <bucket> <key> --out app.env writes it)`);
  return v;
}

function count(env: NodeJS.ProcessEnv, name: string): number {
  const n = Number(need(env, name));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of seconds, not "${env[name]}"`);
  return n;
}

function json<T>(env: NodeJS.ProcessEnv, name: string, fallback: T): T {
  const v = env[name];
  if (!v) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

/** The bucket and key an app-env output describes (S3-compatible providers). */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): KeyEnvironment {
  const kind = env.STORAGE_KEY_KIND ?? "static";
  if (kind !== "static") {
    throw new Error(
      `STORAGE_KEY_KIND is "${kind}": storageFromEnv signs with a static key; ` +
        `a ${kind} key authenticates through its SDK's own credential chain`,
    );
  }
  const caFile = env.AWS_CA_BUNDLE;
  const caBundle = env.S3_CA_BUNDLE_PEM ?? (caFile ? fs.readFileSync(caFile, "utf8") : undefined);
  const bucket: BucketContract = {
    // Required: the provider decides path-style addressing, and a wrong guess fails every request.
    provider: need(env, "STORAGE_PROVIDER") as Provider,
    bucket: need(env, "S3_BUCKET"),
    region: env.AWS_REGION ?? env.S3_REGION ?? "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL_S3 ?? need(env, "S3_ENDPOINT"),
    ...(caBundle ? { caBundle } : {}),
    presign: { uploadSeconds: count(env, "S3_PRESIGN_UPLOAD_SECONDS"), downloadSeconds: count(env, "S3_PRESIGN_DOWNLOAD_SECONDS") },
    uploads: json<UploadRule[]>(env, "STORAGE_UPLOAD_RULES", []),
    uploadHeaders: json<Record<string, string>>(env, "STORAGE_UPLOAD_HEADERS", {}),
    cors: [],
    keys: {},
  };
  const key: StaticKeyContract = {
    kind: "static",
    access: need(env, "STORAGE_KEY_ACCESS").split(",") as Access[],
    prefixes: (env.S3_KEY_PREFIXES ?? "").split(",").filter(Boolean),
    current: { id: need(env, "AWS_ACCESS_KEY_ID"), secret: need(env, "AWS_SECRET_ACCESS_KEY"), generation: Number(env.STORAGE_KEY_GENERATION ?? 1) },
  };
  return { bucket, key };
}
