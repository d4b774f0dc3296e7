/**
 * Everything a MinIO server holds that this project manages: buckets (S3 API), canned policies and
 * users (admin API), read with the root credentials. The admin client in components/minio has no
 * list calls (the providers only ever touch what they created), so the two listings are signed here.
 */
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AdminCredentials, MinioConnection } from "../../components/minio/admin-client";
import { decryptAdminPayload } from "../../components/minio/admin-crypto";
import { request } from "../../components/minio/http";
import { s3ClientFor } from "../../components/minio/s3-client";

export interface LiveUser {
  accessKey: string;
  /** Canned policies attached to the user (MinIO stores them as one comma-separated string). */
  policies: string[];
  status: string;
}

export interface LiveInventory {
  buckets: string[];
  policies: string[];
  users: LiveUser[];
}

async function adminGet(conn: MinioConnection, creds: AdminCredentials, op: string): Promise<Buffer> {
  const url = new URL(`/minio/admin/v3/${op}`, conn.endpoint);
  const signer = new SignatureV4({ credentials: creds, region: conn.region, service: "s3", sha256: Sha256 });
  const signed = await signer.sign({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: {},
    headers: { host: url.host, "content-length": "0" },
    body: Buffer.alloc(0),
  });
  const headers = signed.headers as Record<string, string>;
  const res = await request({ method: "GET", url, headers, caBundle: conn.caBundle, timeoutMs: 15_000 });
  if (res.status !== 200) {
    const why = res.body.toString("utf8").replace(/\s+/g, " ").slice(0, 200);
    throw new Error(`MinIO admin ${op} on ${conn.endpoint}: HTTP ${res.status} ${why}`);
  }
  return res.body;
}

/** Every bucket, canned policy (built-in ones included) and user on the server. */
export async function listMinio(conn: MinioConnection, creds: AdminCredentials): Promise<LiveInventory> {
  const [bucketList, policyBody, userBody] = await Promise.all([
    s3ClientFor(conn, creds).send(new ListBucketsCommand({})),
    adminGet(conn, creds, "list-canned-policies"),
    adminGet(conn, creds, "list-users"),
  ]);
  const policies = Object.keys(JSON.parse(policyBody.toString("utf8")) as Record<string, unknown>);
  // The user list is encrypted with the root password, like every secret-bearing admin payload.
  const plain = await decryptAdminPayload(creds.secretAccessKey, userBody);
  const raw = JSON.parse(plain.toString("utf8")) as Record<string, { policyName?: string; status?: string }>;
  const users = Object.entries(raw).map(([accessKey, u]) => ({
    accessKey,
    policies: (u.policyName ?? "").split(",").map((p) => p.trim()).filter(Boolean),
    status: u.status ?? "",
  }));
  return {
    buckets: (bucketList.Buckets ?? []).map((b) => b.Name!).sort(),
    policies: policies.sort(),
    users: users.sort((a, b) => a.accessKey.localeCompare(b.accessKey)),
  };
}
