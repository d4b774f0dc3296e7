/**
 * Implementation of a B2 bucket (secure-storage:b2:Bucket, served by provider/) on the native
 * API v3: b2_create_bucket, b2_list_buckets (read), b2_update_bucket with ifRevisionIs, and
 * b2_delete_bucket. A rename replaces (new bucket first: names differ); everything else updates
 * in place.
 *
 * The bucket is created with its owner marker in bucketInfo (see ownership.ts). When the name is
 * already taken in this account, the bucket is adopted and configured only if it carries this
 * resource's exact marker: it is then what an interrupted create of this same bucket left behind.
 */
import type * as pulumi from "@pulumi/pulumi";
import { bucketNameProblem, canonicalCorsRule, canonicalLifecycleRule, MAX_CORS_RULES, SSE_B2 } from "./capabilities";
import { B2ApiError, regionFromS3Url, type B2Client } from "./client";
import { describeOwner, OWNER_INFO_KEY, ownerProblem, splitOwner, withOwner } from "./ownership";
import { undoThenThrow } from "./undo";
import { changedKeys, type ProviderImpl } from "../dynamic";
import {
  ACCOUNT_FIELDS,
  accountProblems,
  clientFor,
  clientForExisting,
  isKnown,
  withoutLegacyCredentials,
  type B2AccountInputs,
} from "./provider-common";
import type { B2AuthorizeResponse, B2BucketInfo, B2CorsRule, B2DefaultRetention, B2LifecycleRule, B2ServerSideEncryption, B2UpdateBucketRequest } from "./types";

export interface B2BucketInputs extends B2AccountInputs {
  bucketName: string;
  /** Always "allPrivate": files are downloadable only with a key or a presigned URL. */
  bucketType: "allPrivate";
  defaultServerSideEncryption: B2ServerSideEncryption;
  corsRules: B2CorsRule[];
  lifecycleRules: B2LifecycleRule[];
  /** The program's bucketInfo entries; the owner marker is added to them (never set it here). */
  bucketInfo: Record<string, string>;
  /** "<project>/<stack>/<logical>", kept in bucketInfo: marks the bucket as this resource's own. */
  owner: string;
  /** Object lock (B2 "file lock"); can be turned on later but never off. */
  fileLockEnabled?: boolean;
  defaultRetention?: B2DefaultRetention;
}

export interface B2BucketOutputs extends B2BucketInputs {
  bucketId: string;
  accountId: string;
  /** The account's S3-compatible endpoint (from b2_authorize_account). */
  s3ApiUrl: string;
  region: string;
  revision: number;
}

/** Inputs that b2_update_bucket changes in place. */
const UPDATABLE = [
  "bucketType",
  "defaultServerSideEncryption",
  "corsRules",
  "lifecycleRules",
  "bucketInfo",
  "owner",
  "fileLockEnabled",
  "defaultRetention",
] as const;

function checkBucket(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const failures = accountProblems(news);
  const n = news as Partial<B2BucketInputs>;
  if (isKnown(n.bucketName)) {
    const p = typeof n.bucketName === "string" ? bucketNameProblem(n.bucketName) : "must be a string";
    if (p) failures.push({ property: "bucketName", reason: p });
  }
  if (n.owner === undefined) {
    failures.push({ property: "owner", reason: 'is required: "<project>/<stack>/<logical>", the bucket\'s owner marker' });
  } else if (isKnown(n.owner)) {
    const p = ownerProblem(n.owner);
    if (p) failures.push({ property: "owner", reason: p });
  }
  if (isKnown(n.bucketInfo) && n.bucketInfo && OWNER_INFO_KEY in n.bucketInfo) {
    const reason = `"${OWNER_INFO_KEY}" is set from owner; leave it out of bucketInfo`;
    failures.push({ property: "bucketInfo", reason });
  }
  if (isKnown(n.bucketType) && n.bucketType !== "allPrivate") failures.push({ property: "bucketType", reason: 'must be "allPrivate" (public buckets are not supported)' });
  if (isKnown(n.defaultServerSideEncryption) && (n.defaultServerSideEncryption?.mode !== "SSE-B2" || n.defaultServerSideEncryption?.algorithm !== "AES256")) {
    failures.push({ property: "defaultServerSideEncryption", reason: 'must be { mode: "SSE-B2", algorithm: "AES256" }' });
  }
  if (Array.isArray(n.corsRules)) {
    if (n.corsRules.length > MAX_CORS_RULES) failures.push({ property: "corsRules", reason: `B2 allows at most ${MAX_CORS_RULES} CORS rules (got ${n.corsRules.length})` });
    n.corsRules.forEach((r, i) => {
      if (!/^[A-Za-z0-9-]{6,50}$/.test(r.corsRuleName) || /^b2-/i.test(r.corsRuleName)) {
        failures.push({ property: "corsRules", reason: `corsRules[${i}].corsRuleName "${r.corsRuleName}" must be 6-50 letters, digits or "-", not starting with "b2-"` });
      }
      if (r.allowedOrigins.includes("*") && r.allowedOperations.some((op) => op !== "s3_get" && op !== "s3_head")) {
        failures.push({ property: "corsRules", reason: `corsRules[${i}]: origin "*" must not be combined with write operations` });
      }
    });
  }
  if (Array.isArray(n.lifecycleRules)) {
    const prefixes = n.lifecycleRules.map((r) => r.fileNamePrefix);
    if (new Set(prefixes).size !== prefixes.length) failures.push({ property: "lifecycleRules", reason: "B2 allows one lifecycle rule per fileNamePrefix" });
  }
  if (n.defaultRetention && !n.fileLockEnabled) failures.push({ property: "defaultRetention", reason: "requires fileLockEnabled: true" });
  return failures;
}

/** The account's S3 endpoint and its region (from b2_authorize_account). */
function endpoint(auth: B2AuthorizeResponse): Pick<B2BucketOutputs, "s3ApiUrl" | "region"> {
  const s3ApiUrl = auth.apiInfo.storageApi.s3ApiUrl;
  return { s3ApiUrl, region: regionFromS3Url(s3ApiUrl) ?? "us-east-1" };
}

function outputsFrom(inputs: B2BucketInputs, bucket: B2BucketInfo, auth: B2AuthorizeResponse): B2BucketOutputs {
  return { ...inputs, bucketId: bucket.bucketId, accountId: bucket.accountId, ...endpoint(auth), revision: bucket.revision };
}

/**
 * The b2_update_bucket request that makes a bucket match `news`: every setting is sent, since
 * B2 replaces bucketInfo (and with it the owner marker) rather than merging it.
 */
function configureRequest(
  accountId: string,
  bucketId: string,
  news: B2BucketInputs,
  lockIsOn: boolean,
  revision: number,
): B2UpdateBucketRequest {
  return {
    accountId,
    bucketId,
    bucketType: "allPrivate",
    bucketInfo: withOwner(news.bucketInfo, news.owner),
    corsRules: news.corsRules,
    lifecycleRules: news.lifecycleRules,
    defaultServerSideEncryption: SSE_B2,
    ...(news.fileLockEnabled && !lockIsOn ? { fileLockEnabled: true } : {}),
    ...(news.fileLockEnabled ? { defaultRetention: news.defaultRetention ?? { mode: null } } : {}),
    // Optimistic concurrency: fail instead of overwriting a change made since the last read.
    ifRevisionIs: revision,
  };
}

/**
 * The name is taken. In this account and carrying our exact owner marker: an interrupted create
 * of this bucket made it, so configure it as this create would have. Anything else is refused.
 */
async function adoptOwn(b2: B2Client, accountId: string, inputs: B2BucketInputs, taken: unknown): Promise<B2BucketInfo> {
  const existing = await b2.findBucketByName(inputs.bucketName);
  if (!existing) throw taken; // another account's bucket: the hint says to choose another name
  const { owner } = splitOwner(existing.bucketInfo);
  if (owner !== inputs.owner) {
    const found = `B2 bucket "${inputs.bucketName}" already exists in this account with ${describeOwner(owner)}`;
    throw new Error(`${found}, not "${inputs.owner}": refusing to adopt it (rename or delete it, or choose another bucket name)`);
  }
  const lockIsOn = Boolean(existing.fileLockConfiguration.value?.isFileLockEnabled);
  return b2.updateBucket(configureRequest(accountId, existing.bucketId, inputs, lockIsOn, existing.revision));
}

/** The inputs as B2 reports them now (for refresh), in the same canonical shapes the program sends. */
function observed(props: B2BucketOutputs, b: B2BucketInfo): Partial<B2BucketOutputs> {
  const sse = b.defaultServerSideEncryption;
  const lock = b.fileLockConfiguration;
  const retention = lock.value?.defaultRetention;
  const { owner, rest } = splitOwner(b.bucketInfo);
  return {
    bucketName: b.bucketName,
    bucketType: b.bucketType as "allPrivate",
    // A missing or foreign marker shows as drift in owner, which the next `up` writes back.
    bucketInfo: rest,
    owner,
    corsRules: (b.corsRules ?? []).map(canonicalCorsRule),
    lifecycleRules: (b.lifecycleRules ?? []).map(canonicalLifecycleRule),
    // Without read permission on a setting B2 hides it; keep what state says rather than invent drift.
    defaultServerSideEncryption: sse.isClientAuthorizedToRead
      ? ({ mode: sse.value?.mode ?? null, algorithm: sse.value?.algorithm ?? null } as unknown as B2ServerSideEncryption)
      : props.defaultServerSideEncryption,
    ...(lock.isClientAuthorizedToRead
      ? {
          fileLockEnabled: lock.value?.isFileLockEnabled || props.fileLockEnabled !== undefined ? Boolean(lock.value?.isFileLockEnabled) : undefined,
          defaultRetention: retention?.mode && retention.period ? { mode: retention.mode, period: { duration: retention.period.duration, unit: retention.period.unit } } : undefined,
        }
      : {}),
    revision: b.revision,
  };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const provider: ProviderImpl = {
  async check(_olds, news) {
    const failures = checkBucket(news);
    const inputs = { ...news };
    // Canonical rule shapes, so a refresh that reads them back never shows a spurious diff.
    if (Array.isArray(news.corsRules)) inputs.corsRules = (news.corsRules as B2CorsRule[]).map(canonicalCorsRule);
    if (Array.isArray(news.lifecycleRules)) inputs.lifecycleRules = (news.lifecycleRules as B2LifecycleRule[]).map(canonicalLifecycleRule);
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const replaces = changedKeys(olds, news, ["bucketName"]);
    // File lock cannot be turned off: only a new bucket can drop it.
    if (olds.fileLockEnabled && !news.fileLockEnabled) replaces.push("fileLockEnabled");
    const changed = changedKeys(olds, news, ["bucketName", ...UPDATABLE, ...ACCOUNT_FIELDS]);
    // A new name lets the new bucket exist before the old one is deleted; the same name cannot.
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && !replaces.includes("bucketName") };
  },

  async create(raw) {
    const inputs = raw as unknown as B2BucketInputs;
    const b2 = clientFor(raw);
    const auth = await b2.authorize();
    let bucket: B2BucketInfo;
    try {
      bucket = await b2.createBucket({
        accountId: auth.accountId,
        bucketName: inputs.bucketName,
        bucketType: "allPrivate",
        bucketInfo: withOwner(inputs.bucketInfo, inputs.owner),
        corsRules: inputs.corsRules,
        lifecycleRules: inputs.lifecycleRules,
        defaultServerSideEncryption: SSE_B2,
        ...(inputs.fileLockEnabled ? { fileLockEnabled: true } : {}),
      });
    } catch (e) {
      // Also what a retried create sees when B2 made the bucket but its answer was lost.
      if (!(e instanceof B2ApiError && e.code === "duplicate_bucket_name")) throw e;
      const adopted = await adoptOwn(b2, auth.accountId, inputs, e);
      return { id: adopted.bucketId, outs: outputsFrom(inputs, adopted, auth) };
    }
    if (inputs.defaultRetention) {
      const made = bucket;
      try {
        bucket = await b2.updateBucket({
          accountId: auth.accountId,
          bucketId: made.bucketId,
          defaultRetention: inputs.defaultRetention,
          ifRevisionIs: made.revision,
        });
      } catch (e) {
        // A failed create is not recorded in state: do not leave a half-configured bucket behind.
        // If this undo fails too, the marked bucket is adopted by the next `up`.
        const what = `deleting the half-configured bucket "${inputs.bucketName}"`;
        return undoThenThrow(e, what, () => b2.deleteBucket(made.bucketId));
      }
    }
    return { id: bucket.bucketId, outs: outputsFrom(inputs, bucket, auth) };
  },

  async read(id, raw) {
    const props = withoutLegacyCredentials(raw) as unknown as B2BucketOutputs;
    const b2 = await clientForExisting(raw);
    const bucket = await b2.getBucket(id);
    if (!bucket) return { id: "", props: {} };
    return { id, props: withoutUndefined({ ...props, ...observed(props, bucket), ...endpoint(await b2.authorize()) }) };
  },

  async update(id, rawOlds, rawNews) {
    const olds = rawOlds as unknown as B2BucketOutputs;
    const news = rawNews as unknown as B2BucketInputs;
    const carried = { bucketId: olds.bucketId, accountId: olds.accountId, s3ApiUrl: olds.s3ApiUrl, region: olds.region, revision: olds.revision };
    if (changedKeys(rawOlds, rawNews, UPDATABLE).length === 0) return { outs: { ...news, ...carried } }; // the stored credentials only
    const b2 = await clientForExisting({ ...rawNews, accountId: olds.accountId });
    const req = configureRequest(olds.accountId, id, news, Boolean(olds.fileLockEnabled), olds.revision);
    const bucket = await b2.updateBucket(req);
    return { outs: { ...news, ...carried, revision: bucket.revision } };
  },

  async delete(id, raw) {
    await (await clientForExisting(raw)).deleteBucket(id);
  },
};
