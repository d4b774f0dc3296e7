/**
 * Probes for Azure Blob buckets (Azure or Azurite): real requests with each key's service SAS,
 * proving what it may do and that everything else is denied, including by a tampered, expired or
 * revoked SAS. Every expectation comes from the key's `access` and `prefixes` and from the SAS letters
 * this checker states itself (azure-sas.ts). Identity keys (Entra ID + ABAC) need a token for their
 * principal, which neither Azurite nor the operator's login can mint: their rows are skipped, with why.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  RestError,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { staticKeysOf, type BucketContract, type Credential, type StaticKeyContract } from "../components/contract";
import { request } from "../lib/http";
import { earlierPolicyId, expectedSasLetters, sortedLetters, storedPolicyOf } from "./azure-sas";
import { judged, skipped, type ProbeResult } from "./report";
import { isAllowed, probeCorsPreflights, recorder, type RecordProbe } from "./probe";

/** The account's shared key: optional, used to clean up and for probes that must sign a SAS themselves. */
export interface AzureAdmin {
  accountName: string;
  accountKey: string;
}

const NO_ACCOUNT_KEY = "no account key for the bucket's account (AZURE_STORAGE_ACCOUNT/KEY or AZURITE_ACCOUNTS)";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const NO_RETRY = { retryOptions: { maxTries: 1 } };

/** Account name of a blob service URL: `https://acct.blob.core.windows.net` or emulator-style `http://host:10000/acct`. */
export function accountNameOf(endpoint: string): string {
  const url = new URL(endpoint);
  const segment = url.pathname.split("/").filter(Boolean)[0];
  return segment ?? url.hostname.split(".")[0];
}

/**
 * Shared key for the bucket's account from the environment: AZURE_STORAGE_ACCOUNT/AZURE_STORAGE_KEY
 * (the az CLI's names) or, for Azurite, AZURITE_ACCOUNTS=<name>:<key>. Undefined when absent.
 */
export function azureAdminFromEnv(b: BucketContract, env: NodeJS.ProcessEnv = process.env): AzureAdmin | undefined {
  const accountName = accountNameOf(b.endpoint);
  if (env.AZURE_STORAGE_ACCOUNT === accountName && env.AZURE_STORAGE_KEY) return { accountName, accountKey: env.AZURE_STORAGE_KEY };
  for (const entry of (env.AZURITE_ACCOUNTS ?? "").split(";")) {
    const [name, key] = entry.split(":");
    if (name === accountName && key) return { accountName, accountKey: key };
  }
  return undefined;
}


/** Azurite has no Entra ID, and the operator cannot get a token for a key's own principal. */
const IDENTITY_SKIP =
  "needs an Entra ID token for the key's principal (no secret exists); no local stand-in evaluates role + ABAC";

export class AzureBucketProber {
  readonly rows: ProbeResult[] = [];
  private readonly run = `verify-${randomUUID().slice(0, 8)}`;
  private readonly written = new Map<string, Buffer>();
  private readonly containerUrl: string;

  constructor(
    private readonly logical: string,
    private readonly b: BucketContract,
    private readonly admin?: AzureAdmin,
    /** Credentials retired by a rotation (per key): each must now be refused. */
    private readonly retired: Record<string, Credential> = {},
  ) {
    this.containerUrl = `${b.endpoint.replace(/\/$/, "")}/${b.bucket}`;
    this.record = recorder(this.rows, logical, [403]);
  }

  /** Denied means refused on authorization (403), not any other error. */
  private readonly record: RecordProbe;

  /** Run an SDK call and reduce it to the HTTP status Azure answered. */
  private async status(fn: () => Promise<unknown>): Promise<{ status: number; note?: string }> {
    try {
      await fn();
      return { status: 200 };
    } catch (e) {
      if (e instanceof RestError && e.statusCode) return { status: e.statusCode, ...(e.code ? { note: e.code } : {}) };
      throw e;
    }
  }

  private withSas(sas: string): ContainerClient {
    return new ContainerClient(`${this.containerUrl}?${sas}`, new AnonymousCredential(), NO_RETRY);
  }

  private adminContainer(): ContainerClient | undefined {
    if (!this.admin) return undefined;
    return new BlobServiceClient(this.b.endpoint, new StorageSharedKeyCredential(this.admin.accountName, this.admin.accountKey), NO_RETRY).getContainerClient(
      this.b.bucket,
    );
  }

  /** A SAS this prober signs itself with the account key (only for probes that need one: expired, revoked). */
  private adminSas(opts: { identifier?: string; permissions?: string; expiresOn?: Date; startsOn?: Date }): string {
    const { accountName, accountKey } = this.admin!;
    return generateBlobSASQueryParameters(
      {
        containerName: this.b.bucket,
        ...(opts.identifier ? { identifier: opts.identifier } : {}),
        ...(opts.permissions ? { permissions: ContainerSASPermissions.parse(opts.permissions) } : {}),
        ...(opts.startsOn ? { startsOn: opts.startsOn } : {}),
        ...(opts.expiresOn ? { expiresOn: opts.expiresOn } : {}),
      },
      new StorageSharedKeyCredential(accountName, accountKey),
    ).toString();
  }

  async runAll(): Promise<ProbeResult[]> {
    const keys = staticKeysOf(this.b);
    const anon = (method: string, path: string, body?: Buffer) =>
      request({ method, url: new URL(`${this.containerUrl}${path}`), ...(body ? { body, headers: { "x-ms-blob-type": "BlockBlob" } } : {}) }).then((r) => ({
        status: r.status,
      }));
    // Azure answers anonymous requests to a private container with 404 (existence is not disclosed) or 403.
    const anonDenied = (r: { status: number }) => ({ ...r, ok: r.status === 403 || r.status === 404 });

    await this.record("(anonymous)", "list container", "deny", async () => anonDenied(await anon("GET", "?restype=container&comp=list")));
    await this.record("(anonymous)", "put blob", "deny", async () => anonDenied(await anon("PUT", `/${this.run}/anon.bin`, Buffer.from("x"))));

    for (const [name, k] of keys) {
      if (!k.access.includes("write")) continue;
      const blob = `${this.run}/${name}.bin`;
      const data = randomBytes(4096);
      await this.record(name, "SAS PUT", "allow", async () => {
        const r = await this.status(() => this.withSas(k.current.secret).getBlockBlobClient(blob).uploadData(data));
        if (isAllowed(r.status)) this.written.set(blob, data);
        return r;
      });
    }
    const anyBlob = [...this.written.keys()][0];
    if (anyBlob) await this.record("(anonymous)", "get blob", "deny", async () => anonDenied(await anon("GET", `/${anyBlob}`)));

    for (const [name, k] of keys) await this.probeSasKey(name, k);
    for (const [name, k] of Object.entries(this.b.keys)) {
      if (k.kind === "static") continue;
      this.rows.push(skipped({ bucket: this.logical, key: name, probe: "identity key (Entra ID role + ABAC condition)", expect: "contain" }, IDENTITY_SKIP));
    }
    await this.probeDeletes(keys);
    await this.probeStoredPolicies();
    await this.probeCors();
    await this.cleanup();
    return this.rows;
  }

  private async probeSasKey(name: string, k: StaticKeyContract): Promise<void> {
    const sas = k.current.secret;
    const c = this.withSas(sas);
    const [blob, data] = [...this.written.entries()][0] ?? [];

    // A service SAS at container scope cannot be narrowed to a prefix; the config refuses SAS keys with prefixes.
    const scope = { bucket: this.logical, key: name, probe: "prefix scope", expect: "contain" as const };
    this.rows.push(
      k.prefixes.length
        ? judged(scope, "fail", `whole container`, `OVER-BROAD: SAS covers the whole container, key claims ${k.prefixes.join(" ")}`, 0)
        : judged(scope, "pass", "whole container", "prefixes: [] (the key claims the whole container)", 0),
    );
    await this.probeSasLetters(name, k);

    // One operation the key may do, to show that a bad token for it is refused.
    const permitted = (token: string) => {
      const tc = this.withSas(token);
      if (k.access.includes("read") && blob) return this.status(() => tc.getBlockBlobClient(blob).downloadToBuffer());
      if (k.access.includes("write")) return this.status(() => tc.getBlockBlobClient(`${this.run}/${name}-probe.bin`).uploadData(Buffer.from("x")));
      if (k.access.includes("list")) return this.status(async () => tc.listBlobsFlat({ prefix: `${this.run}/` }).byPage({ maxPageSize: 1 }).next());
      return this.status(() => tc.getBlockBlobClient(`${this.run}/${name}-absent.bin`).delete());
    };

    if (k.access.includes("read") && blob && data) {
      await this.record(name, "SAS GET round trip (sha256)", "allow", async () => {
        let got: Buffer | undefined;
        const r = await this.status(async () => (got = await c.getBlockBlobClient(blob).downloadToBuffer()));
        if (!got) return r;
        const same = sha(got) === sha(data);
        return { status: 200, note: same ? "same bytes" : "bytes differ", ok: same };
      });
    } else if (blob) {
      await this.record(name, "GET without read permission", "deny", () => this.status(() => c.getBlockBlobClient(blob).downloadToBuffer()));
    }
    if (k.previous) {
      const prev = k.previous;
      await this.record(name, `previous SAS (g${prev.generation})`, "allow", () => permitted(prev.secret));
    }
    await this.record(name, "tampered signature", "deny", () => {
      const params = new URLSearchParams(sas);
      const sig = params.get("sig")!;
      params.set("sig", (sig.startsWith("A") ? "B" : "A") + sig.slice(1));
      return permitted(params.toString());
    });
    if (this.retired[name]) {
      const old = this.retired[name];
      await this.record(name, `retired SAS (g${old.generation}, stored policy deleted)`, "deny", () => permitted(old.secret));
    }
    if (this.admin) {
      await this.record(name, "expired SAS (same permissions, signed with the account key)", "deny", () =>
        permitted(this.adminSas({ permissions: expectedSasLetters(k.access), startsOn: new Date(Date.now() - 7200_000), expiresOn: new Date(Date.now() - 3600_000) })),
      );
      // Any generation before the oldest live one must have lost its stored policy, so a SAS naming it is refused.
      const oldest = k.previous ?? k.current;
      const revoked = oldest.generation - 1;
      const id = earlierPolicyId(oldest, revoked);
      if (revoked >= 1) {
        await this.record(name, `revoked stored policy ${id ?? `(generation ${revoked})`}`, "deny", async () =>
          id ? permitted(this.adminSas({ identifier: id })) : { skip: `credential id ${oldest.id} does not name its generation` },
        );
      }
    } else {
      await this.record(name, "expired SAS (same permissions, signed with the account key)", "deny", async () => ({ skip: NO_ACCOUNT_KEY }));
    }

    if (!k.access.includes("write")) {
      await this.record(name, "PUT without write permission", "deny", () =>
        this.status(() => c.getBlockBlobClient(`${this.run}/${name}-denied.bin`).uploadData(Buffer.from("x"))),
      );
    }

    const list = () => this.status(async () => c.listBlobsFlat({ prefix: `${this.run}/` }).byPage({ maxPageSize: 5 }).next());
    if (k.access.includes("list")) await this.record(name, "list container", "allow", list);
    else await this.record(name, "list without list permission", "deny", list);
  }

  /**
   * The SAS grants exactly the letters the checker expects for the key's access: read from the
   * token's `sp`, or, for a SAS that names a stored policy, from that policy (needs the account key).
   */
  private async probeSasLetters(name: string, k: StaticKeyContract): Promise<void> {
    const want = expectedSasLetters(k.access);
    await this.record(name, `SAS permissions = "${want}" for ${k.access.join(",")}`, "contain", async () => {
      const sp = new URLSearchParams(k.current.secret).get("sp");
      const policy = storedPolicyOf(k.current.secret);
      let got = sp ?? undefined;
      if (!got && policy) {
        const c = this.adminContainer();
        if (!c) return { skip: `the SAS takes its permissions from stored policy ${policy}; ${NO_ACCOUNT_KEY}` };
        const ids = (await c.getAccessPolicy()).signedIdentifiers;
        got = ids.find((i) => i.id === policy)?.accessPolicy?.permissions ?? "";
      }
      const same = sortedLetters(got ?? "") === want;
      return { status: 200, seen: `sp=${got ?? "none"}`, ok: same, reason: same ? "exactly the expected letters" : `expected ${want}` };
    });
  }

  /** Deletes last, so every key had a blob to read; refused deletes before allowed ones. */
  private async probeDeletes(keys: Array<[string, StaticKeyContract]>): Promise<void> {
    for (const [name, k] of keys.filter(([, k]) => !k.access.includes("delete"))) {
      const blob = [...this.written.keys()][0];
      if (blob) await this.record(name, "DELETE without delete permission", "deny", () => this.status(() => this.withSas(k.current.secret).getBlockBlobClient(blob).delete()));
    }
    for (const [name, k] of keys.filter(([, k]) => k.access.includes("delete"))) {
      const blob = [...this.written.keys()][0];
      if (!blob) continue;
      await this.record(name, "SAS DELETE", "allow", () => this.status(() => this.withSas(k.current.secret).getBlockBlobClient(blob).delete()));
      this.written.delete(blob);
    }
  }

  /** The container holds exactly the stored policies of the contract's SAS credentials: nothing stale, nothing extra. */
  private async probeStoredPolicies(): Promise<void> {
    const c = this.adminContainer();
    if (!c) return;
    const expected = staticKeysOf(this.b)
      .flatMap(([, k]) => [k.current, ...(k.previous ? [k.previous] : [])])
      .map((cred) => cred.id)
      .sort();
    await this.record("(container)", "stored access policies = contract credentials", "contain", async () => {
      const ids = (await c.getAccessPolicy()).signedIdentifiers.map((i) => i.id).sort();
      const same = JSON.stringify(ids) === JSON.stringify(expected);
      return { status: 200, note: same ? ids.join(" ") || "none" : `has [${ids.join(" ")}], expected [${expected.join(" ")}]`, ok: same };
    });
  }

  private async probeCors(): Promise<void> {
    await probeCorsPreflights(this.record, this.b.cors, (origin) =>
      request({ method: "OPTIONS", url: new URL(`${this.containerUrl}/${this.run}/cors.bin`), headers: { Origin: origin, "Access-Control-Request-Method": "PUT" } }),
    );
  }

  /** Remove every blob (and version) this run wrote; needs the account key. */
  private async cleanup(): Promise<void> {
    const c = this.adminContainer();
    if (!c) return;
    for await (const item of c.listBlobsFlat({ prefix: `${this.run}/`, includeVersions: true })) {
      const blob = c.getBlobClient(item.name);
      await (item.versionId ? blob.withVersion(item.versionId) : blob).delete().catch(() => undefined);
    }
  }
}
