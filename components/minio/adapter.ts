import { z } from "zod";
import { defineAdapter } from "../adapter";
import { minioSpecProblems } from "./capabilities";
import { MinioBucket, MinioServerCors, minioConnection } from "./index";
import { minioPreflight } from "./preflight";
import { caBundleFileProblems, MinioSettings } from "./settings";

/** Where the admin credentials come from: the environment only, never config or state. */
export const MINIO_ADMIN_ENV = ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"] as const;

export const minioAdapter = defineAdapter({
  provider: "minio",
  settings: MinioSettings,
  bucketOptions: z.strictObject({}),
  specProblems: (logical, spec) => minioSpecProblems(logical, spec),
  // A config-only preview (`--refresh=false`) runs without them; anything that reads the server
  // (an update, or the refresh Pulumi.yaml asks for) needs them, and the providers say so too.
  environmentProblems: (settings, dryRun) => {
    const files = caBundleFileProblems(settings); // every run builds its inputs from the CA
    if (dryRun || files.length) return files;
    const missing = MINIO_ADMIN_ENV.filter((v) => !process.env[v]);
    return missing.length
      ? [`storage:minio: admin credentials missing: set ${missing.join(" and ")} (local MinIO: set -a; . .local/minio.env; set +a)`]
      : [];
  },
  // A preview without admin credentials (CI) skips it; with them, a preview reads the server too.
  preflight: async (settings, dryRun) => (dryRun && MINIO_ADMIN_ENV.some((v) => !process.env[v]) ? [] : minioPreflight(settings)),
  bucket: ({ logical, bucketName, spec, settings }, opts) => new MinioBucket(logical, { bucketName, spec, settings }, opts),
  shared: (buckets, settings) => {
    // MinIO has one server-wide origin list: the union of every MinIO bucket's CORS origins.
    const origins = [...new Set(Object.values(buckets).flatMap((b) => b.cors.flatMap((r) => r.origins)))].sort();
    new MinioServerCors("minio-server-cors", { conn: minioConnection(settings), origins });
  },
});
