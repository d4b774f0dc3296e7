/**
 * A small client for the B2 native API v3 (no SDK dependency: Node's fetch).
 *
 * Robustness that B2's documentation asks of every client:
 * - an expired (or otherwise rejected) auth token (401 expired_auth_token / bad_auth_token) means
 *   "call b2_authorize_account again and retry", once;
 * - 429 too_many_requests and 503 service_unavailable are retried with exponential backoff,
 *   waiting at least what `Retry-After` says; a call that is not safe to repeat (b2_create_key:
 *   B2 key names are not unique) is not retried after a network error or a 5xx, which may have
 *   come after B2 acted: its caller cleans up instead;
 * - known error codes become messages that say what to do (duplicate name, bad capabilities,
 *   missing bucket).
 * Credentials and tokens never appear in an error message.
 */
import type {
  B2AuthorizeResponse,
  B2BucketInfo,
  B2CreateBucketRequest,
  B2CreateKeyRequest,
  B2ErrorBody,
  B2KeyInfo,
  B2NewKey,
  B2UpdateBucketRequest,
} from "./types";

export const DEFAULT_API_URL = "https://api.backblazeb2.com";

/** An account's application key (the master key or one with bucket and key management capabilities). */
export interface B2Credentials {
  keyId: string;
  key: string;
  /** Base URL of b2_authorize_account; defaults to https://api.backblazeb2.com (tests point it at a stand-in). */
  apiUrl?: string;
}

export interface B2ClientOptions {
  /** Retries of 429/503/network errors before giving up. */
  maxRetries?: number;
  /** First backoff step; doubles each retry (capped at 64 s), never shorter than Retry-After. */
  baseDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** An error answered by B2, with its documented `status` and `code`. */
export class B2ApiError extends Error {
  constructor(
    readonly op: string,
    readonly status: number,
    readonly code: string,
    readonly b2Message: string,
    hint?: string,
  ) {
    super(`${op}: ${status} ${code}: ${b2Message}${hint ? ` (${hint})` : ""}`);
    this.name = "B2ApiError";
  }
}

/** No answer from B2 (connection refused or dropped, timeout): the call may or may not have happened. */
export class B2TransportError extends Error {
  constructor(
    readonly op: string,
    attempts: number,
    cause: unknown,
  ) {
    // fetch says only "fetch failed"; the reason (refused, reset, timed out) is in its cause.
    const why = [cause, (cause as { cause?: unknown }).cause].flatMap((c) => (c instanceof Error ? [c.message] : []));
    const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    super(`${op}: request failed after ${tries}: ${why.join(": ") || String(cause)}`);
    this.name = "B2TransportError";
  }
}

/** True unless B2 definitely refused the call (a 4xx answer): the call may have taken effect. */
export const mayHaveActed = (e: unknown): boolean => !(e instanceof B2ApiError && e.status >= 400 && e.status < 500);

const RETRYABLE = new Set([429, 500, 503]);
/** Answers that say B2 did not act: safe to retry even for a call that must not run twice. */
const REFUSED_UNDONE = new Set([429]);
const REAUTH_CODES = new Set(["expired_auth_token", "bad_auth_token"]);
/** The answer to a call naming a bucket id that no longer exists. */
const isNoSuchBucket = (e: unknown): boolean => e instanceof B2ApiError && (e.code === "bad_bucket_id" || e.code === "invalid_bucket_id");

/** Hints for documented error codes, so a failed `pulumi up` says what to do. */
function hintFor(op: string, status: number, code: string, message: string, body: unknown): string | undefined {
  const req = (body ?? {}) as Record<string, unknown>;
  switch (code) {
    case "duplicate_bucket_name":
      return `bucket name "${String(req.bucketName)}" is taken: B2 bucket names are global across all accounts; choose another name`;
    case "bad_bucket_id":
    case "invalid_bucket_id":
      return `bucket ${String(req.bucketId)} does not exist (deleted outside Pulumi?); run \`pulumi refresh\``;
    case "conflict":
      return "the bucket changed since it was last read (ifRevisionIs did not match); run `pulumi refresh` and retry";
    case "cannot_delete_non_empty_bucket":
      return "empty the bucket first; this provider never deletes files";
    case "unauthorized":
      if (op === "b2_authorize_account") return "the account key id or key is wrong, or the key was deleted or expired";
      return `the account key lacks a capability ${op} needs, or is restricted to other buckets`;
    case "bad_request":
      if (op === "b2_create_key" && /capabilit/i.test(message)) {
        return `B2 refused the capabilities [${Array.isArray(req.capabilities) ? req.capabilities.join(", ") : ""}]`;
      }
      if (/bucket/i.test(message) && /not (exist|found)|no such/i.test(message)) return "the bucket does not exist; run `pulumi refresh`";
      return undefined;
    default:
      return status === 429 || status === 503 ? "B2 kept asking to slow down; retry later" : undefined;
  }
}

interface Session {
  auth: B2AuthorizeResponse;
  /** Which token this session holds, so concurrent callers re-authorize only once per expired token. */
  token: string;
}

/** One session per (apiUrl, keyId) per process: B2 asks clients to reuse tokens, not authorize per call. */
const sessions = new Map<string, Promise<Session>>();

export class B2Client {
  private readonly apiUrl: string;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly creds: B2Credentials,
    opts: B2ClientOptions = {},
  ) {
    if (!creds.keyId || !creds.key) throw new Error("B2 account credentials are missing (accountKeyId and accountKey)");
    this.apiUrl = (creds.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    this.maxRetries = opts.maxRetries ?? 6;
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private get sessionKey(): string {
    return `${this.apiUrl}|${this.creds.keyId}`;
  }

  /** Authorize (or reuse this process's session); returns account id, API URL and S3 endpoint. */
  async authorize(): Promise<B2AuthorizeResponse> {
    return (await this.session()).auth;
  }

  private session(staleToken?: string): Promise<Session> {
    const existing = sessions.get(this.sessionKey);
    if (existing && staleToken === undefined) return existing;
    const next = (async () => {
      if (existing && staleToken !== undefined) {
        // Someone else may already have replaced the stale token. A failed earlier authorization
        // was reported to its own callers; here it only means "authorize again".
        const current = await existing.catch(() => undefined);
        if (current && current.token !== staleToken) return current;
      }
      const basic = Buffer.from(`${this.creds.keyId}:${this.creds.key}`).toString("base64");
      const auth = await this.send<B2AuthorizeResponse>("b2_authorize_account", `${this.apiUrl}/b2api/v3/b2_authorize_account`, "GET", `Basic ${basic}`);
      return { auth, token: auth.authorizationToken };
    })();
    sessions.set(this.sessionKey, next);
    next.catch(() => sessions.delete(this.sessionKey));
    return next;
  }

  /**
   * One HTTP exchange with retries on 429/5xx/network errors (only 429 when `once`: the call must
   * not be repeated if it may have happened). Throws B2ApiError on a B2 error.
   */
  private async send<T>(
    op: string,
    url: string,
    method: "GET" | "POST",
    authorization: string,
    body?: unknown,
    once = false,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { authorization, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        if (once || attempt >= this.maxRetries) throw new B2TransportError(op, attempt + 1, e);
        await this.sleep(this.backoff(attempt));
        continue;
      }
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as T;
      let err: B2ErrorBody;
      try {
        err = JSON.parse(text) as B2ErrorBody;
      } catch {
        err = { status: res.status, code: "unknown", message: text.slice(0, 200) };
      }
      if ((once ? REFUSED_UNDONE : RETRYABLE).has(res.status) && attempt < this.maxRetries) {
        const retryAfter = Number(res.headers.get("retry-after"));
        const wait = Math.max(this.backoff(attempt), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0);
        await this.sleep(wait);
        continue;
      }
      throw new B2ApiError(op, err.status ?? res.status, err.code, err.message, hintFor(op, res.status, err.code, err.message, body));
    }
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.baseDelayMs * 2 ** attempt, 64_000);
    return exp / 2 + Math.random() * (exp / 2); // jittered, so parallel resources do not retry in lockstep
  }

  /**
   * POST a storage API call, re-authorizing once if B2 says the token expired (B2 did not act).
   * `once`: never repeat it after an answer that may have come after B2 acted.
   */
  async call<T>(op: string, body: object, opts: { once?: boolean } = {}): Promise<T> {
    let s = await this.session();
    for (let reauthorized = false; ; reauthorized = true) {
      try {
        const url = `${s.auth.apiInfo.storageApi.apiUrl}/b2api/v3/${op}`;
        return await this.send<T>(op, url, "POST", s.token, body, opts.once);
      } catch (e) {
        if (!reauthorized && e instanceof B2ApiError && e.status === 401 && REAUTH_CODES.has(e.code)) {
          s = await this.session(s.token);
          continue;
        }
        throw e;
      }
    }
  }

  async accountId(): Promise<string> {
    return (await this.authorize()).accountId;
  }

  createBucket(req: B2CreateBucketRequest): Promise<B2BucketInfo> {
    return this.call("b2_create_bucket", req);
  }

  updateBucket(req: B2UpdateBucketRequest): Promise<B2BucketInfo> {
    return this.call("b2_update_bucket", req);
  }

  /** The bucket with this id, or undefined if it no longer exists. */
  async getBucket(bucketId: string): Promise<B2BucketInfo | undefined> {
    try {
      const r = await this.call<{ buckets: B2BucketInfo[] }>("b2_list_buckets", { accountId: await this.accountId(), bucketId });
      return r.buckets.find((b) => b.bucketId === bucketId);
    } catch (e) {
      if (isNoSuchBucket(e)) return undefined;
      throw e;
    }
  }

  async findBucketByName(bucketName: string): Promise<B2BucketInfo | undefined> {
    const r = await this.call<{ buckets: B2BucketInfo[] }>("b2_list_buckets", { accountId: await this.accountId(), bucketName });
    return r.buckets.find((b) => b.bucketName === bucketName);
  }

  /** Delete a bucket; false if it was already gone. */
  async deleteBucket(bucketId: string): Promise<boolean> {
    try {
      await this.call("b2_delete_bucket", { accountId: await this.accountId(), bucketId });
      return true;
    } catch (e) {
      if (isNoSuchBucket(e)) return false;
      throw e;
    }
  }

  /** Not retried after an unsure failure: a repeat would make a second key with the same name. */
  createKey(req: B2CreateKeyRequest): Promise<B2NewKey> {
    return this.call("b2_create_key", req, { once: true });
  }

  /** Every key of the account (no secrets), page by page through b2_list_keys. */
  async *listKeys(): AsyncGenerator<B2KeyInfo> {
    const accountId = await this.accountId();
    let start: string | null | undefined;
    do {
      const page = await this.call<{ keys: B2KeyInfo[]; nextApplicationKeyId: string | null }>("b2_list_keys", {
        accountId,
        maxKeyCount: 1000,
        ...(start ? { startApplicationKeyId: start } : {}),
      });
      yield* page.keys;
      start = page.nextApplicationKeyId;
    } while (start);
  }

  /** The key with this id (no secret), or undefined if the account has no such key. */
  async getKey(applicationKeyId: string): Promise<B2KeyInfo | undefined> {
    for await (const k of this.listKeys()) if (k.applicationKeyId === applicationKeyId) return k;
    return undefined;
  }

  /** The keys named exactly `keyName` (B2 allows several). */
  async keysNamed(keyName: string): Promise<B2KeyInfo[]> {
    const found: B2KeyInfo[] = [];
    for await (const k of this.listKeys()) if (k.keyName === keyName) found.push(k);
    return found;
  }

  /** Delete a key; false if it was already gone. */
  async deleteKey(applicationKeyId: string): Promise<boolean> {
    try {
      await this.call("b2_delete_key", { applicationKeyId });
      return true;
    } catch (e) {
      if (e instanceof B2ApiError && e.status === 400 && /not (exist|found)|no such/i.test(e.b2Message)) return false;
      throw e;
    }
  }
}

/** Forget cached sessions (tests; a provider process is short-lived anyway). */
export function resetB2Sessions(): void {
  sessions.clear();
}

/** The region in an S3 endpoint such as https://s3.us-west-004.backblazeb2.com. */
export function regionFromS3Url(s3ApiUrl: string): string | undefined {
  return /^https?:\/\/s3\.([a-z0-9-]+)\.backblazeb2\.com\/?$/i.exec(s3ApiUrl)?.[1];
}
