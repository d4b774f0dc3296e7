/**
 * A local stand-in for the Backblaze B2 native API v3 (the real one cannot be reached from here).
 * It follows B2's documented request, response and error shapes for the calls the provider makes
 * (b2_authorize_account, b2_create_bucket, b2_update_bucket, b2_list_buckets, b2_delete_bucket,
 * b2_create_key, b2_list_keys, b2_delete_key): `{status, code, message}` errors, 401
 * expired_auth_token, 409 conflict on ifRevisionIs, 429 with Retry-After, capability checks.
 * Faults are injected per call so tests can prove re-authorization and backoff, errors on reads,
 * and interrupted creates: B2 acts, then its answer is lost (connection dropped) or held until
 * the caller is killed.
 *
 * It records every call (operation, status, error code, request body) for assertions; it never
 * records Authorization headers.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { B2_CAPABILITIES, type B2BucketInfo, type B2Capability, type B2NewKey } from "../../components/b2/types";

export interface StandInCall {
  op: string;
  status: number;
  code?: string;
  body: Record<string, unknown>;
}

interface Token {
  keyId: string;
  capabilities: B2Capability[];
  bucketId: string | null;
  expired: boolean;
}

type Fault =
  | { op: string; kind: "expire" }
  | { op: string; kind: "throttle"; status: 429 | 503; retryAfterSeconds: number }
  | { op: string; kind: "fail"; status: number; code: string; message: string }
  | { op: string; kind: "lose"; hold: false }
  | { op: string; kind: "lose"; hold: true; acted: () => void };

class B2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const hex = (n: number) => randomBytes(n).toString("hex");
const OP_CAPABILITY: Record<string, B2Capability> = {
  b2_create_bucket: "writeBuckets",
  b2_update_bucket: "writeBuckets",
  b2_list_buckets: "listBuckets",
  b2_delete_bucket: "deleteBuckets",
  b2_create_key: "writeKeys",
  b2_list_keys: "listKeys",
  b2_delete_key: "deleteKeys",
};
const CORS_OPS = new Set(["s3_get", "s3_head", "s3_put", "s3_post", "s3_delete", "b2_download_file_by_id", "b2_download_file_by_name", "b2_upload_file", "b2_upload_part"]);

export interface StandInOptions {
  /** What b2_authorize_account reports as the account's S3 endpoint. */
  s3ApiUrl?: string;
}

export class B2StandIn {
  readonly accountId = hex(6);
  /** The master application key (all capabilities); generated per run, never a literal. */
  readonly masterKeyId = `000${this.accountId}0000000000`;
  /** Changes with rotateMasterKey(); only the current one is accepted. */
  masterKey = `K000${randomBytes(22).toString("base64url")}`;
  readonly calls: StandInCall[] = [];
  readonly buckets = new Map<string, B2BucketInfo>();
  readonly keys = new Map<string, B2NewKey>();
  /** Files per bucket id (only to exercise cannot_delete_non_empty_bucket). */
  readonly fileCounts = new Map<string, number>();
  private readonly tokens = new Map<string, Token>();
  private faults: Fault[] = [];
  /** Answers held back by holdAnswerNext, released (dropped) by stop(). */
  private readonly held: http.ServerResponse[] = [];
  private server?: http.Server;
  url = "";
  readonly s3ApiUrl: string;

  constructor(opts: StandInOptions = {}) {
    this.s3ApiUrl = opts.s3ApiUrl ?? "https://s3.us-west-004.backblazeb2.com";
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /**
   * What regenerating the master key in the B2 console does: a new secret for the same key id;
   * the old secret is refused from now on, and so is every token it was authorized with.
   */
  rotateMasterKey(): string {
    this.masterKey = `K000${randomBytes(22).toString("base64url")}`;
    for (const [token, t] of this.tokens) if (t.keyId === this.masterKeyId) this.tokens.delete(token);
    return this.masterKey;
  }

  /**
   * Put the master key where the B2 providers read it (B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY
   * in this process, and so in every `pulumi` it starts); returns what undoes it.
   */
  exportCredentials(env: NodeJS.ProcessEnv = process.env): () => void {
    const saved = { id: env.B2_APPLICATION_KEY_ID, key: env.B2_APPLICATION_KEY };
    env.B2_APPLICATION_KEY_ID = this.masterKeyId;
    env.B2_APPLICATION_KEY = this.masterKey;
    return () => {
      for (const [k, v] of [["B2_APPLICATION_KEY_ID", saved.id], ["B2_APPLICATION_KEY", saved.key]] as const) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
    };
  }

  /** The next call of `op` finds its token expired (401 expired_auth_token); the token stays dead. */
  expireTokenOnNext(op: string): void {
    this.faults.push({ op, kind: "expire" });
  }

  /** The next call of `op` is refused with 429 (or 503) and `Retry-After: <seconds>`. */
  throttleNext(op: string, retryAfterSeconds: number, status: 429 | 503 = 429): void {
    this.faults.push({ op, kind: "throttle", status, retryAfterSeconds });
  }

  /** The next call of `op` is answered with this B2 error, without acting. */
  failNext(op: string, status: number, code: string, message: string): void {
    this.faults.push({ op, kind: "fail", status, code, message });
  }

  /** The next call of `op` takes effect, then the connection drops before the answer (the server went down). */
  loseAnswerNext(op: string): void {
    this.faults.push({ op, kind: "lose", hold: false });
  }

  /**
   * The next call of `op` takes effect and is never answered (the caller is to be killed);
   * resolves once B2 has acted.
   */
  holdAnswerNext(op: string): Promise<void> {
    return new Promise((acted) => this.faults.push({ op, kind: "lose", hold: true, acted }));
  }

  /** A change made outside Pulumi (the B2 web console): applies the patch and bumps the revision. */
  tamper(bucketId: string, patch: Partial<Pick<B2BucketInfo, "corsRules" | "lifecycleRules" | "bucketInfo" | "bucketType">>): void {
    const b = this.buckets.get(bucketId);
    if (!b) throw new Error(`no bucket ${bucketId}`);
    this.buckets.set(bucketId, { ...structuredClone(b), ...structuredClone(patch), revision: b.revision + 1 });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** `op status[ code]` lines, in order: what assertions compare. */
  trace(): string[] {
    return this.calls.map((c) => `${c.op} ${c.status}${c.code ? ` ${c.code}` : ""}`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const op = /^\/b2api\/v3\/(b2_[a-z_]+)$/.exec(url.pathname)?.[1] ?? url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const code = status >= 400 ? (payload as { code: string }).code : undefined;
      this.calls.push({ op, status, ...(code ? { code } : {}), body });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    try {
      if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      else body = Object.fromEntries(url.searchParams);
      const faultAt = this.faults.findIndex((f) => f.op === op);
      const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0] : undefined;
      if (fault?.kind === "throttle") {
        const code = fault.status === 429 ? "too_many_requests" : "service_unavailable";
        return send(fault.status, { status: fault.status, code, message: "Please retry later" }, { "retry-after": String(fault.retryAfterSeconds) });
      }
      if (fault?.kind === "fail") throw new B2Error(fault.status, fault.code, fault.message);
      if (op === "b2_authorize_account") return send(200, this.authorize(req.headers.authorization));
      const token = this.token(req.headers.authorization, fault?.kind === "expire");
      const need = OP_CAPABILITY[op];
      if (!need) throw new B2Error(400, "bad_request", `unknown operation ${op}`);
      if (!token.capabilities.includes(need)) throw new B2Error(401, "unauthorized", `application key does not have the ${need} capability`);
      if (op !== "b2_delete_key" && body.accountId !== this.accountId) throw new B2Error(401, "unauthorized", "accountId does not match the authorization");
      const answer = this.dispatch(op, body, token);
      if (fault?.kind === "lose") {
        // B2 acted; the caller never learns it.
        this.calls.push({ op, status: 200, code: fault.hold ? "answer-held" : "answer-lost", body });
        if (!fault.hold) return void res.socket?.destroy();
        this.held.push(res);
        return fault.acted();
      }
      return send(200, answer);
    } catch (e) {
      if (e instanceof B2Error) return send(e.status, { status: e.status, code: e.code, message: e.message });
      return send(500, { status: 500, code: "internal_error", message: (e as Error).message });
    }
  }

  private authorize(header: string | undefined): unknown {
    const m = /^Basic (.+)$/.exec(header ?? "");
    const [keyId, key] = m ? Buffer.from(m[1], "base64").toString("utf8").split(":") : [];
    let grant: Omit<Token, "expired">;
    if (keyId === this.masterKeyId && key === this.masterKey) {
      grant = { keyId, capabilities: [...B2_CAPABILITIES], bucketId: null };
    } else {
      const k = keyId ? this.keys.get(keyId) : undefined;
      if (!k || k.applicationKey !== key) throw new B2Error(401, "unauthorized", "invalid application key id or application key");
      grant = { keyId, capabilities: k.capabilities, bucketId: k.bucketId };
    }
    const authorizationToken = `4_${hex(24)}`;
    this.tokens.set(authorizationToken, { ...grant, expired: false });
    const bucket = grant.bucketId ? this.buckets.get(grant.bucketId) : undefined;
    return {
      accountId: this.accountId,
      authorizationToken,
      applicationKeyExpirationTimestamp: null,
      apiInfo: {
        storageApi: {
          infoType: "storageApi",
          apiUrl: this.url,
          downloadUrl: this.url,
          s3ApiUrl: this.s3ApiUrl,
          recommendedPartSize: 100_000_000,
          absoluteMinimumPartSize: 5_000_000,
          bucketId: grant.bucketId,
          bucketName: bucket?.bucketName ?? null,
          capabilities: grant.capabilities,
          namePrefix: null,
        },
      },
    };
  }

  private token(header: string | undefined, expireNow: boolean): Token {
    const t = header ? this.tokens.get(header) : undefined;
    if (!t) throw new B2Error(401, "bad_auth_token", "Invalid authorization token");
    if (expireNow) t.expired = true;
    if (t.expired) throw new B2Error(401, "expired_auth_token", "Authorization token has expired");
    return t;
  }

  private dispatch(op: string, body: Record<string, unknown>, token: Token): unknown {
    switch (op) {
      case "b2_create_bucket":
        return this.createBucket(body);
      case "b2_update_bucket":
        return this.updateBucket(body);
      case "b2_list_buckets": {
        const all = [...this.buckets.values()].filter((b) => !token.bucketId || b.bucketId === token.bucketId);
        return { buckets: all.filter((b) => (!body.bucketId || b.bucketId === body.bucketId) && (!body.bucketName || b.bucketName === body.bucketName)) };
      }
      case "b2_delete_bucket": {
        const b = this.bucket(body.bucketId);
        if ((this.fileCounts.get(b.bucketId) ?? 0) > 0) throw new B2Error(400, "cannot_delete_non_empty_bucket", "Cannot delete non-empty bucket");
        this.buckets.delete(b.bucketId);
        return b;
      }
      case "b2_create_key":
        return this.createKey(body);
      case "b2_list_keys": {
        const max = Math.min(Number(body.maxKeyCount ?? 100), 10_000);
        const start = typeof body.startApplicationKeyId === "string" ? body.startApplicationKeyId : "";
        const sorted = [...this.keys.values()].filter((k) => k.applicationKeyId >= start).sort((a, b) => a.applicationKeyId.localeCompare(b.applicationKeyId));
        return { keys: sorted.slice(0, max).map(({ applicationKey: _secret, ...info }) => info), nextApplicationKeyId: sorted[max]?.applicationKeyId ?? null };
      }
      case "b2_delete_key": {
        const k = this.keys.get(String(body.applicationKeyId));
        if (!k) throw new B2Error(400, "bad_request", `applicationKeyId ${String(body.applicationKeyId)} does not exist`);
        this.keys.delete(k.applicationKeyId);
        const { applicationKey: _secret, ...info } = k;
        return info;
      }
      default:
        throw new B2Error(400, "bad_request", `unknown operation ${op}`);
    }
  }

  private bucket(id: unknown): B2BucketInfo {
    const b = typeof id === "string" ? this.buckets.get(id) : undefined;
    if (!b) throw new B2Error(400, "bad_bucket_id", `Invalid bucketId: ${String(id)}`);
    return b;
  }

  private validateRules(body: Record<string, unknown>): void {
    if (body.corsRules !== undefined) {
      const rules = body.corsRules as Array<Record<string, unknown>>;
      if (!Array.isArray(rules) || rules.length > 100) throw new B2Error(400, "bad_request", "corsRules: at most 100 rules");
      for (const r of rules) {
        if (!/^[A-Za-z0-9-]{6,50}$/.test(String(r.corsRuleName)) || /^b2-/.test(String(r.corsRuleName))) throw new B2Error(400, "bad_request", `Invalid corsRuleName: ${String(r.corsRuleName)}`);
        const ops = r.allowedOperations as string[];
        if (!Array.isArray(ops) || !ops.length || ops.some((o) => !CORS_OPS.has(o))) throw new B2Error(400, "bad_request", "Invalid allowedOperations");
        const origins = r.allowedOrigins as string[];
        if (!Array.isArray(origins) || !origins.length) throw new B2Error(400, "bad_request", "allowedOrigins is required");
        const age = Number(r.maxAgeSeconds);
        if (!(age >= 0 && age <= 86_400)) throw new B2Error(400, "bad_request", "maxAgeSeconds must be 0-86400");
      }
    }
    if (body.lifecycleRules !== undefined) {
      const rules = body.lifecycleRules as Array<Record<string, unknown>>;
      const prefixes = rules.map((r) => String(r.fileNamePrefix ?? ""));
      if (new Set(prefixes).size !== prefixes.length) throw new B2Error(400, "bad_request", "Only one lifecycle rule per fileNamePrefix is allowed");
    }
    const sse = body.defaultServerSideEncryption as { mode?: string; algorithm?: string } | undefined;
    if (sse && !(sse.mode === "SSE-B2" && sse.algorithm === "AES256") && sse.mode !== undefined && sse.mode !== null) {
      throw new B2Error(400, "bad_request", "Invalid defaultServerSideEncryption");
    }
  }

  /** B2 bucketInfo: at most 10 entries, names of letters, digits, "-" and "_", string values. */
  private validateBucketInfo(info: unknown): void {
    if (info === undefined) return;
    if (typeof info !== "object" || info === null || Array.isArray(info)) {
      throw new B2Error(400, "bad_request", "bucketInfo must be an object");
    }
    const entries = Object.entries(info);
    if (entries.length > 10) {
      throw new B2Error(400, "bad_request", `bucketInfo has ${entries.length} entries; at most 10 are allowed`);
    }
    for (const [k, v] of entries) {
      if (!/^[A-Za-z0-9_-]{1,50}$/.test(k)) throw new B2Error(400, "bad_request", `Invalid bucketInfo name: ${k}`);
      if (typeof v !== "string") throw new B2Error(400, "bad_request", `bucketInfo value of ${k} must be a string`);
    }
  }

  private createBucket(body: Record<string, unknown>): B2BucketInfo {
    const name = String(body.bucketName ?? "");
    if (!/^[A-Za-z0-9-]{6,63}$/.test(name) || /^b2-/i.test(name)) throw new B2Error(400, "bad_request", `Invalid bucketName: ${name}`);
    if (body.bucketType !== "allPrivate" && body.bucketType !== "allPublic") throw new B2Error(400, "bad_request", "bucketType must be allPrivate or allPublic");
    if ([...this.buckets.values()].some((b) => b.bucketName === name)) throw new B2Error(400, "duplicate_bucket_name", "Bucket name is already in use.");
    this.validateRules(body);
    this.validateBucketInfo(body.bucketInfo);
    if (body.defaultRetention !== undefined) throw new B2Error(400, "bad_request", "defaultRetention is not a b2_create_bucket parameter");
    const sse = body.defaultServerSideEncryption as { mode: string; algorithm: string } | undefined;
    const b: B2BucketInfo = {
      accountId: this.accountId,
      bucketId: hex(12),
      bucketName: name,
      bucketType: body.bucketType as "allPrivate",
      bucketInfo: structuredClone((body.bucketInfo as Record<string, string>) ?? {}),
      corsRules: (body.corsRules as B2BucketInfo["corsRules"]) ?? [],
      lifecycleRules: (body.lifecycleRules as B2BucketInfo["lifecycleRules"]) ?? [],
      defaultServerSideEncryption: { isClientAuthorizedToRead: true, value: sse ? { mode: sse.mode, algorithm: sse.algorithm } : { mode: null } },
      fileLockConfiguration: {
        isClientAuthorizedToRead: true,
        value: { isFileLockEnabled: body.fileLockEnabled === true, defaultRetention: { mode: null, period: null } },
      },
      options: ["s3"],
      revision: 1,
    };
    this.buckets.set(b.bucketId, b);
    return b;
  }

  private updateBucket(body: Record<string, unknown>): B2BucketInfo {
    const b = this.bucket(body.bucketId);
    if (body.ifRevisionIs !== undefined && body.ifRevisionIs !== b.revision) {
      throw new B2Error(409, "conflict", `ifRevisionIs is ${String(body.ifRevisionIs)} but the bucket revision is ${b.revision}`);
    }
    this.validateRules(body);
    this.validateBucketInfo(body.bucketInfo);
    const next: B2BucketInfo = structuredClone(b);
    if (body.bucketType !== undefined) next.bucketType = body.bucketType as "allPrivate";
    // Replaces, never merges: an update that leaves an entry out removes it (as B2 does).
    if (body.bucketInfo !== undefined) next.bucketInfo = structuredClone(body.bucketInfo as Record<string, string>);
    if (body.corsRules !== undefined) next.corsRules = body.corsRules as B2BucketInfo["corsRules"];
    if (body.lifecycleRules !== undefined) next.lifecycleRules = body.lifecycleRules as B2BucketInfo["lifecycleRules"];
    if (body.defaultServerSideEncryption !== undefined) {
      const sse = body.defaultServerSideEncryption as { mode: string; algorithm: string };
      next.defaultServerSideEncryption = { isClientAuthorizedToRead: true, value: { mode: sse.mode, algorithm: sse.algorithm } };
    }
    if (body.fileLockEnabled === true) next.fileLockConfiguration.value!.isFileLockEnabled = true;
    if (body.defaultRetention !== undefined) {
      if (!next.fileLockConfiguration.value!.isFileLockEnabled) throw new B2Error(400, "bad_request", "defaultRetention requires a file-lock-enabled bucket");
      const r = body.defaultRetention as { mode: "governance" | "compliance" | null; period?: { duration: number; unit: "days" } };
      next.fileLockConfiguration.value!.defaultRetention = { mode: r.mode, period: r.mode ? (r.period ?? null) : null };
    }
    next.revision = b.revision + 1;
    this.buckets.set(b.bucketId, next);
    return next;
  }

  private createKey(body: Record<string, unknown>): B2NewKey {
    const keyName = String(body.keyName ?? "");
    if (!/^[A-Za-z0-9-]{1,100}$/.test(keyName)) throw new B2Error(400, "bad_request", `Invalid keyName: ${keyName}`);
    const caps = body.capabilities as string[];
    if (!Array.isArray(caps) || caps.length === 0) throw new B2Error(400, "bad_request", "capabilities is required");
    const unknown = caps.filter((c) => !(B2_CAPABILITIES as readonly string[]).includes(c));
    if (unknown.length) throw new B2Error(400, "bad_request", `unknown capability: ${unknown.join(", ")}`);
    const bucketId = typeof body.bucketId === "string" ? body.bucketId : null;
    if (bucketId) this.bucket(bucketId);
    const accountWide = caps.filter((c) => ["listKeys", "writeKeys", "deleteKeys", "listAllBucketNames"].includes(c));
    if (bucketId && accountWide.length) throw new B2Error(400, "bad_request", `capability ${accountWide.join(", ")} is not allowed for a key restricted to a bucket`);
    if (body.namePrefix !== undefined && !bucketId) throw new B2Error(400, "bad_request", "namePrefix requires bucketId");
    const valid = body.validDurationInSeconds;
    if (valid !== undefined && !(Number.isInteger(valid) && (valid as number) >= 1 && (valid as number) <= 86_400_000)) {
      throw new B2Error(400, "bad_request", "validDurationInSeconds must be 1-86400000");
    }
    const key: B2NewKey = {
      accountId: this.accountId,
      applicationKeyId: `004${this.accountId.slice(0, 9)}${hex(8)}`,
      applicationKey: `K004${randomBytes(22).toString("base64url")}`,
      keyName,
      capabilities: caps as B2Capability[],
      bucketId,
      namePrefix: typeof body.namePrefix === "string" ? body.namePrefix : null,
      expirationTimestamp: valid ? Date.now() + (valid as number) * 1000 : null,
      options: ["s3"],
    };
    this.keys.set(key.applicationKeyId, key);
    return key;
  }
}
