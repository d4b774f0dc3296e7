/** The B2 client against the local stand-in: re-authorization, backoff honouring Retry-After, clear errors. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { B2ApiError, B2Client, regionFromS3Url, resetB2Sessions } from "../../components/b2/client";
import { B2StandIn } from "../helpers/b2-standin";

const standin = new B2StandIn();
let waits: number[] = [];
const client = (opts: { maxRetries?: number } = {}) =>
  new B2Client(
    { keyId: standin.masterKeyId, key: standin.masterKey, apiUrl: standin.url },
    { baseDelayMs: 10, sleep: async (ms) => void waits.push(ms), ...opts },
  );
const bucketReq = (name: string) => ({
  accountId: standin.accountId,
  bucketName: name,
  bucketType: "allPrivate" as const,
  bucketInfo: {},
  corsRules: [],
  lifecycleRules: [],
  defaultServerSideEncryption: { mode: "SSE-B2" as const, algorithm: "AES256" as const },
});

beforeAll(() => standin.start());
afterAll(() => standin.stop());
beforeEach(() => {
  resetB2Sessions();
  waits = [];
  standin.calls.length = 0;
});

describe("B2Client", () => {
  it("authorizes once per process and reuses the token", async () => {
    const b2 = client();
    const auth = await b2.authorize();
    expect(auth.accountId).toBe(standin.accountId);
    expect(auth.apiInfo.storageApi.s3ApiUrl).toBe("https://s3.us-west-004.backblazeb2.com");
    await b2.createBucket(bucketReq("reuse-token-1"));
    await client().findBucketByName("reuse-token-1");
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_create_bucket 200", "b2_list_buckets 200"]);
  });

  it("re-authorizes once on 401 expired_auth_token and retries the call", async () => {
    const b2 = client();
    await b2.authorize();
    standin.expireTokenOnNext("b2_list_buckets");
    expect(await b2.getBucket("nope")).toBeUndefined();
    expect(standin.trace()).toEqual(["b2_authorize_account 200", "b2_list_buckets 401 expired_auth_token", "b2_authorize_account 200", "b2_list_buckets 200"]);
  });

  it("re-authorizes only once for concurrent calls that hit the same expired token", async () => {
    const b2 = client();
    await b2.authorize();
    standin.expireTokenOnNext("b2_list_keys");
    await Promise.all([b2.getKey("a"), b2.getKey("b"), b2.getKey("c")]);
    expect(standin.trace().filter((t) => t.startsWith("b2_authorize_account"))).toHaveLength(2);
  });

  it("retries 429 and 503, waiting at least Retry-After", async () => {
    const b2 = client();
    standin.throttleNext("b2_create_bucket", 2);
    standin.throttleNext("b2_create_bucket", 3, 503);
    const b = await b2.createBucket(bucketReq("throttled-1"));
    expect(b.bucketName).toBe("throttled-1");
    expect(standin.trace()).toEqual([
      "b2_authorize_account 200",
      "b2_create_bucket 429 too_many_requests",
      "b2_create_bucket 503 service_unavailable",
      "b2_create_bucket 200",
    ]);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[1]).toBeGreaterThanOrEqual(3000);
  });

  it("backs off exponentially without Retry-After and gives up after maxRetries", async () => {
    const b2 = client({ maxRetries: 2 });
    await b2.authorize();
    for (let i = 0; i < 3; i++) standin.throttleNext("b2_list_keys", 0);
    await expect(b2.getKey("x")).rejects.toThrow(/b2_list_keys: 429 too_many_requests/);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(5); // 10 ms base, jittered to [5, 10]
    expect(waits[1]).toBeGreaterThanOrEqual(10); // doubled: [10, 20]
  });

  it("explains duplicate_bucket_name, bad capabilities, missing buckets and revision conflicts", async () => {
    const b2 = client();
    const b = await b2.createBucket(bucketReq("dup-name-1"));
    await expect(b2.createBucket(bucketReq("dup-name-1"))).rejects.toThrow(/duplicate_bucket_name.*"dup-name-1" is taken: B2 bucket names are global/);
    await expect(
      b2.createKey({ accountId: standin.accountId, keyName: "k1", capabilities: ["readFiles", "fly" as "readFiles"], bucketId: b.bucketId }),
    ).rejects.toThrow(/unknown capability: fly.*B2 refused the capabilities \[readFiles, fly\]/);
    await expect(b2.createKey({ accountId: standin.accountId, keyName: "k1", capabilities: ["readFiles"], bucketId: "gone" })).rejects.toThrow(
      /bad_bucket_id.*bucket gone does not exist \(deleted outside Pulumi\?\)/,
    );
    await expect(b2.updateBucket({ accountId: standin.accountId, bucketId: b.bucketId, corsRules: [], ifRevisionIs: 7 })).rejects.toThrow(
      /409 conflict.*run `pulumi refresh`/,
    );
    const err = await b2.updateBucket({ accountId: standin.accountId, bucketId: "gone", ifRevisionIs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(B2ApiError);
    expect((err as B2ApiError).code).toBe("bad_bucket_id");
  });

  it("treats already-deleted buckets and keys as deleted", async () => {
    const b2 = client();
    expect(await b2.deleteBucket("missing")).toBe(false);
    expect(await b2.deleteKey("missing")).toBe(false);
  });

  it("never puts credentials into errors", async () => {
    const bad = new B2Client({ keyId: standin.masterKeyId, key: "wrong-secret-value", apiUrl: standin.url }, { sleep: async () => undefined });
    const err = (await bad.authorize().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/b2_authorize_account: 401 unauthorized: .* \(the account key id or key is wrong/);
    expect(err.message).not.toContain("wrong-secret-value");
    expect(err.message).not.toContain(Buffer.from(`${standin.masterKeyId}:wrong-secret-value`).toString("base64"));
    expect(() => new B2Client({ keyId: "", key: "" })).toThrow(/credentials are missing/);
  });

  it("reads the region from the S3 endpoint", () => {
    expect(regionFromS3Url("https://s3.eu-central-003.backblazeb2.com")).toBe("eu-central-003");
    expect(regionFromS3Url("http://127.0.0.1:9000")).toBeUndefined();
  });
});
