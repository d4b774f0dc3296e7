/**
 * The benchmark workload: N MinIO buckets shaped like the dev stack's, each with two keys
 * (an application key and a read-only key, both prefix-scoped), as stack config and as specs.
 */
export const KEYS = {
  app: { access: ["read", "write", "delete", "list"], prefixes: ["data/"], generation: 1 },
  reader: { access: ["read", "list"], prefixes: ["data/"], generation: 1 },
} as const;

export const BENCH_ORIGIN = "http://localhost:3100";

/** Logical bucket names `b000`, `b001`, ... (valid spec names, stable order). */
export function bucketNames(n: number): string[] {
  const width = Math.max(3, String(n - 1).length);
  return Array.from({ length: n }, (_, i) => `b${String(i).padStart(width, "0")}`);
}

export interface KeyOverride {
  generation?: number;
  retirePrevious?: boolean;
}

/** One bucket's raw config, as it would appear under `storage:buckets.<name>`. */
export function bucketConfig(keyOverrides: Record<string, KeyOverride> = {}): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const [name, k] of Object.entries(KEYS)) keys[name] = { ...k, access: [...k.access], prefixes: [...k.prefixes], ...keyOverrides[name] };
  return {
    provider: "minio",
    versioning: true,
    forceDestroy: true,
    encryption: { kind: "managed" },
    cors: [{ origins: [BENCH_ORIGIN], methods: ["GET", "PUT", "POST", "DELETE", "HEAD"], headers: ["*"] }],
    lifecycle: [{ prefix: "tmp/", expireDays: 7 }],
    keys,
  };
}

export interface MinioTarget {
  endpoint: string;
  kmsKeyId: string;
}

/** Full stack config for `n` buckets; `overrides[bucket][key]` changes one key (rotation). */
export function stackConfig(n: number, target: MinioTarget, overrides: Record<string, Record<string, KeyOverride>> = {}): Record<string, unknown> {
  const buckets: Record<string, unknown> = {};
  for (const b of bucketNames(n)) buckets[b] = bucketConfig(overrides[b]);
  return {
    "storage:minio": { endpoint: target.endpoint, region: "us-east-1", kmsKeyId: target.kmsKeyId },
    "storage:buckets": buckets,
  };
}

/** Resources `pulumi up` registers for `n` buckets: per bucket a component, the bucket, a key resource per key; plus the server CORS and the stack. */
export function expectedResources(n: number): number {
  return n * (1 + 1 + Object.keys(KEYS).length) + 2;
}

/** The KMS key name in MINIO_KMS_SECRET_KEY (`<name>:<base64>`); the secret part is never returned. */
export function kmsKeyName(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.MINIO_KMS_SECRET_KEY;
  const name = v?.split(":")[0];
  if (!v || !name || !v.includes(":")) throw new Error("MINIO_KMS_SECRET_KEY must be set as <key-name>:<base64 key> (.local/minio.env; run npm run setup)");
  return name;
}
