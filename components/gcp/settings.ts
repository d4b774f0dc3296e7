/**
 * `storage:gcp` stack settings and each GCS bucket's `options` (GCS-only knobs).
 * Both are strict: an unknown or misspelt field is a config error naming its path.
 */
import { z } from "zod";

/** The GCS XML API, which speaks S3-compatible SigV4 with HMAC keys (the contract's endpoint). */
export const GCS_ENDPOINT = "https://storage.googleapis.com";

const bucketNameLike = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a GCS bucket name (3-63 chars of a-z, 0-9, . _ -)");

export const GcpSettings = z.strictObject({
  /** Project that owns the buckets, service accounts, HMAC keys and custom roles. */
  project: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      "must be a GCP project ID (6-30 chars of a-z, 0-9, '-', starting with a letter)",
    )
    .describe("Project that owns the buckets, service accounts, HMAC keys and custom roles"),
  /** Bucket location: a region (europe-west1), dual-region (EUR4) or multi-region (EU). Upper-cased as GCS reports it, so it never diffs. */
  location: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,40}$/, "must be a GCS location such as EU, US or europe-west1")
    .describe("Bucket location: a region (europe-west1), dual-region (EUR4) or multi-region (EU)")
    .transform((l) => l.toUpperCase()),
  /** Existing bucket that receives usage (access) logs; buckets log to it unless `options.logging: false`. */
  logBucket: bucketNameLike
    .optional()
    .describe("Existing bucket for usage (access) logs; every bucket logs to it unless options.logging: false"),
  /**
   * Turn on Cloud Audit Logs Data Access (DATA_READ, DATA_WRITE) for storage.googleapis.com in the
   * project: the only GCS log that records *who* (the key's service account) read or wrote an object.
   * Project-wide and authoritative for that service, so it is opt-in.
   */
  dataAccessAuditLogs: z
    .boolean()
    .default(false)
    .describe("Data Access audit logs (who read or wrote an object); project-wide and authoritative, so opt-in"),
  /** Grant the project's GCS service agent encrypt/decrypt on CMEK keys (off when the key's owners grant it). */
  grantKmsToServiceAgent: z
    .boolean()
    .default(true)
    .describe("Grant the project's GCS service agent encrypt/decrypt on CMEK keys; off when the key's owners grant it"),
  /** S3-interoperable endpoint written to the contract (a Private Service Connect endpoint, for example). */
  endpoint: z
    .url({ protocol: /^https$/, error: "must be an https URL such as https://storage.googleapis.com" })
    .default(GCS_ENDPOINT)
    .describe("S3-interoperable endpoint written to the contract (e.g. a Private Service Connect endpoint)"),
});
export type GcpSettings = z.infer<typeof GcpSettings>;
export type GcpSettingsInput = z.input<typeof GcpSettings>;

const softDeleteDays = z
  .int("must be a whole number of days")
  .refine((d) => d === 0 || (d >= 7 && d <= 90), "must be 0 (off) or 7-90 days (the range GCS accepts)");

export const GcsBucketOptions = z.strictObject({
  storageClass: z
    .enum(["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"])
    .default("STANDARD")
    .describe("Default storage class of new objects"),
  /** Deleted and overwritten objects stay restorable this long (GCS default 7). */
  softDeleteDays: softDeleteDays
    .default(7)
    .describe("Days deleted and overwritten objects stay restorable: 0 (off) or 7-90"),
  /** Bucket retention policy: objects cannot be deleted or replaced before this age. Needs `versioning: false`. */
  retentionDays: z
    .int()
    .min(1)
    .max(36_500, "must be at most 36500 days")
    .optional()
    .describe("Retention policy: objects cannot be deleted or replaced before this age; needs versioning: false"),
  /** Lock the retention policy (irreversible: it can never be shortened or removed, and the bucket not deleted while objects are retained). */
  lockRetention: z
    .boolean()
    .default(false)
    .describe("Lock the retention policy: irreversible, it can never be shortened or removed"),
  /** Usage logs into `storage:gcp.logBucket`; defaults to on when a log bucket is configured. */
  logging: z
    .boolean()
    .optional()
    .describe("Usage logs into storage:gcp.logBucket; unset = on when a log bucket is set"),
  logObjectPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be 1-100 chars of letters, digits, . _ -")
    .optional()
    .describe("Name prefix of this bucket's log objects in the log bucket; unset = the bucket name"),
  /** Keep at most this many noncurrent versions per object (GCS `numNewerVersions`). Needs versioning. */
  keepNoncurrentVersions: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe("Keep at most this many noncurrent versions per object (GCS numNewerVersions); needs versioning"),
  /**
   * How a prefixed key's `list` is scoped. `prefix` (default): an IAM condition on the list request's
   * prefix (`storage.googleapis.com/objectListPrefix`); it fails closed. `bucket`: the key may list
   * every object *name* in the bucket (never read them): an explicit, reported weakening.
   */
  listScope: z
    .enum(["prefix", "bucket"])
    .default("prefix")
    .describe("prefix: a prefixed key lists only its prefixes (fails closed); bucket: it lists every name (reported)"),
  /**
   * What `retirePrevious: true` does to the previous HMAC key. `delete` (default): the provider sets
   * it INACTIVE and then deletes it in the same update. `deactivate`: it stays as an INACTIVE key
   * (unusable, but can be re-activated) until the next generation bump deletes it.
   */
  hmacRetire: z
    .enum(["delete", "deactivate"])
    .default("delete")
    .describe("What retirePrevious does to the previous HMAC key: delete it, or keep it INACTIVE until the next bump"),
  /** Accepted only as `true`: named so that an attempt to turn it off gets a clear error. */
  uniformBucketLevelAccess: z
    .literal(true, { error: "must be true: IAM conditions (which scope keys to prefixes) only apply with uniform bucket-level access; object ACLs would bypass them" })
    .optional()
    .describe("Always true; named only so turning it off is an error (object ACLs would bypass the prefix conditions)"),
  /** Accepted only as `enforced`: named so that an attempt to weaken it gets a clear error. */
  publicAccessPrevention: z
    .literal("enforced", { error: 'must be "enforced": this project never makes a GCS bucket public' })
    .optional()
    .describe("Always enforced; named only so weakening it is an error (no bucket is ever public)"),
});
export type GcsBucketOptions = z.infer<typeof GcsBucketOptions>;
export type GcsBucketOptionsInput = z.input<typeof GcsBucketOptions>;
