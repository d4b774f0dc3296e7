/**
 * The provider-neutral storage spec. Every component is built from a `BucketSpec`;
 * nothing provider-specific leaks in here except the `provider` selector.
 *
 * Secure is the default: omitted fields never weaken anything, and unknown fields are
 * errors (`strictObject`) so a typo such as `versoning: false` cannot silently pass.
 */
import { z } from "zod";

export const PROVIDERS = ["aws", "azure", "gcp", "minio", "b2"] as const;
export const Provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof Provider>;

export const ACCESS = ["read", "write", "list", "delete"] as const;
export const Access = z.enum(ACCESS);
export type Access = z.infer<typeof Access>;

const logicalName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "must be 2-32 chars of a-z, 0-9 and '-', starting with a letter");

/** An object-name prefix a key is scoped to: `users/`, `workspaces/ws-1/`. */
export const Prefix = z
  .string()
  .min(2, "must not be empty")
  .max(512, "must be at most 512 characters")
  .refine((p) => p.endsWith("/"), 'must end with "/"')
  .refine((p) => !p.startsWith("/"), 'must not start with "/"')
  .refine((p) => !p.split("/").some((seg) => seg === ".." || seg === "."), 'must not contain "." or ".." segments')
  .refine((p) => !p.includes("//"), 'must not contain "//"')
  .refine((p) => /^[A-Za-z0-9!_.()\-/]+$/.test(p), "may only contain letters, digits and ! _ . ( ) - / (no wildcards)");

export const Key = z.strictObject({
  access: z.array(Access).min(1, "must grant at least one of read, write, list, delete").describe("What the key may do: read, write, list, delete"),
  /** Empty means the whole bucket; say so explicitly with `[]`. */
  prefixes: z.array(Prefix).default([]).describe("Object-name prefixes the key is limited to (each ends with /); [] = whole bucket"),
  generation: z.int("must be a whole number").min(1, "must be >= 1").max(1_000_000).describe("Credential generation; bump by one to rotate (npm run rotate)"),
  /** Drop the previous generation's credential (after applications switched). */
  retirePrevious: z.boolean().default(false).describe("Delete the previous generation's credential once applications switched"),
});
export type KeySpec = z.infer<typeof Key>;

const origin = z
  .string()
  .refine(
    (o) => o === "*" || /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o),
    'must be "*" or an origin like https://app.example.com (scheme, host, optional port, no path)',
  );

export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;
export const CorsRule = z.strictObject({
  origins: z.array(origin).min(1, "must list at least one origin").describe('Allowed browser origins (scheme://host[:port]); "*" only with GET/HEAD'),
  methods: z.array(z.enum(CORS_METHODS)).min(1, "must list at least one method").describe("Allowed methods"),
  headers: z.array(z.string().min(1)).default([]).describe("Allowed request headers"),
  exposeHeaders: z.array(z.string().min(1)).default([]).describe("Response headers exposed to scripts (e.g. ETag)"),
  maxAgeSeconds: z
    .int()
    .min(0)
    .max(86_400, "must be at most 86400 (browsers cap it anyway)")
    .default(3600)
    .describe("Seconds a browser may cache the preflight answer"),
});
export type CorsRule = z.infer<typeof CorsRule>;

export const LifecycleRule = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().describe("Rule id (derived when omitted)"),
    prefix: Prefix.optional().describe("Apply only under this prefix"),
    expireDays: z.int().min(1).optional().describe("Delete current objects after N days"),
    noncurrentExpireDays: z.int().min(1).optional().describe("Delete non-current versions N days after they became non-current"),
    abortIncompleteUploadDays: z.int().min(1).optional().describe("Abort unfinished multipart uploads after N days"),
  })
  .refine(
    (r) => r.expireDays !== undefined || r.noncurrentExpireDays !== undefined || r.abortIncompleteUploadDays !== undefined,
    "needs at least one of expireDays, noncurrentExpireDays, abortIncompleteUploadDays",
  );
export type LifecycleRule = z.infer<typeof LifecycleRule>;

export const Encryption = z.discriminatedUnion("kind", [
  /** Provider-managed keys: SSE-S3, Azure/GCS platform keys, SSE-B2, MinIO KMS default key. */
  z.strictObject({ kind: z.literal("managed") }),
  /** Customer-managed key: AWS KMS key ARN/alias, Azure Key Vault key URL, GCS KMS key name, MinIO KMS key name. */
  z.strictObject({
    kind: z.literal("kms"),
    keyId: z
      .string()
      .min(1)
      .describe("kms only: AWS KMS key ARN or alias, Azure Key Vault key URL, GCS KMS key name or MinIO KMS key name"),
  }),
]);
export type Encryption = z.infer<typeof Encryption>;

/** SigV4 presigned URLs are valid for at most 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;
export const Presign = z.strictObject({
  uploadSeconds: z.int().min(1).max(MAX_PRESIGN_SECONDS, "must be at most 604800 (7 days, the SigV4 maximum)").default(900).describe("Lifetime of presigned upload URLs/policies"),
  downloadSeconds: z.int().min(1).max(MAX_PRESIGN_SECONDS, "must be at most 604800 (7 days, the SigV4 maximum)").default(3600).describe("Lifetime of presigned download URLs"),
});
export type Presign = z.infer<typeof Presign>;

/** The largest object S3-compatible APIs accept in one PUT or POST request (5 GiB). */
export const MAX_SINGLE_UPLOAD_BYTES = 5 * 1024 ** 3;
const mimeType = z
  .string()
  .regex(/^[a-z]+\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/, 'must be a MIME type such as "image/png" (lowercase, no parameters or wildcards)');

/**
 * What uploads may be, enforced by the storage through signed conditions (presigned POST
 * policies, signed Content-Type/Content-Length on PUT), not only by application code.
 * A rule with a prefix applies under it; the rule without one applies everywhere else.
 */
export const UploadRule = z.strictObject({
  prefix: Prefix.optional().describe("Apply under this prefix (longest match wins); omit for the bucket-wide rule"),
  maxBytes: z
    .int("must be a whole number of bytes")
    .min(1, "must be at least 1")
    .max(MAX_SINGLE_UPLOAD_BYTES, `must be at most ${MAX_SINGLE_UPLOAD_BYTES} (5 GiB, the single-request upload limit)`)
    .describe("Largest upload in bytes, signed into every upload URL"),
  contentTypes: z.array(mimeType).min(1, "must list at least one content type").describe("Allowed Content-Type values (exact MIME types)"),
});
export type UploadRule = z.infer<typeof UploadRule>;

export const ObjectLock = z.strictObject({
  mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).describe("WORM retention mode"),
  days: z.int().min(1).max(36_500).describe("Default retention in days"),
});
export type ObjectLock = z.infer<typeof ObjectLock>;

export const Bucket = z.strictObject({
  provider: Provider.describe("Where the bucket lives"),
  versioning: z.boolean().default(true).describe("Keep object versions"),
  encryption: Encryption.default({ kind: "managed" }).describe("managed = provider keys (SSE-S3, SSE-B2, ...); kms = customer-managed key keyId"),
  cors: z.array(CorsRule).default([]).describe("Browser access rules"),
  lifecycle: z.array(LifecycleRule).default([]).describe("Expiry rules"),
  presign: Presign.default({ uploadSeconds: 900, downloadSeconds: 3600 }).describe("Presigned URL lifetimes"),
  /** Size and content-type limits on uploads; none means any size up to the provider's limit. */
  uploads: z.array(UploadRule).default([]).describe("Size/type limits enforced through signed upload conditions"),
  objectLock: ObjectLock.optional().describe("Write-once retention (needs versioning)"),
  /** Allow `pulumi destroy` to delete a non-empty bucket. Off by default; dev stacks turn it on. */
  forceDestroy: z.boolean().default(false).describe("Let destroy delete a non-empty bucket (dev only)"),
  /**
   * Keep the data when the stack goes: `protect` + `retainOnDelete` on every resource that holds
   * objects or the key to read them (bucket, storage account and container, log bucket,
   * component-made KMS key), so `pulumi destroy` refuses and a forced removal only forgets them.
   * Omitted = on, unless `forceDestroy: true` (a dev bucket); `retain: true` with `forceDestroy: true`
   * contradicts itself and is refused. See `retains()`.
   */
  retain: z
    .boolean()
    .optional()
    .describe(
      "Keep the data on destroy: protect + retainOnDelete on bucket/account/container, log bucket and the " +
        "component's KMS key; omitted = on unless forceDestroy",
    ),
  keys: z.record(logicalName, Key).default({}).describe("Scoped credentials, by key name"),
  /**
   * Provider-specific hardening knobs, validated by the provider's adapter (`bucketOptions`), so
   * errors still name the path: `storage:buckets.invoices.options.accessLogging`.
   */
  options: z.record(z.string(), z.unknown()).default({}).describe("Provider-specific hardening knobs (see the provider's table)"),
});
export type BucketSpec = z.infer<typeof Bucket>;
export type BucketInput = z.input<typeof Bucket>;

/**
 * Whether a bucket's data survives `pulumi destroy` (the one retain rule every adapter applies):
 * `retain` when set, otherwise on unless the bucket is a `forceDestroy` dev bucket. Secure by
 * default: a spec that says nothing about retention keeps its data.
 */
export function retains(spec: Pick<BucketSpec, "retain" | "forceDestroy">): boolean {
  return spec.retain ?? !spec.forceDestroy;
}

export const StorageSpec = z
  .strictObject({ buckets: z.record(logicalName, Bucket) })
  .superRefine((spec, ctx) => {
    for (const [name, b] of Object.entries(spec.buckets)) {
      if (b.retain === true && b.forceDestroy) {
        const message = "contradicts forceDestroy: true (retain keeps the data, forceDestroy deletes it): drop one";
        ctx.addIssue({ code: "custom", path: ["buckets", name, "retain"], message });
      }
      if (b.objectLock && !b.versioning) {
        ctx.addIssue({ code: "custom", path: ["buckets", name, "versioning"], message: "must be true when objectLock is set" });
      }
      b.cors.forEach((rule, i) => {
        const writes = rule.methods.some((m) => m !== "GET" && m !== "HEAD");
        if (rule.origins.includes("*") && writes) {
          ctx.addIssue({
            code: "custom",
            path: ["buckets", name, "cors", i, "origins"],
            message: 'must not be "*" when write methods (PUT, POST, DELETE) are allowed',
          });
        }
      });
      const uploadPrefixes = b.uploads.map((u) => u.prefix ?? "");
      uploadPrefixes.forEach((p, i) => {
        if (uploadPrefixes.indexOf(p) !== i) {
          ctx.addIssue({ code: "custom", path: ["buckets", name, "uploads", i, "prefix"], message: p ? `"${p}" already has a rule` : "only one rule may omit prefix" });
        }
      });
      b.uploads.forEach((u, i) => {
        if (new Set(u.contentTypes).size !== u.contentTypes.length) {
          ctx.addIssue({ code: "custom", path: ["buckets", name, "uploads", i, "contentTypes"], message: "must not repeat a content type" });
        }
      });
      for (const [keyName, k] of Object.entries(b.keys)) {
        if (new Set(k.access).size !== k.access.length) {
          ctx.addIssue({ code: "custom", path: ["buckets", name, "keys", keyName, "access"], message: "must not repeat an access" });
        }
        const sorted = [...k.prefixes].sort();
        for (let i = 1; i < sorted.length; i++) {
          if (sorted[i].startsWith(sorted[i - 1])) {
            ctx.addIssue({
              code: "custom",
              path: ["buckets", name, "keys", keyName, "prefixes"],
              message: `"${sorted[i]}" is already covered by "${sorted[i - 1]}"`,
            });
          }
        }
        // Generation g of key `app` is named `<bucket>-app-g<g>` (MinIO policies, URNs, B2 key names).
        const base = /^(.+)-g\d+$/.exec(keyName)?.[1];
        if (base !== undefined && base in b.keys) {
          ctx.addIssue({
            code: "custom",
            path: ["buckets", name, "keys", keyName],
            message: `reads as a generation of key "${base}" (its credentials are named "<bucket>-${base}-g<N>"); rename it`,
          });
        }
        if (k.retirePrevious && k.generation === 1) {
          ctx.addIssue({
            code: "custom",
            path: ["buckets", name, "keys", keyName, "retirePrevious"],
            message: "there is no previous generation to retire at generation 1",
          });
        }
      }
    }
  });
export type StorageSpec = z.infer<typeof StorageSpec>;

/** Raised for invalid config; the message names every bad config path. */
export class SpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid storage config:\n  ${problems.join("\n  ")}`);
    this.name = "SpecError";
  }
}

function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : `.${String(seg)}`;
  return out;
}

/** One zod issue as a config problem: `<root><path>: <message>`, unknown fields named. */
export function issueProblem(root: string, issue: z.core.$ZodIssue, path: ReadonlyArray<PropertyKey> = issue.path): string {
  if (issue.code === "unrecognized_keys") return `${formatPath(root, path)}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  // A bad map key (bucket or key name): say which name and why, not "Invalid key in record".
  if (issue.code === "invalid_key") return `${formatPath(root, path)}: name ${issue.issues.map((i) => i.message).join("; ")}`;
  return `${formatPath(root, path)}: ${issue.message}`;
}

/**
 * Validate raw config (as `config.requireObject` returns it). `root` is the config key the
 * object came from, so errors read `storage:buckets.uploads.keys.backend.prefixes[0]: must end with "/"`.
 */
export function parseStorageSpec(raw: unknown, root = "storage"): StorageSpec {
  const result = StorageSpec.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [head, ...rest] = issue.path;
    // The first segment is the config key itself: `storage:buckets`, not `storage.buckets`.
    return issueProblem(head === undefined ? root : `${root}:${String(head)}`, issue, rest);
  });
  throw new SpecError(problems);
}
