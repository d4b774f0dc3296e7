/**
 * What an update needs from the MinIO server, checked once before any resource is registered, so
 * a stopped server, wrong admin credentials or a wrong KMS key id end the run in one line that
 * names the fix, instead of one stack trace per resource half-way through the update.
 */
import { request } from "./http";
import { adminCredentialsFromEnv, MinioAdminClient, MinioAdminError } from "./admin-client";
import { minioConnection, type MinioSettings } from "./settings";

export async function minioPreflight(settings: MinioSettings, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const conn = minioConnection(settings);
  const live = new URL("/minio/health/live", conn.endpoint);
  try {
    await request({ method: "GET", url: live, timeoutMs: 5_000, ...(conn.caBundle ? { caBundle: conn.caBundle } : {}) });
  } catch (e) {
    const local = /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(conn.endpoint);
    const hint = local ? " (npm run services -- start minio)" : "";
    return [`storage:minio.endpoint: MinIO at ${conn.endpoint} is not answering${hint}: ${(e as Error).message}`];
  }
  try {
    const problem = await new MinioAdminClient(conn, adminCredentialsFromEnv(env)).kmsKeyProblem(settings.kmsKeyId);
    if (problem) return [`storage:minio.kmsKeyId: MinIO at ${conn.endpoint} has no KMS key "${settings.kmsKeyId}" (${problem})`];
  } catch (e) {
    if (e instanceof MinioAdminError && e.code === "InvalidAccessKeyId") {
      return [`MINIO_ROOT_USER: MinIO at ${conn.endpoint} does not know this access key`];
    }
    if (e instanceof MinioAdminError && e.message.includes("SignatureDoesNotMatch")) {
      return [`MINIO_ROOT_PASSWORD: MinIO at ${conn.endpoint} rejects it for MINIO_ROOT_USER`];
    }
    throw e;
  }
  return [];
}
