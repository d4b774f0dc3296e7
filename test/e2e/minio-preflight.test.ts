/** One line, naming the fix, for each way the MinIO server can refuse an update before it starts. */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { minioPreflight } from "../../components/minio/preflight";
import { MinioSettings } from "../../components/minio/settings";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";
import { MinioServer } from "../helpers/minio-server";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const kmsKeyId = MinioServer.kmsKeyName();
const settings = (over: Record<string, unknown> = {}) => MinioSettings.parse({ endpoint: "http://127.0.0.1:9000", kmsKeyId, ...over });
const env = (over: Record<string, string>) => ({ ...process.env, ...over });

describe("MinIO preflight", () => {
  it("passes against the running server with the right key and credentials", async () => {
    expect(await minioPreflight(settings())).toEqual([]);
  });

  it("names storage:minio.kmsKeyId when the server has no such KMS key", async () => {
    expect(await minioPreflight(settings({ kmsKeyId: "no-such-key" }))).toEqual([
      'storage:minio.kmsKeyId: MinIO at http://127.0.0.1:9000 has no KMS key "no-such-key" (key with given key ID does not exist)',
    ]);
  });

  it("names the variable the server rejects", async () => {
    expect(await minioPreflight(settings(), env({ MINIO_ROOT_PASSWORD: "not-the-password" }))).toEqual([
      "MINIO_ROOT_PASSWORD: MinIO at http://127.0.0.1:9000 rejects it for MINIO_ROOT_USER",
    ]);
    expect(await minioPreflight(settings(), env({ MINIO_ROOT_USER: "nobody-here" }))).toEqual([
      "MINIO_ROOT_USER: MinIO at http://127.0.0.1:9000 does not know this access key",
    ]);
  });

  it("says how to start a local MinIO that is not answering", async () => {
    const [line] = await minioPreflight(settings({ endpoint: "http://127.0.0.1:9" }));
    expect(line).toMatch(/^storage:minio\.endpoint: MinIO at http:\/\/127\.0\.0\.1:9 is not answering \(npm run services -- start minio\): /);
  });
});
