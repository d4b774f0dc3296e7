import { z } from "zod";
import { defineAdapter } from "../adapter";
import { minioSpecProblems } from "./capabilities";
import { MinioBucket, MinioServerCors, minioConnection } from "./index";
import { MinioSettings } from "./settings";

export const minioAdapter = defineAdapter({
  provider: "minio",
  settings: MinioSettings,
  bucketOptions: z.strictObject({}),
  specProblems: (logical, spec) => minioSpecProblems(logical, spec),
  bucket: ({ logical, bucketName, spec, settings }, opts) => new MinioBucket(logical, { bucketName, spec, settings }, opts),
  shared: (buckets, settings) => {
    // MinIO has one server-wide origin list: the union of every MinIO bucket's CORS origins.
    const origins = [...new Set(Object.values(buckets).flatMap((b) => b.cors.flatMap((r) => r.origins)))].sort();
    new MinioServerCors("minio-server-cors", { conn: minioConnection(settings), origins });
  },
});
