/**
 * Probes for S3-compatible buckets (MinIO, S3, GCS interop, B2): real HTTP requests through
 * presigned URLs, proving what each key may do and that everything else is denied.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  DeleteObjectsCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { staticKeysOf, type BucketContract, type Credential, type StaticKeyContract } from "../components/contract";
import { bucketClient as client } from "../client/presign";
import type { AdminCredentials } from "../lib/credentials";
import { request } from "../lib/http";
import { covers } from "../lib/prefixes";
import type { ProbeResult } from "./report";
import { probeUploads } from "./upload-probes";
import { isAllowed, probeCorsPreflights, recorder, sdkStatus, type RecordProbe } from "./probe";
import { HistoryProber } from "./history-probes";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Why a read or delete probe sent nothing: the run could not put an object where the key reaches. */
const NOTHING_TO_READ = "no test object under the key's prefixes (no writer key reaches them, no admin credentials)";

export class S3BucketProber {
  readonly rows: ProbeResult[] = [];
  private readonly run = `verify-${randomUUID().slice(0, 8)}`;
  private readonly written = new Map<string, Buffer>();

  constructor(
    private readonly logical: string,
    private readonly b: BucketContract,
    private readonly admin?: AdminCredentials,
    /** Credentials that were retired (per key name): every request with them must be denied. */
    private readonly retired: Record<string, Credential> = {},
  ) {
    this.record = recorder(this.rows, logical, [401, 403]);
  }

  /** Denied means the server refused on authorization (401/403), not any other error. */
  private readonly record: RecordProbe;


  private async send(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}) {
    return request({ method, url: new URL(url), body, headers, caBundle: this.b.caBundle });
  }

  private async presign(cred: { id: string; secret: string }, method: "GET" | "PUT" | "DELETE", key: string, expiresIn: number, signingDate?: Date) {
    const c = client(this.b, cred);
    const cmd =
      method === "GET"
        ? new GetObjectCommand({ Bucket: this.b.bucket, Key: key })
        : method === "PUT"
          ? new PutObjectCommand({ Bucket: this.b.bucket, Key: key })
          : new DeleteObjectCommand({ Bucket: this.b.bucket, Key: key });
    return getSignedUrl(c, cmd, { expiresIn, ...(signingDate ? { signingDate } : {}) });
  }

  private objectKey(k: StaticKeyContract, name: string): string {
    return `${k.prefixes[0] ?? ""}${this.run}/${name}.bin`;
  }

  async runAll(): Promise<ProbeResult[]> {
    const keys = staticKeysOf(this.b);
    const bucketUrl = `${this.b.endpoint.replace(/\/$/, "")}/${this.b.bucket}`;

    // Anonymous access: nothing.
    await this.record("(anonymous)", "list bucket", "deny", async () => this.send("GET", `${bucketUrl}?list-type=2`));
    await this.record("(anonymous)", "put object", "deny", async () => this.send("PUT", `${bucketUrl}/${this.run}/anon.bin`, Buffer.from("x")));

    // Writers upload through presigned PUT within the upload TTL.
    for (const [name, k] of keys) {
      if (!k.access.includes("write")) continue;
      const key = this.objectKey(k, name);
      const data = randomBytes(4096);
      await this.record(name, "presigned PUT", "allow", async () => {
        const r = await this.send("PUT", await this.presign(k.current, "PUT", key, this.b.presign.uploadSeconds), data);
        if (isAllowed(r.status)) this.written.set(key, data);
        return r;
      });
    }
    await this.plantForNonWriters(keys);
    const anyObject = [...this.written.keys()][0];
    if (anyObject) {
      await this.record("(anonymous)", "get object", "deny", async () => this.send("GET", `${bucketUrl}/${anyObject}`));
    }

    for (const [name, k] of keys) await this.probeKey(name, k);
    await new HistoryProber(this.b, this.run, this.record, this.admin).runAll(keys);
    for (const [name, k] of keys) {
      await probeUploads(this.b, name, k, this.run, this.record, (key) => this.written.set(key, Buffer.alloc(0)));
    }
    await this.probeCors(bucketUrl);
    await this.cleanup();
    return this.rows;
  }

  /** Keys that cannot write still need an object to read or be refused: the admin puts one (MinIO). */
  private async plantForNonWriters(keys: Array<[string, StaticKeyContract]>): Promise<void> {
    if (!this.admin) return;
    for (const [name, k] of keys) {
      if ([...this.written.keys()].some((key) => covers(k, key))) continue;
      const key = this.objectKey(k, name);
      const data = randomBytes(4096);
      const put = new PutObjectCommand({ Bucket: this.b.bucket, Key: key, Body: data, ...this.sseInput() });
      if (isAllowed((await sdkStatus(client(this.b, this.admin).send(put))).status)) this.written.set(key, data);
    }
  }

  /** The bucket's required upload headers (SSE) as PutObject input, so an admin write is accepted. */
  private sseInput(): Record<string, string> {
    const h = this.b.uploadHeaders ?? {};
    const sse = h["x-amz-server-side-encryption"];
    const kms = h["x-amz-server-side-encryption-aws-kms-key-id"];
    return { ...(sse ? { ServerSideEncryption: sse } : {}), ...(kms ? { SSEKMSKeyId: kms } : {}) };
  }

  private async probeKey(name: string, k: StaticKeyContract): Promise<void> {
    const cur = k.current;
    const covered = [...this.written.entries()].find(([key]) => covers(k, key));
    const outside = `zz-outside-${this.run}/${name}.bin`;

    if (k.access.includes("read")) {
      if (covered) {
        const [key, data] = covered;
        await this.record(name, "presigned GET round trip (sha256)", "allow", async () => {
          const r = await this.send("GET", await this.presign(cur, "GET", key, this.b.presign.downloadSeconds));
          const same = isAllowed(r.status) && sha(r.body) === sha(data);
          return { status: r.status, note: same ? "same bytes" : "bytes differ", ok: same };
        });
        await this.record(name, "expired URL", "deny", async () => {
          const past = new Date(Date.now() - 2 * 3600_000);
          return this.send("GET", await this.presign(cur, "GET", key, 60, past));
        });
        await this.record(name, "tampered signature", "deny", async () => {
          const url = new URL(await this.presign(cur, "GET", key, 60));
          const sig = url.searchParams.get("X-Amz-Signature")!;
          url.searchParams.set("X-Amz-Signature", sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0"));
          return this.send("GET", url.toString());
        });
      } else {
        await this.record(name, "presigned GET round trip (sha256)", "allow", async () => ({ skip: NOTHING_TO_READ }));
      }
      if (k.prefixes.length) {
        await this.record(name, "GET outside its prefixes", "deny", async () => this.send("GET", await this.presign(cur, "GET", outside, 60)));
      }
    } else {
      await this.record(name, "GET without read access", "deny", async () =>
        covered ? this.send("GET", await this.presign(cur, "GET", covered[0], 60)) : { skip: NOTHING_TO_READ },
      );
    }

    if (k.access.includes("write")) {
      if (k.prefixes.length) {
        await this.record(name, "PUT outside its prefixes", "deny", async () =>
          this.send("PUT", await this.presign(cur, "PUT", outside, 60), Buffer.from("x")),
        );
        await this.record(name, "PUT with ../ traversal", "deny", async () => {
          const r = await this.send("PUT", await this.presign(cur, "PUT", `${k.prefixes[0]}../${outside}`, 60), Buffer.from("x"));
          // 400 (invalid object name) is a refusal too, as long as nothing landed outside the prefix.
          const escaped = await this.existsOutside(outside);
          return { status: r.status, note: escaped ? "ESCAPED prefix" : "", ok: !escaped && (r.status === 400 || r.status === 403) };
        });
        await this.record(name, "PUT with %2F-encoded traversal", "contain", async () => {
          const r = await this.send("PUT", await this.presign(cur, "PUT", `${k.prefixes[0]}..%2F..%2F${outside}`, 60), Buffer.from("x"));
          // Stored literally inside the prefix is harmless; landing outside it is the failure.
          const escaped = await this.existsOutside(outside);
          return { status: r.status, note: escaped ? "ESCAPED prefix" : isAllowed(r.status) ? "kept inside prefix" : "", ok: !escaped };
        });
      }
    } else {
      const key = `${k.prefixes[0] ?? ""}${this.run}/${name}-denied.bin`;
      await this.record(name, "PUT without write access", "deny", async () =>
        this.send("PUT", await this.presign(cur, "PUT", key, 60), Buffer.from("x")),
      );
    }

    if (k.access.includes("list")) {
      await this.record(name, `list ${k.prefixes[0] ?? "(bucket)"}`, "allow", () => this.listStatus(cur, k.prefixes[0] ?? ""));
      if (k.prefixes.length) await this.record(name, "list bucket root", "deny", () => this.listStatus(cur, ""));
    } else {
      await this.record(name, "list without list access", "deny", () => this.listStatus(cur, k.prefixes[0] ?? ""));
    }

    // Rotation: the previous generation keeps working until retired; a retired one works for nothing.
    if (k.previous) await this.credentialProbes(name, k, k.previous, "previous", "allow", covered?.[0]);
    const retired = this.retired[name];
    if (retired) await this.credentialProbes(name, k, retired, "retired", "deny", covered?.[0]);

    if (!covered) {
      const probe = k.access.includes("delete") ? "presigned DELETE" : "DELETE without delete access";
      await this.record(name, probe, k.access.includes("delete") ? "allow" : "deny", async () => ({ skip: NOTHING_TO_READ }));
    } else {
      if (k.access.includes("delete")) {
        await this.record(name, "presigned DELETE", "allow", async () => this.send("DELETE", await this.presign(cur, "DELETE", covered[0], 60)));
        this.written.delete(covered[0]);
      } else {
        await this.record(name, "DELETE without delete access", "deny", async () => this.send("DELETE", await this.presign(cur, "DELETE", covered[0], 60)));
      }
    }
  }

  /** One request per granted access (read, write, list) made with `cred`. */
  private async credentialProbes(name: string, k: StaticKeyContract, cred: Credential, label: string, expect: "allow" | "deny", readable?: string) {
    const tag = `${label} credential (g${cred.generation})`;
    if (k.access.includes("read") && readable) {
      await this.record(name, `${tag} GET`, expect, async () => this.send("GET", await this.presign(cred, "GET", readable, 60)));
    }
    if (k.access.includes("write")) {
      const key = `${k.prefixes[0] ?? ""}${this.run}/${name}-${label}.bin`;
      await this.record(name, `${tag} PUT`, expect, async () => {
        const r = await this.send("PUT", await this.presign(cred, "PUT", key, 60), Buffer.from("rotation"));
        if (isAllowed(r.status)) this.written.set(key, Buffer.from("rotation"));
        return r;
      });
    }
    if (k.access.includes("list")) {
      await this.record(name, `${tag} list`, expect, () => this.listStatus(cred, k.prefixes[0] ?? ""));
    }
  }

  /** ListObjectsV2 under `prefix` as `cred`, reduced to the HTTP status the server answered. */
  private async listStatus(cred: Credential, prefix: string): Promise<{ status: number }> {
    const list = new ListObjectsV2Command({ Bucket: this.b.bucket, Prefix: prefix, MaxKeys: 5 });
    return sdkStatus(client(this.b, cred).send(list));
  }

  private async probeCors(bucketUrl: string): Promise<void> {
    await probeCorsPreflights(this.record, this.b.cors, (origin) =>
      this.send("OPTIONS", `${bucketUrl}/${this.run}/cors.bin`, undefined, { Origin: origin, "Access-Control-Request-Method": "PUT" }),
    );
  }


  private async existsOutside(key: string): Promise<boolean> {
    if (!this.admin) return false;
    try {
      await client(this.b, this.admin).send(new HeadObjectCommand({ Bucket: this.b.bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  }

  /** Remove every version the run created (needs admin credentials; versioned buckets keep history). */
  private async cleanup(): Promise<void> {
    if (!this.admin) return;
    const s3 = client(this.b, this.admin);
    // Only the names this run can have written: never list an application's whole prefix.
    const prefixes = new Set<string>([`${this.run}/`, `zz-outside-${this.run}/`]);
    for (const k of Object.values(this.b.keys)) {
      for (const p of k.prefixes) prefixes.add(`${p}${this.run}/`).add(`${p}..%2F..%2Fzz-outside-${this.run}/`);
    }
    for (const prefix of prefixes) {
      const v = await s3.send(new ListObjectVersionsCommand({ Bucket: this.b.bucket, Prefix: prefix }));
      const objects = [...(v.Versions ?? []), ...(v.DeleteMarkers ?? [])].map((o) => ({ Key: o.Key!, VersionId: o.VersionId }));
      if (objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: this.b.bucket, Delete: { Objects: objects, Quiet: true } }));
    }
  }
}
