/**
 * Which policy actions the real MinIO checks for requests on object history (issue 19): GET, HEAD
 * and copy of a version by versionId, DELETE by versionId (single and multi-object), version
 * listing, retention, legal hold, and the bucket location. Each user gets one hand-written policy;
 * the assertions are what components/access.ts relies on, so a MinIO that changes fails here.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, s3KeyPolicy, type PolicyStatement } from "../../components/access";
import { MinioAdminClient, type AdminCredentials } from "../../components/minio/admin-client";
import { s3ClientFor } from "../../components/minio/s3-client";
import { LOCAL, loadEnvFile } from "../../scripts/lib/workspace";
import { s3Status as status } from "../helpers/s3-status";

loadEnvFile(path.join(LOCAL, "minio.env"));
const admin = { accessKeyId: process.env.MINIO_ROOT_USER!, secretAccessKey: process.env.MINIO_ROOT_PASSWORD! };
const conn = { endpoint: "http://127.0.0.1:9000", region: "us-east-1" };
const bucket = `history-${randomBytes(4).toString("hex")}`;
const arn = `arn:aws:s3:::${bucket}`;
const root = s3ClientFor(conn, admin);
const minio = new MinioAdminClient(conn, admin);

const allow = (
  Sid: string,
  Action: string[],
  Resource: string[],
  Condition?: PolicyStatement["Condition"],
): PolicyStatement => ({
  Sid,
  Effect: "Allow",
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
const deny = (
  Sid: string,
  Action: string[],
  Resource: string[],
  Condition?: PolicyStatement["Condition"],
): PolicyStatement => ({
  ...allow(Sid, Action, Resource, Condition),
  Effect: "Deny",
});

/** What an application key had before issue 19: object actions under p/, listing conditioned on p/. */
const plain = [
  allow("Objects", ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], [`${arn}/p/*`]),
  allow("List", ["s3:ListBucket"], [arn], { StringLike: { "s3:prefix": ["p/*"] } }),
];
const VERSION_ACTIONS = ["s3:DeleteObjectVersion", "s3:GetObjectVersion"];
const LOCK_ACTIONS = ["s3:BypassGovernanceRetention", "s3:PutObjectLegalHold", "s3:PutObjectRetention"];

/** One user per policy under test (hand-written statements, except `key`: the document access.ts emits). */
const POLICIES: Record<string, PolicyStatement[]> = {
  plain,
  versionsOnly: [
    allow("Versions", VERSION_ACTIONS, [`${arn}/p/*`]),
    allow("ListVersions", ["s3:ListBucketVersions"], [arn], { StringLike: { "s3:prefix": ["p/*"] } }),
  ],
  denyVersionActions: [
    ...plain,
    deny("NoVersions", VERSION_ACTIONS, [`${arn}/*`]),
    deny("NoListVersions", ["s3:ListBucketVersions"], [arn]),
  ],
  denyByVersionId: [
    ...plain,
    deny("NoVersionId", ["s3:DeleteObject", "s3:GetObject"], [`${arn}/*`], { StringLike: { "s3:versionid": ["?*"] } }),
  ],
  lockAllowed: [...plain, allow("Lock", LOCK_ACTIONS, [`${arn}/p/*`])],
  lockDenied: [...plain, allow("Lock", LOCK_ACTIONS, [`${arn}/p/*`]), deny("NoLock", LOCK_ACTIONS, [`${arn}/*`])],
  location: [...plain, allow("Location", ["s3:GetBucketLocation"], [arn])],
  key: s3KeyPolicy(arn, { access: ["read", "write", "delete", "list"], prefixes: ["p/"] }).Statement,
};
type Who = keyof typeof POLICIES;
const users = {} as Record<Who, AdminCredentials>;
const as = (who: Who) => s3ClientFor(conn, users[who]);


/** A fresh object with two versions under p/ (written as root); returns the non-current version's id. */
async function oldVersion(name: string): Promise<{ key: string; versionId: string }> {
  const key = `p/${name}-${randomBytes(3).toString("hex")}.txt`;
  const v1 = await root.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v1" }));
  await root.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v2" }));
  return { key, versionId: v1.VersionId! };
}

const getVersion = (who: Who, o: { key: string; versionId: string }) =>
  status(as(who).send(new GetObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId })));
const headVersion = (who: Who, o: { key: string; versionId: string }) =>
  status(as(who).send(new HeadObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId })));
const deleteVersion = (who: Who, o: { key: string; versionId: string }) =>
  status(as(who).send(new DeleteObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId })));
const copyVersion = (who: Who, o: { key: string; versionId: string }) =>
  status(
    as(who).send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: `p/restored-${who}.txt`,
        CopySource: `${bucket}/${o.key}?versionId=${o.versionId}`,
      }),
    ),
  );
const listVersions = (who: Who, prefix: string) =>
  status(as(who).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix })));

/** Multi-object delete answers 200 with per-object errors: 403 when the version's delete was refused. */
async function multiDeleteVersion(who: Who, o: { key: string; versionId: string }): Promise<number> {
  const r = await as(who).send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: o.key, VersionId: o.versionId }] } }),
  );
  return r.Errors?.some((e) => e.Code === "AccessDenied") ? 403 : r.Deleted?.length ? 200 : -1;
}

/** True while the version still exists (as root). */
const versionExists = async (o: { key: string; versionId: string }) =>
  (await status(root.send(new HeadObjectCommand({ Bucket: bucket, Key: o.key, VersionId: o.versionId })))) === 200;

const retainOneDay = (who: Who, o: { key: string; versionId: string }) =>
  status(
    as(who).send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: o.key,
        VersionId: o.versionId,
        Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(Date.now() + 86_400_000) },
      }),
    ),
  );
const legalHold = (who: Who, o: { key: string; versionId: string }) =>
  status(
    as(who).send(
      new PutObjectLegalHoldCommand({
        Bucket: bucket,
        Key: o.key,
        VersionId: o.versionId,
        LegalHold: { Status: "ON" },
      }),
    ),
  );

beforeAll(async () => {
  // Object lock (which turns versioning on) so retention and legal hold requests reach authorization.
  await root.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  for (const [who, statements] of Object.entries(POLICIES) as Array<[Who, PolicyStatement[]]>) {
    const cred = {
      accessKeyId: `HIST${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(24).toString("base64url"),
    };
    await minio.putPolicy(`${bucket}-${who}`, canonicalJson({ Version: "2012-10-17", Statement: statements }));
    await minio.putUser(cred.accessKeyId, cred.secretAccessKey);
    await minio.attachPolicy(cred.accessKeyId, `${bucket}-${who}`);
    users[who] = cred;
  }
});

afterAll(async () => {
  const v = await root.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
  for (const o of [...(v?.Versions ?? []), ...(v?.DeleteMarkers ?? [])]) {
    const id = { Bucket: bucket, Key: o.Key!, VersionId: o.VersionId };
    await root.send(new PutObjectLegalHoldCommand({ ...id, LegalHold: { Status: "OFF" } })).catch(() => undefined);
    await root.send(new DeleteObjectCommand({ ...id, BypassGovernanceRetention: true })).catch(() => undefined);
  }
  await root.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  for (const [who, cred] of Object.entries(users)) {
    await minio.deleteUser(cred.accessKeyId).catch(() => undefined);
    await minio.deletePolicy(`${bucket}-${who}`).catch(() => undefined);
  }
});

describe("MinIO: reading a version by versionId", () => {
  it("GET/HEAD ?versionId are authorized as s3:GetObject: s3:GetObject alone reads an old version", async () => {
    const o = await oldVersion("get");
    expect(await getVersion("plain", o)).toBe(200);
    expect(await headVersion("plain", o)).toBe(200);
  });

  it("s3:GetObjectVersion counts as s3:GetObject: allowing it allows every GET, a Deny denies every GET", async () => {
    const o = await oldVersion("getversion");
    const current = (who: Who) => status(as(who).send(new GetObjectCommand({ Bucket: bucket, Key: o.key })));
    expect(await getVersion("versionsOnly", o)).toBe(200);
    expect(await current("versionsOnly")).toBe(200);
    // So a Deny on s3:GetObjectVersion cannot sit in a document MinIO enforces: it would stop every read.
    expect(await getVersion("denyVersionActions", o)).toBe(403);
    expect(await current("denyVersionActions")).toBe(403);
  });

  it("a Deny on s3:GetObject with an s3:versionid condition stops GET, HEAD and copy of a version only", async () => {
    const o = await oldVersion("cond-get");
    expect(await getVersion("denyByVersionId", o)).toBe(403);
    expect(await headVersion("denyByVersionId", o)).toBe(403);
    // "null" is the id of an object written before versioning: a version like any other.
    expect(await getVersion("denyByVersionId", { ...o, versionId: "null" })).toBe(403);
    expect(await copyVersion("plain", o)).toBe(200);
    expect(await copyVersion("denyByVersionId", o)).toBe(403);
    expect(await status(as("denyByVersionId").send(new GetObjectCommand({ Bucket: bucket, Key: o.key })))).toBe(200);
    expect(await status(as("denyByVersionId").send(new HeadObjectCommand({ Bucket: bucket, Key: o.key })))).toBe(200);
  });
});

describe("MinIO: deleting a version by versionId", () => {
  it("DELETE ?versionId needs s3:DeleteObject, not s3:DeleteObjectVersion, and deletes for good", async () => {
    const o = await oldVersion("del");
    expect(await deleteVersion("versionsOnly", o)).toBe(403);
    expect(await versionExists(o)).toBe(true);
    expect(await deleteVersion("plain", o)).toBe(200);
    expect(await versionExists(o)).toBe(false);
    const m = await oldVersion("mdel");
    expect(await multiDeleteVersion("plain", m)).toBe(200);
    expect(await versionExists(m)).toBe(false);
  });

  it("a Deny on s3:DeleteObjectVersion stops DELETE ?versionId (single and multi-object), not a DELETE", async () => {
    const o = await oldVersion("deny-del");
    expect(await deleteVersion("denyVersionActions", o)).toBe(403);
    expect(await multiDeleteVersion("denyVersionActions", o)).toBe(403);
    expect(await versionExists(o)).toBe(true);
    // Without a versionId the delete only adds a delete marker: history stays.
    expect(await status(as("denyVersionActions").send(new DeleteObjectCommand({ Bucket: bucket, Key: o.key })))).toBe(
      200,
    );
    expect(await versionExists(o)).toBe(true);
  });

  it("a Deny on s3:DeleteObject with an s3:versionid condition stops the single DELETE ?versionId only", async () => {
    const o = await oldVersion("cond-del");
    expect(await deleteVersion("denyByVersionId", o)).toBe(403);
    expect(await versionExists(o)).toBe(true);
    // A multi-object delete carries no s3:versionid: only the s3:DeleteObjectVersion deny stops it.
    expect(await multiDeleteVersion("denyByVersionId", o)).toBe(200);
    expect(await versionExists(o)).toBe(false);
  });
});

describe("MinIO: listing versions", () => {
  it("ListObjectVersions is allowed by s3:ListBucket (MinIO's fallback) or by s3:ListBucketVersions", async () => {
    await oldVersion("list");
    expect(await listVersions("plain", "p/")).toBe(200);
    expect(await listVersions("versionsOnly", "p/")).toBe(200);
  });

  it("an explicit Deny on s3:ListBucketVersions does not stop a key that has s3:ListBucket", async () => {
    expect(await listVersions("denyVersionActions", "p/")).toBe(200);
  });

  it("ListObjectVersions stays inside the s3:prefix condition", async () => {
    expect(await listVersions("plain", "")).toBe(403);
    expect(await listVersions("plain", "q/")).toBe(403);
  });
});

describe("MinIO: retention and legal hold", () => {
  it("PutObjectRetention and PutObjectLegalHold need their own actions, and an explicit Deny stops them", async () => {
    const o = await oldVersion("lock");
    expect(await retainOneDay("plain", o)).toBe(403);
    expect(await legalHold("plain", o)).toBe(403);
    expect(await retainOneDay("lockDenied", o)).toBe(403);
    expect(await legalHold("lockDenied", o)).toBe(403);
    expect(await retainOneDay("lockAllowed", o)).toBe(200);
    expect(await legalHold("lockAllowed", o)).toBe(200);
  });
});

describe("MinIO: bucket location", () => {
  it("GetBucketLocation needs s3:GetBucketLocation", async () => {
    expect(await status(as("plain").send(new GetBucketLocationCommand({ Bucket: bucket })))).toBe(403);
    expect(await status(as("location").send(new GetBucketLocationCommand({ Bucket: bucket })))).toBe(200);
  });
});

describe("MinIO: the key document from access.ts (read, write, delete, list under p/)", () => {
  it("keeps everything the key's access grants, and the bucket location", async () => {
    const key = `p/key-${randomBytes(3).toString("hex")}.txt`;
    expect(await status(as("key").send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" })))).toBe(200);
    expect(await status(as("key").send(new GetObjectCommand({ Bucket: bucket, Key: key })))).toBe(200);
    expect(await status(as("key").send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).toBe(200);
    expect(
      await status(
        as("key").send(new CopyObjectCommand({ Bucket: bucket, Key: `${key}.copy`, CopySource: `${bucket}/${key}` })),
      ),
    ).toBe(200);
    expect(await status(as("key").send(new DeleteObjectCommand({ Bucket: bucket, Key: key })))).toBe(200);
    expect(await status(as("key").send(new GetBucketLocationCommand({ Bucket: bucket })))).toBe(200);
  });

  it("refuses reading, copying and deleting a version by versionId, retention and legal hold", async () => {
    const o = await oldVersion("key");
    expect(await getVersion("key", o)).toBe(403);
    expect(await headVersion("key", o)).toBe(403);
    expect(await copyVersion("key", o)).toBe(403);
    expect(await deleteVersion("key", o)).toBe(403);
    expect(await multiDeleteVersion("key", o)).toBe(403);
    expect(await retainOneDay("key", o)).toBe(403);
    expect(await legalHold("key", o)).toBe(403);
    expect(await versionExists(o)).toBe(true);
  });

  it("cannot refuse listing versions under its own prefixes (s3:ListBucket grants it), only outside", async () => {
    expect(await listVersions("key", "p/")).toBe(200);
    expect(await listVersions("key", "")).toBe(403);
  });
});
