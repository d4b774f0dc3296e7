/**
 * The shared local MinIO (`npm run services -- start minio`) as the provider tests drive it: its
 * settings, root clients from .local/minio.env, and the project name bucket names derive from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { s3ClientFor } from "../../components/minio/s3-client";
import { adminCredentialsFromEnv } from "../../lib/credentials";
import { LOCAL, loadEnvFile, ROOT } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "./env";
import { MinioServer } from "./minio-server";

export function localMinio() {
  loadProjectEnv();
  loadEnvFile(path.join(LOCAL, "minio.env"));
  const settings = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: MinioServer.kmsKeyName() };
  const admin = adminCredentialsFromEnv();
  return {
    settings,
    admin,
    s3: s3ClientFor(settings, admin),
    minio: new MinioAdminClient(settings, admin),
    project: String(parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).name),
  };
}
