/** The B2 dynamic providers' check and diff (no API calls): bad input is refused before any request. */
import { describe, expect, it } from "vitest";
import { provider as bucketProvider } from "../../components/b2/bucket-impl";
import { provider as keyProvider } from "../../components/b2/key-impl";
import { b2CorsRules } from "../../components/b2/capabilities";

const account = { apiUrl: "https://api.backblazeb2.com" };
const bucket = {
  ...account,
  bucketName: "tasks-prod-abc123",
  bucketType: "allPrivate",
  defaultServerSideEncryption: { mode: "SSE-B2", algorithm: "AES256" },
  corsRules: b2CorsRules([{ origins: ["https://app.example.com"], methods: ["GET", "PUT"], headers: ["*"], exposeHeaders: ["ETag"], maxAgeSeconds: 3600 }]),
  lifecycleRules: [{ fileNamePrefix: "" }],
  bucketInfo: {},
  owner: "secure-storage/prod/tasks",
};
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const reasons = async (p: typeof bucketProvider, news: Record<string, unknown>) => ((await p.check!({}, news)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);

describe("B2 bucket provider check", () => {
  it("accepts a valid bucket and canonicalizes its rules", async () => {
    const r = await bucketProvider.check!({}, { ...bucket, corsRules: [{ ...bucket.corsRules[0], allowedOperations: ["s3_put", "s3_get"] }] });
    expect(r.failures).toEqual([]);
    expect((r.inputs.corsRules as Array<{ allowedOperations: string[] }>)[0].allowedOperations).toEqual(["s3_get", "s3_put"]);
  });

  it("refuses B2-invalid names, public buckets, other encryption, >100 CORS rules, duplicate lifecycle prefixes, retention without lock", async () => {
    expect(await reasons(bucketProvider, { ...bucket, bucketName: "b2-files-x" })).toEqual(['bucketName: "b2-files-x" must not start with "b2-" (reserved by Backblaze)']);
    expect(await reasons(bucketProvider, { ...bucket, bucketName: "abc" })).toEqual(['bucketName: "abc" must be 6-63 characters long (B2 rule)']);
    expect(await reasons(bucketProvider, { ...bucket, bucketType: "allPublic" })).toEqual(['bucketType: must be "allPrivate" (public buckets are not supported)']);
    expect(await reasons(bucketProvider, { ...bucket, defaultServerSideEncryption: { mode: null } })).toEqual([
      'defaultServerSideEncryption: must be { mode: "SSE-B2", algorithm: "AES256" }',
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({ ...bucket.corsRules[0], corsRuleName: `rule-${1000 + i}` }));
    expect(await reasons(bucketProvider, { ...bucket, corsRules: many })).toEqual(["corsRules: B2 allows at most 100 CORS rules (got 101)"]);
    expect(await reasons(bucketProvider, { ...bucket, corsRules: [{ ...bucket.corsRules[0], allowedOrigins: ["*"] }] })).toEqual([
      'corsRules: corsRules[0]: origin "*" must not be combined with write operations',
    ]);
    expect(await reasons(bucketProvider, { ...bucket, lifecycleRules: [{ fileNamePrefix: "a/" }, { fileNamePrefix: "a/" }] })).toEqual([
      "lifecycleRules: B2 allows one lifecycle rule per fileNamePrefix",
    ]);
    expect(await reasons(bucketProvider, { ...bucket, defaultRetention: { mode: "governance", period: { duration: 1, unit: "days" } } })).toEqual([
      "defaultRetention: requires fileLockEnabled: true",
    ]);
    expect(await reasons(bucketProvider, { ...bucket, apiUrl: "http://api.example.com" })).toEqual(["apiUrl: must be https (plain http only for a loopback test stand-in)"]);
  });

  it("refuses account credentials as inputs: the provider reads them from its environment", async () => {
    expect(await reasons(bucketProvider, { ...bucket, accountKeyId: "id", accountKey: "key" })).toEqual([
      "accountKeyId: is no longer an input (it would be stored in state): export B2_APPLICATION_KEY_ID instead",
      "accountKey: is no longer an input (it would be stored in state): export B2_APPLICATION_KEY instead",
    ]);
  });

  it("requires an owner marker of three parts and keeps it out of bucketInfo", async () => {
    const { owner: _owner, ...unowned } = bucket;
    expect(await reasons(bucketProvider, unowned)).toEqual(['owner: is required: "<project>/<stack>/<logical>", the bucket\'s owner marker']);
    expect(await reasons(bucketProvider, { ...bucket, owner: "prod/tasks" })).toEqual([
      'owner: "prod/tasks" must be "<project>/<stack>/<logical>" (no spaces, at most 200 characters)',
    ]);
    expect(await reasons(bucketProvider, { ...bucket, owner: UNKNOWN })).toEqual([]);
    expect(await reasons(bucketProvider, { ...bucket, bucketInfo: { "secure-storage-owner": "x/y/z" } })).toEqual([
      'bucketInfo: "secure-storage-owner" is set from owner; leave it out of bucketInfo',
    ]);
  });
});

describe("B2 bucket provider diff", () => {
  const olds = { ...bucket, bucketId: "bid", accountId: "acct", s3ApiUrl: "https://s3.us-west-004.backblazeb2.com", region: "us-west-004", revision: 3 };
  it("CORS, lifecycle and bucket info update in place; key order does not count", async () => {
    expect(await bucketProvider.diff("bid", olds, { ...bucket })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const reordered = { ...bucket, defaultServerSideEncryption: { algorithm: "AES256", mode: "SSE-B2" } };
    expect(await bucketProvider.diff("bid", olds, reordered)).toMatchObject({ changes: false });
    expect(await bucketProvider.diff("bid", olds, { ...bucket, corsRules: [] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await bucketProvider.diff("bid", olds, { ...bucket, lifecycleRules: [] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await bucketProvider.diff("bid", olds, { ...bucket, fileLockEnabled: true })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    // State from before owner markers: the next up writes the marker in place.
    const { owner: _owner, ...unmarked } = olds;
    expect(await bucketProvider.diff("bid", unmarked, { ...bucket })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    // State that still holds the account credentials is no change (an update would make the bucket's
    // outputs unknown in a preview, which then shows every key replaced): a refresh drops them.
    const stored = { ...olds, accountKeyId: "id", accountKey: "key" };
    expect(await bucketProvider.diff("bid", stored, { ...bucket })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it("a rename replaces, new bucket first; dropping file lock replaces, old bucket first (same name)", async () => {
    expect(await bucketProvider.diff("bid", olds, { ...bucket, bucketName: "tasks-prod-xyz789" })).toEqual({ changes: true, replaces: ["bucketName"], deleteBeforeReplace: false });
    expect(await bucketProvider.diff("bid", { ...olds, fileLockEnabled: true }, { ...bucket })).toEqual({ changes: true, replaces: ["fileLockEnabled"], deleteBeforeReplace: true });
  });
});

describe("B2 application key provider check", () => {
  const key = { ...account, keyName: "tasks-prod-abc123-backend-g1", capabilities: ["listBuckets", "readFiles"], bucketId: "bid", namePrefix: "users/" };
  it("accepts a bucket-scoped data key, also while bucketId is still unknown (preview)", async () => {
    expect(await reasons(keyProvider, key)).toEqual([]);
    expect(await reasons(keyProvider, { ...key, bucketId: UNKNOWN })).toEqual([]);
  });
  it("refuses unknown and management capabilities, account-wide keys, bad names, empty prefixes, long validity", async () => {
    expect(await reasons(keyProvider, { ...key, capabilities: ["readFiles", "teleport"] })).toEqual(['capabilities: unknown B2 capability "teleport"']);
    expect(await reasons(keyProvider, { ...key, capabilities: ["writeKeys"] })).toEqual([
      'capabilities: capability "writeKeys" grants key-management, bucket-administration or account-wide power; this provider never creates such keys',
    ]);
    expect(await reasons(keyProvider, { ...key, bucketId: "" })).toEqual(["bucketId: is required: keys made by this provider are always restricted to one bucket"]);
    expect(await reasons(keyProvider, { ...key, keyName: "bad name" })).toEqual(['keyName: "bad name" must be 1-100 letters, digits or "-" (B2 key name rule)']);
    expect(await reasons(keyProvider, { ...key, namePrefix: "" })).toEqual(["namePrefix: must be a non-empty string when set (leave it out for the whole bucket)"]);
    expect(await reasons(keyProvider, { ...key, validDurationInSeconds: 86_400_001 })).toEqual([
      "validDurationInSeconds: must be a whole number of seconds from 1 to 86400000 (1000 days)",
    ]);
  });
});
