/**
 * What `npm run env` prints is enough for real clients: a process whose ONLY environment is that
 * output uploads and downloads with the AWS SDK's default chain (no endpoint, region or key in
 * code), and so does the aws CLI. Against a throwaway MinIO stack through the real engine.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageContract } from "../../components/contract";
import { appEnv, formatEnv } from "../../scripts/app-env";
import { LOCAL, loadEnvFile, openStack, ROOT } from "../../scripts/lib/workspace";
import { program } from "../../stacks/program";
import { loadProjectEnv } from "../helpers/env";
import { MinioServer } from "../helpers/minio-server";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const name = `env${Date.now().toString(36)}`;
const dir = path.join(LOCAL, "e2e-env", name);
let stack: auto.Stack;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await openStack({
    stack: name,
    program: async () => program(),
    config: {
      "storage:minio": { endpoint: "http://127.0.0.1:9000", kmsKeyId: MinioServer.kmsKeyName() },
      "storage:buckets": {
        media: {
          provider: "minio",
          forceDestroy: true,
          keys: { app: { access: ["read", "write", "list"], prefixes: ["app/"], generation: 1 } },
          uploads: [{ prefix: "app/", maxBytes: 1024, contentTypes: ["text/plain"] }],
        },
      },
    },
  });
  const up = await stack.up({ color: "never" });
  env = appEnv(up.outputs.storage.value as StorageContract, "media", "app");
  fs.mkdirSync(dir, { recursive: true });
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run env output drives real clients with nothing else", () => {
  it("the AWS SDK default chain (endpoint, region, credentials from the environment only)", () => {
    const sdk = require.resolve("@aws-sdk/client-s3", { paths: [ROOT] });
    const script = `
      const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } = require(${JSON.stringify(sdk)});
      (async () => {
        const s3 = new S3Client({});
        const Bucket = process.env.S3_BUCKET, Key = "app/hello.txt";
        await s3.send(new PutObjectCommand({ Bucket, Key, Body: "hello from the env", ContentType: "text/plain" }));
        const got = await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body.transformToString();
        const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "app/" }));
        let denied = "no";
        try { await s3.send(new PutObjectCommand({ Bucket, Key: "other/x.txt", Body: "x" })); } catch (e) { denied = e.name; }
        console.log(JSON.stringify({ got, listed: (listed.Contents || []).map((o) => o.Key), denied }));
      })().catch((e) => { console.error(e.name + ": " + e.message); process.exit(1); });`;
    // Only the printed variables: no PATH, HOME, AWS profile or SS_* from the test process.
    const r = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8", cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ got: "hello from the env", listed: ["app/hello.txt"], denied: "AccessDenied" });
  });

  it("the aws CLI, from a sourced dotenv file", () => {
    const aws = spawnSync("bash", ["-c", "command -v aws"], { encoding: "utf8" }).stdout.trim();
    expect(aws, "the aws CLI is installed by npm run setup (pip, into the tool cache)").not.toBe("");
    const file = path.join(dir, "app.env");
    fs.writeFileSync(file, formatEnv(env, "dotenv"));
    fs.writeFileSync(path.join(dir, "up.txt"), "from the aws cli");
    const script = `set -a; . ./app.env; set +a
      aws s3 cp up.txt "s3://$S3_BUCKET/app/cli.txt" --only-show-errors &&
      aws s3 cp "s3://$S3_BUCKET/app/cli.txt" - &&
      ! aws s3 cp up.txt "s3://$S3_BUCKET/other/cli.txt" --only-show-errors 2>/dev/null`;
    // The CLI needs PATH to start; HOME points at an empty dir so no ~/.aws profile can help.
    const r = spawnSync("bash", ["-c", script], { cwd: dir, env: { PATH: path.dirname(aws) + ":/usr/bin:/bin", HOME: dir }, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("from the aws cli");
  });
});
