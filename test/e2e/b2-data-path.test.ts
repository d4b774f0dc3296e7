/**
 * The S3-compatible data path of the B2 buckets (B2 itself cannot be reached from here): the
 * Pulumi.prod.yaml B2 specs (SCENARIOS 1 and 2) are deployed as MinIO buckets through the real CLI,
 * `verify` runs every probe on them, and the task-processing flow runs end to end: presigned PUT
 * (15 min) of inputs and outputs, then "list all outputs of a task with a download URL each"
 * (1 h presigned GETs) with the backend key.
 *
 * Browser CORS rows are left out: on MinIO CORS is one server-wide setting shared with other
 * stacks, while B2 CORS is per bucket and is covered by test/e2e/b2-provider.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type * as auto from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { verifyContract } from "../../checks/verify";
import { presignPut } from "../../client/presign";
import { asStaticKey, type StorageContract } from "../../components/contract";
import { MinioBucket } from "../../components/minio";
import { minioSpecProblems } from "../../components/minio/capabilities";
import { s3ClientFor } from "../../components/minio/s3-client";
import { physicalBucketName } from "../../components/naming";
import { parseStorageSpec } from "../../components/spec";
import { LOCAL, loadEnvFile, openStack, ROOT } from "../../scripts/lib/workspace";
import { loadProjectEnv } from "../helpers/env";

loadProjectEnv();
loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const name = `b2dp${Date.now().toString(36)}`;
const settings = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", kmsKeyId: "dev-sse-key" };

/**
 * The prod B2 bucket specs, unchanged except: provider minio, no bucket CORS, destroyable, and no
 * abortIncompleteUploadDays (MinIO expires stale multipart uploads server-wide; see minioSpecProblems).
 */
function prodB2Specs() {
  const config = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config as Record<string, Record<string, { provider: string }>>;
  const b2 = Object.fromEntries(Object.entries(config["storage:buckets"]).filter(([, b]) => b.provider === "b2"));
  const spec = parseStorageSpec({ buckets: b2 });
  return Object.fromEntries(
    Object.entries(spec.buckets).map(([k, b]) => {
      const lifecycle = b.lifecycle.filter((r) => r.abortIncompleteUploadDays === undefined);
      const copy = { ...b, provider: "minio" as const, cors: [], forceDestroy: true, lifecycle };
      expect(minioSpecProblems(k, copy)).toEqual([]);
      return [k, copy];
    }),
  );
}

let stack: auto.Stack;
let contract: StorageContract;

beforeAll(async () => {
  const specs = prodB2Specs();
  stack = await openStack({
    stack: name,
    config: {},
    program: async () => {
      const buckets: Record<string, unknown> = {};
      for (const [logical, spec] of Object.entries(specs)) {
        buckets[logical] = new MinioBucket(logical, { bucketName: physicalBucketName("secure-storage", name, logical), spec, settings }).contract;
      }
      return { storage: { buckets } };
    },
  });
  const r = await stack.up({ color: "never" });
  contract = r.outputs.storage.value as StorageContract;
});

afterAll(async () => {
  await stack?.destroy({ color: "never" }).catch(() => undefined);
  await stack?.workspace.removeStack(name, { force: true }).catch(() => undefined);
});

describe("B2 bucket specs on the S3 data path (MinIO)", () => {
  it("verify: round trips work and every must-be-denied probe is denied", async () => {
    expect(Object.keys(contract.buckets).sort()).toEqual(["call-recordings", "tasks"]);
    const rows = (await verifyContract(contract, admin)).filter((r) => r.key !== "(browser)");
    expect(rows.filter((r) => !r.ok)).toEqual([]);
    // Write-only ingest and read-only playback are each proven unable to do the other's job.
    const denied = rows.filter((r) => r.expect === "deny").map((r) => `${r.bucket}/${r.key}: ${r.probe}`);
    expect(denied.some((d) => d.startsWith("call-recordings/ingest"))).toBe(true);
    expect(denied.some((d) => d.startsWith("call-recordings/playback"))).toBe(true);
    expect(denied.length).toBeGreaterThanOrEqual(15);
  });

  it("SCENARIOS 1: upload inputs/outputs with 15-minute PUT URLs, list a task's outputs with a 1-hour download URL each", async () => {
    const tasks = contract.buckets.tasks;
    const backend = asStaticKey(tasks.keys.backend);
    const base = `users/u-${name}/tasks/t-1/`;
    const files: Record<string, Buffer> = {
      [`${base}inputs/source.csv`]: Buffer.from("a,b\n1,2\n"),
      [`${base}outputs/report.json`]: Buffer.from('{"ok":true}'),
      [`${base}outputs/summary.txt`]: Buffer.from("done"),
    };
    for (const [objectKey, body] of Object.entries(files)) {
      const put = await presignPut(tasks, backend, { objectKey, contentType: "application/octet-stream", contentLength: body.length });
      expect(new URL(put.url).searchParams.get("X-Amz-Expires")).toBe("900");
      const res = await fetch(put.url, { method: "PUT", headers: put.headers, body: new Uint8Array(body) });
      expect(res.status, objectKey).toBe(200);
    }

    const s3 = s3ClientFor({ endpoint: tasks.endpoint, region: tasks.region ?? "us-east-1" }, { accessKeyId: backend.current.id, secretAccessKey: backend.current.secret });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: tasks.bucket, Prefix: `${base}outputs/` }));
    const outputs = (listed.Contents ?? []).map((o) => o.Key!).sort();
    expect(outputs).toEqual([`${base}outputs/report.json`, `${base}outputs/summary.txt`]);
    for (const key of outputs) {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: tasks.bucket, Key: key }), { expiresIn: tasks.presign.downloadSeconds });
      expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("3600");
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(files[key])).toBe(true);
    }
    // The backend key cannot look outside users/.
    await expect(s3.send(new ListObjectsV2Command({ Bucket: tasks.bucket, Prefix: "" }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });
});
