/**
 * History probes (issue 19) for S3-compatible buckets: no application key lists object versions,
 * reads an old version by versionId or deletes one, whatever its access; every key may ask for
 * the bucket's location. Expectations come from the contract's words (provider, access,
 * prefixes). Where a provider cannot refuse what a key's access already implies, the row says so
 * (expect "contain") instead of failing: HISTORY_GAPS names each case and why.
 *
 * A gap row passes (with the gap as its reason), it is not skipped: the request was sent and the
 * answer is exactly what the provider documents, so nothing is left unproven; the bound that does
 * hold (the key's prefixes) has its own must-be-denied row. Reporting it as skipped would make
 * `--strict` fail every MinIO, B2 and GCS stack for a limit no configuration can lift. A gap row
 * still fails when the server did not answer the request at all (no status, or a 5xx).
 */
import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { BucketContract, Credential, StaticKeyContract } from "../components/contract";
import type { Access, Provider } from "../components/spec";
import { bucketClient } from "../client/presign";
import type { AdminCredentials } from "../lib/credentials";
import { covers } from "../lib/prefixes";
import { sdkStatus, type RecordProbe } from "./probe";

export type HistoryRequest = "list" | "read" | "delete";

/** A request the provider grants with the key's own access: `needs` is that access. */
interface Gap {
  needs: Access;
  why: string;
}

/** What a provider cannot refuse an application key, per history request. AWS refuses all of it. */
export const HISTORY_GAPS: Partial<Record<Provider, Partial<Record<HistoryRequest, Gap>>>> = {
  // test/e2e/history-minio.test.ts:
  // "an explicit Deny on s3:ListBucketVersions does not stop a key that has s3:ListBucket".
  minio: { list: { needs: "list", why: "MinIO authorizes ListObjectVersions with s3:ListBucket" } },
  b2: {
    list: { needs: "list", why: "B2's listFiles lists every file version" },
    read: { needs: "read", why: "B2's readFiles reads any file version" },
    delete: { needs: "delete", why: "B2's deleteFiles deletes any file version" },
  },
  gcp: {
    list: { needs: "list", why: "storage.objects.list lists every generation" },
    read: { needs: "read", why: "storage.objects.get reads any generation" },
    delete: { needs: "delete", why: "storage.objects.delete deletes any generation (soft delete keeps it restorable)" },
  },
};

/** Providers whose key grants name the bucket location (item 2 of issue 19). */
const LOCATION_GRANTED: readonly Provider[] = ["aws", "minio"];

interface OldVersion {
  key: string;
  versionId: string;
}

export class HistoryProber {
  private readonly versions: OldVersion[] = [];
  private unversioned = false;

  constructor(
    private readonly b: BucketContract,
    private readonly run: string,
    private readonly record: RecordProbe,
    /** Writes an old version for keys that cannot write one themselves (MinIO only). */
    private readonly admin?: AdminCredentials,
  ) {}

  async runAll(keys: Array<[string, StaticKeyContract]>): Promise<void> {
    for (const [name, k] of keys) if (k.access.includes("write")) await this.makeOldVersion(name, k, k.current);
    for (const [name, k] of keys) if (!this.versionFor(k) && this.admin) await this.makeOldVersion(name, k, this.admin);
    for (const [name, k] of keys) await this.probeLocation(name, k);
    for (const [name, k] of keys) await this.probeList(name, k);
    for (const [name, k] of keys) await this.probeVersion(name, k, "read");
    // A delete the provider cannot refuse removes the version: those go last.
    const gapLast = [...keys].sort(([, a], [, b]) => Number(!!this.gap("delete", a)) - Number(!!this.gap("delete", b)));
    for (const [name, k] of gapLast) await this.probeVersion(name, k, "delete");
  }

  private client(cred: Credential | AdminCredentials): S3Client {
    return bucketClient(this.b, cred);
  }

  private gap(request: HistoryRequest, k: StaticKeyContract): Gap | undefined {
    const gap = HISTORY_GAPS[this.b.provider]?.[request];
    return gap && k.access.includes(gap.needs) ? gap : undefined;
  }

  /** A must-be-denied row, or, for a provider gap, a row that records the answer and says why. */
  private async judge(
    name: string,
    k: StaticKeyContract,
    request: HistoryRequest,
    probe: string,
    fn: () => Promise<{ status: number }>,
  ) {
    const gap = this.gap(request, k);
    if (!gap) return this.record(name, probe, "deny", fn);
    return this.record(name, probe, "contain", async () => {
      const { status } = await fn();
      const answered = status > 0 && status < 500;
      return {
        status,
        ok: answered,
        reason: answered ? `cannot be refused: ${gap.why}` : "no answer from the server",
      };
    });
  }

  /** Two writes of one object under the key's first prefix; the first is then an old version. */
  private async makeOldVersion(name: string, k: StaticKeyContract, cred: Credential | AdminCredentials): Promise<void> {
    if (this.unversioned) return;
    const key = `${k.prefixes[0] ?? ""}${this.run}/${name}-history.bin`;
    const put = (body: string) =>
      this.client(cred).send(new PutObjectCommand({ Bucket: this.b.bucket, Key: key, Body: body }));
    let written: string | undefined;
    const write = async () => {
      const first = await put("old");
      await put("current");
      written = first.VersionId ?? "null";
    };
    if ("id" in cred) {
      await this.record(name, "PUT two versions (for the history probes)", "allow", () => sdkStatus(write()));
    } else {
      await write().catch(() => undefined);
    }
    // A bucket that never kept versions answers without a version id (or with "null").
    if (written === "null") this.unversioned = true;
    else if (written) this.versions.push({ key, versionId: written });
  }

  private versionFor(k: StaticKeyContract): OldVersion | undefined {
    return this.versions.find((v) => covers(k, v.key));
  }

  private async probeLocation(name: string, k: StaticKeyContract): Promise<void> {
    if (!LOCATION_GRANTED.includes(this.b.provider)) return;
    await this.record(name, "GetBucketLocation", "allow", () =>
      sdkStatus(this.client(k.current).send(new GetBucketLocationCommand({ Bucket: this.b.bucket }))),
    );
  }

  private async probeList(name: string, k: StaticKeyContract): Promise<void> {
    const list = (prefix: string) =>
      sdkStatus(
        this.client(k.current).send(
          new ListObjectVersionsCommand({ Bucket: this.b.bucket, Prefix: prefix, MaxKeys: 5 }),
        ),
      );
    const own = k.prefixes[0] ?? "";
    await this.judge(name, k, "list", `list object versions under ${own || "(bucket)"}`, () => list(own));
    // A gap is still bounded by the key's prefixes.
    if (k.prefixes.length && this.gap("list", k)) {
      await this.record(name, "list object versions outside its prefixes", "deny", () => list(""));
    }
  }

  private async probeVersion(name: string, k: StaticKeyContract, request: "read" | "delete"): Promise<void> {
    const v = this.versionFor(k);
    const probe = request === "read" ? "GET an old version by versionId" : "DELETE an old version by versionId";
    if (!v) {
      const why = this.unversioned
        ? "the bucket keeps no versions"
        : "no old version under its prefixes (no write access, no admin credentials)";
      return this.record(name, probe, this.gap(request, k) ? "contain" : "deny", async () => ({ skip: why }));
    }
    const input = { Bucket: this.b.bucket, Key: v.key, VersionId: v.versionId };
    const c = this.client(k.current);
    await this.judge(name, k, request, probe, () =>
      sdkStatus(request === "read" ? c.send(new GetObjectCommand(input)) : c.send(new DeleteObjectCommand(input))),
    );
  }
}
