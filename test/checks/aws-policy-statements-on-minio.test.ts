/**
 * The AWS bucket's policy statements, run by an engine that speaks the same policy language.
 * MinIO applies bucket policies only to anonymous requests, so the bucket policy's Deny statements
 * (components/aws/bucket-policy.ts) are attached here to the key's identity policy, next to the
 * key document (components/aws/iam-key.ts) without its AWS-only version-read deny, and exercised
 * over HTTP (:9000) and HTTPS (:9443). `s3:TlsVersion`, KMS key ids and s3:GetObjectVersion are
 * AWS-only and stay document assertions.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AWS_ONLY_HISTORY_OBJECT_ACTIONS,
  canonicalJson,
  s3KeyPolicy,
  type PolicyDocument,
  type PolicyStatement,
} from "../../components/access";
import { bucketPolicyDocument } from "../../components/aws/bucket-policy";
import { keyIdentityPolicy } from "../../components/aws/iam-key";
import { MinioAdminClient } from "../../components/minio/admin-client";
import { s3ClientFor } from "../../lib/s3-client";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";
import { s3Status as status } from "../helpers/s3-status";

loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const caBundle = fs.readFileSync(path.join(LOCAL, "tls", "ca.pem"), "utf8");
const http = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const https = { endpoint: "https://127.0.0.1:9443", region: "us-east-1", caBundle };
const bucket = `awsstmts-${randomBytes(4).toString("hex")}`;
const arn = `arn:aws:s3:::${bucket}`;
const grant = { access: ["read" as const, "write" as const], prefixes: ["invoices/"] };
const user = { accessKeyId: `AWSSTM${randomBytes(7).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(24).toString("base64url") };

/** The bucket policy's denies that MinIO models, as identity-policy statements (no Principal). */
function modelledDenies(): PolicyStatement[] {
  const doc = bucketPolicyDocument({ bucketName: bucket, encryption: { sseAlgorithm: "AES256" } });
  return doc.Statement.filter((s) => s.Sid !== "DenyOutdatedTls").map(({ Principal: _p, ...s }) => ({
    ...s,
    Action: Array.isArray(s.Action) ? s.Action : [s.Action],
    Resource: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
  })) as PolicyStatement[];
}

const put = (conn: typeof http, key: string, sse?: "AES256" | "aws:kms") =>
  status(s3ClientFor(conn, user).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x", ...(sse ? { ServerSideEncryption: sse } : {}) })));

/**
 * The AWS document without what only AWS may deny by name: MinIO reads a statement on
 * s3:GetObjectVersion as one on s3:GetObject (test/e2e/history-minio.test.ts).
 */
const minioPart = (doc: PolicyDocument): PolicyDocument => ({
  ...doc,
  Statement: doc.Statement.map((st) => ({
    ...st,
    Action: st.Action.filter((a) => !AWS_ONLY_HISTORY_OBJECT_ACTIONS.includes(a)),
  })),
});

beforeAll(async () => {
  const key = minioPart(keyIdentityPolicy(arn, grant));
  const doc = { ...key, Statement: [...key.Statement, ...modelledDenies()] };
  // http and https are two MinIO servers (two data dirs): the same bucket, policy and user on each.
  for (const conn of [http, https]) {
    await s3ClientFor(conn, admin).send(new CreateBucketCommand({ Bucket: bucket }));
    const a = new MinioAdminClient(conn, admin);
    await a.putPolicy(`${bucket}-app`, canonicalJson(doc));
    await a.putUser(user.accessKeyId, user.secretAccessKey);
    await a.attachPolicy(user.accessKeyId, `${bucket}-app`);
  }
});

afterAll(async () => {
  for (const conn of [http, https]) {
    const root = s3ClientFor(conn, admin);
    const v = await root.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
    const objects = (v?.Versions ?? []).map((o) => ({ Key: o.Key!, VersionId: o.VersionId }));
    if (objects.length) await root.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    const a = new MinioAdminClient(conn, admin);
    await a.deleteUser(user.accessKeyId).catch(() => undefined);
    await a.deletePolicy(`${bucket}-app`).catch(() => undefined);
  }
});

describe("AWS policy statements where MinIO honours them", () => {
  it("the AWS key document is the one MinIO stacks use, its history deny also naming s3:GetObjectVersion", () => {
    const aws = keyIdentityPolicy(arn, grant);
    expect(canonicalJson(minioPart(aws))).toBe(canonicalJson(s3KeyPolicy(arn, grant)));
    expect(aws.Statement.find((st) => st.Sid === "DenyObjectHistory")?.Action).toContain("s3:GetObjectVersion");
  });

  it("DenyInsecureTransport: the key's own PUT is refused without TLS", async () => {
    expect(await put(http, "invoices/a.pdf")).toBe(403);
  });

  it("the same PUT over TLS is allowed, with or without the matching SSE header", async () => {
    expect(await put(https, "invoices/a.pdf")).toBe(200);
    expect(await put(https, "invoices/b.pdf", "AES256")).toBe(200);
  });

  it("DenyWrongEncryptionHeader: an upload naming another algorithm is refused", async () => {
    expect(await put(https, "invoices/c.pdf", "aws:kms")).toBe(403);
  });

  it("prefix scoping: outside invoices/ is refused over TLS too", async () => {
    expect(await put(https, "other/a.pdf")).toBe(403);
  });

  it("the AWS-only TLS 1.2 floor stays in the bucket policy document", () => {
    const doc = bucketPolicyDocument({ bucketName: bucket, encryption: { sseAlgorithm: "AES256" } });
    expect(doc.Statement.find((s) => s.Sid === "DenyOutdatedTls")).toMatchObject({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } });
  });
});
