/**
 * The history probes (checks/history-probes.ts) against the real MinIO: they pass a key made by
 * access.ts, fail the document keys had before issue 19, say when a bucket keeps no versions or
 * no old version can be made, and record a provider's gap with its reason instead of failing.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, s3KeyPolicy } from "../../components/access";
import { staticKeysOf, type BucketContract, type KeyContract, type StaticKeyContract } from "../../components/contract";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { s3ClientFor } from "../../lib/s3-client";
import type { Access, Provider } from "../../components/spec";
import { HistoryProber } from "../../checks/history-probes";
import { recorder } from "../../checks/probe";
import type { ProbeResult } from "../../checks/report";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";

loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const root = s3ClientFor(conn, admin);
const minio = new MinioAdminClient(conn, admin);
const tag = randomBytes(4).toString("hex");
const versioned = `histprobe-v-${tag}`;
const plain = `histprobe-u-${tag}`;
const ALL: Access[] = ["read", "write", "delete", "list"];

/** One MinIO user per key, named by its role in these tests. */
const KEYS: Record<string, { access: Access[]; before?: boolean }> = {
  writer: { access: ALL },
  reader: { access: ["read", "list"] },
  // What access.ts emitted before issue 19: the Allow statements only.
  before: { access: ALL, before: true },
};
const keys: Record<string, KeyContract> = {};

async function documentFor(bucket: string, access: Access[], before = false): Promise<string> {
  const doc = s3KeyPolicy(`arn:aws:s3:::${bucket}`, { access, prefixes: ["p/"] });
  const statements = before
    ? doc.Statement.filter((s) => s.Effect === "Allow" && s.Sid !== "BucketLocation")
    : doc.Statement;
  return canonicalJson({ ...doc, Statement: statements });
}

const contract = (bucket: string, provider: Provider, names: string[]): BucketContract => ({
  provider,
  bucket,
  region: "us-east-1",
  endpoint: conn.endpoint,
  presign: { uploadSeconds: 60, downloadSeconds: 60 },
  cors: [],
  keys: Object.fromEntries(names.map((n) => [n, keys[`${bucket}/${n}`]])),
});

async function probe(b: BucketContract, withAdmin = true): Promise<ProbeResult[]> {
  const rows: ProbeResult[] = [];
  await new HistoryProber(
    b,
    `hist-${randomBytes(3).toString("hex")}`,
    recorder(rows, "b", [401, 403]),
    withAdmin ? admin : undefined,
  ).runAll(staticKeysOf(b));
  return rows;
}
const row = (rows: ProbeResult[], key: string, probe: string) =>
  rows.find((r) => r.key === key && r.probe.startsWith(probe));
const failed = (rows: ProbeResult[]) => rows.filter((r) => !r.ok).map((r) => `${r.key} ${r.probe}: ${r.seen}`);

beforeAll(async () => {
  for (const bucket of [versioned, plain]) {
    await root.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [name, k] of Object.entries(KEYS)) {
      const id = `HP${randomBytes(8).toString("hex").toUpperCase()}`;
      const secret = randomBytes(24).toString("base64url");
      await minio.putPolicy(`${bucket}-${name}`, await documentFor(bucket, k.access, k.before));
      await minio.putUser(id, secret);
      await minio.attachPolicy(id, `${bucket}-${name}`);
      keys[`${bucket}/${name}`] = { kind: "static", access: k.access, prefixes: ["p/"], current: { id, secret, generation: 1 } };
    }
  }
  await root.send(
    new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }),
  );
});

afterAll(async () => {
  for (const bucket of [versioned, plain]) {
    const v = await root.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
    const objects = [...(v?.Versions ?? []), ...(v?.DeleteMarkers ?? [])].map((o) => ({
      Key: o.Key!,
      VersionId: o.VersionId,
    }));
    if (objects.length)
      await root
        .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }))
        .catch(() => undefined);
    await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    for (const name of Object.keys(KEYS)) {
      await minio.deleteUser((keys[`${bucket}/${name}`] as StaticKeyContract | undefined)?.current.id ?? "").catch(() => undefined);
      await minio.deletePolicy(`${bucket}-${name}`).catch(() => undefined);
    }
  }
});

describe("history probes on MinIO", () => {
  it("access.ts keys pass: old versions cannot be read or deleted, location works, listing gap explained", async () => {
    const rows = await probe(contract(versioned, "minio", ["writer", "reader"]));
    expect(failed(rows)).toEqual([]);
    for (const key of ["writer", "reader"]) {
      expect(row(rows, key, "GetBucketLocation")).toMatchObject({ expect: "allow", outcome: "pass" });
      expect(row(rows, key, "GET an old version by versionId")).toMatchObject({ expect: "deny", seen: "403" });
      expect(row(rows, key, "DELETE an old version by versionId")).toMatchObject({ expect: "deny", seen: "403" });
      // A gap the provider documents passes, with the gap as its reason (history-probes.ts says why).
      expect(row(rows, key, "list object versions under p/")).toMatchObject({
        expect: "contain",
        outcome: "pass",
        seen: "200",
        reason: expect.stringContaining("s3:ListBucket"),
      });
      expect(row(rows, key, "list object versions outside its prefixes")).toMatchObject({
        expect: "deny",
        seen: "403",
      });
    }
    // The reader cannot write: it is probed with the writer's old version.
    expect(rows.filter((r) => r.probe.startsWith("PUT two versions")).map((r) => r.key)).toEqual(["writer"]);
  });

  it("the pre-issue-19 document fails: an old version is read and deleted, the location refused", async () => {
    const rows = await probe(contract(versioned, "minio", ["before"]));
    expect(failed(rows).sort()).toEqual([
      "before DELETE an old version by versionId: 200",
      "before GET an old version by versionId: 200",
      "before GetBucketLocation: 403",
    ]);
  });

  it("on B2 and GCS what the key's access implies is recorded with the provider's reason, not failed", async () => {
    for (const provider of ["b2", "gcp"] as const) {
      const rows = await probe(contract(versioned, provider, ["before"]));
      expect(failed(rows), provider).toEqual([]);
      for (const p of ["GET an old version", "DELETE an old version", "list object versions under p/"]) {
        expect(row(rows, "before", p), `${provider} ${p}`).toMatchObject({
          expect: "contain",
          outcome: "pass",
          seen: "200",
          reason: expect.stringMatching(/^cannot be refused: /),
        });
      }
      expect(row(rows, "before", "GetBucketLocation"), provider).toBeUndefined();
    }
  });

  it("a bucket without versioning gets one skipped row per key and request, saying so", async () => {
    const rows = await probe(contract(plain, "minio", ["writer", "reader"]));
    expect(failed(rows)).toEqual([]);
    expect(row(rows, "reader", "GET an old version")).toMatchObject({
      expect: "deny",
      outcome: "skipped",
      seen: "",
      reason: "the bucket keeps no versions",
    });
    expect(rows.filter((r) => r.outcome === "skipped").map((r) => `${r.key} ${r.probe}`).sort()).toEqual([
      "reader DELETE an old version by versionId",
      "reader GET an old version by versionId",
      "writer DELETE an old version by versionId",
      "writer GET an old version by versionId",
    ]);
  });

  it("without admin credentials a key that cannot write gets no old version, and the row says so", async () => {
    const rows = await probe(contract(versioned, "minio", ["reader"]), false);
    expect(failed(rows)).toEqual([]);
    expect(row(rows, "reader", "DELETE an old version")).toMatchObject({
      outcome: "skipped",
      reason: expect.stringMatching(/^no old version under its prefixes/),
    });
  });
});
