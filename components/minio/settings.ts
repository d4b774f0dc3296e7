import { z } from "zod";
import type { MinioConnection } from "./admin-client";

/** `storage:minio` stack config: where the MinIO server is. Admin credentials come from the environment. */
export const MinioSettings = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:9000" }),
  region: z.string().min(1).default("us-east-1"),
  /** Name of the server's KMS key (MINIO_KMS_SECRET_KEY=<name>:<key>) used for default SSE. */
  kmsKeyId: z.string().min(1),
  /** PEM bundle of the private CA that signed the server certificate (https endpoints). */
  caBundle: z.string().optional(),
});
export type MinioSettings = z.infer<typeof MinioSettings>;

/** The connection every MinIO resource and client uses for these settings. */
export function minioConnection(settings: MinioSettings): MinioConnection {
  return { endpoint: settings.endpoint, region: settings.region, ...(settings.caBundle ? { caBundle: settings.caBundle } : {}) };
}
