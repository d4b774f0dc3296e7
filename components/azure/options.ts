/** `storage:buckets.<logical>.options` for Azure buckets: the Azure-only knobs, each one named field. */
import { z } from "zod";
import { ACCOUNT_NAME } from "./names";
import { DEFAULT_SAS_VALIDITY_DAYS, MAX_SAS_VALIDITY_DAYS, MIN_SAS_VALIDITY_DAYS, MIN_SAS_VALIDITY_MESSAGE } from "./sas-lifetime";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const AzureKeyOptions = z
  .strictObject({
    /**
     * sas: a service SAS bound to one stored access policy per generation (the contract carries the token).
     * identity: an Entra ID principal gets a role assignment on the container, limited to the key's
     * prefixes by an ABAC condition (no secret exists; the contract carries the principal id).
     */
    mode: z
      .enum(["sas", "identity"])
      .default("sas")
      .describe("sas: a service SAS per generation; identity: an Entra ID principal's ABAC-scoped role, no secret"),
    principalId: z
      .string()
      .regex(UUID, "must be the object id (a GUID) of the Entra ID principal")
      .optional()
      .describe("identity mode only: object id (GUID) of the Entra ID principal"),
    principalType: z
      .enum(["ServicePrincipal", "User", "Group"])
      .default("ServicePrincipal")
      .describe("identity mode only: what kind of principal principalId is"),
    /**
     * How long each SAS generation's stored access policy stays valid from its creation (sas-lifetime.ts):
     * at least one rotation period; the default covers two (current, then previous) plus margin.
     */
    sasValidityDays: z
      .int()
      .min(MIN_SAS_VALIDITY_DAYS, MIN_SAS_VALIDITY_MESSAGE)
      .max(MAX_SAS_VALIDITY_DAYS, `must be at most ${MAX_SAS_VALIDITY_DAYS} (rotate instead)`)
      .default(DEFAULT_SAS_VALIDITY_DAYS)
      .describe(
        "sas mode: days each generation's stored access policy stays valid (>= the 31-day rotation period); " +
          "verify warns before it ends",
      ),
    /**
     * identity keys only: also grant Storage Blob Delegator on the account, so the application can
     * mint short-lived user delegation SAS URLs (e.g. 1-hour downloads). Such a SAS can never do more
     * than the principal's own role assignment and ABAC condition allow.
     */
    userDelegationSas: z
      .boolean()
      .default(false)
      .describe("identity mode only: the principal may mint short-lived user delegation SAS (never beyond its role)"),
  })
  .superRefine((k, ctx) => {
    if (k.mode === "identity" && !k.principalId) ctx.addIssue({ code: "custom", path: ["principalId"], message: "is required when mode is identity" });
    if (k.mode === "sas" && k.principalId) ctx.addIssue({ code: "custom", path: ["principalId"], message: "only applies to mode: identity" });
    if (k.mode === "sas" && k.userDelegationSas) {
      ctx.addIssue({ code: "custom", path: ["userDelegationSas"], message: "only applies to mode: identity (a SAS holder cannot mint other SAS)" });
    }
  });
export type AzureKeyOptions = z.infer<typeof AzureKeyOptions>;

export const AzureBucketOptions = z.strictObject({
  /** Explicit storage account name (3-24 lowercase letters and digits, globally unique). */
  accountName: z
    .string()
    .regex(ACCOUNT_NAME, "must be 3-24 lowercase letters and digits (Azure storage account rules)")
    .optional()
    .describe("Explicit storage account name (globally unique) instead of the derived one"),
  keys: z
    .record(z.string(), AzureKeyOptions)
    .default({})
    .describe("Per-key Azure knobs, by a key name of the bucket's keys"),
  /** Blob soft delete: deleted or overwritten blobs stay recoverable this many days. */
  softDeleteDays: z.int().min(1).max(365).default(14).describe("Days deleted or overwritten blobs stay recoverable"),
  /** Container soft delete. */
  containerSoftDeleteDays: z.int().min(1).max(365).default(14).describe("Days a deleted container stays recoverable"),
  /** Change feed retention (the per-blob change log); omitted keeps it 90 days. */
  changeFeedDays: z
    .int()
    .min(1)
    .max(146_000)
    .default(90)
    .describe("Days the change feed (the per-blob change log) is kept"),
  /** Lifecycle tier-down of current blobs, days after last modification. */
  tierToCoolDays: z
    .int()
    .min(1)
    .optional()
    .describe("Move current blobs to the Cool tier this many days after last modification"),
  tierToColdDays: z
    .int()
    .min(1)
    .optional()
    .describe("Move current blobs to the Cold tier this many days after last modification"),
  tierToArchiveDays: z
    .int()
    .min(1)
    .optional()
    .describe("Move current blobs to Archive this many days after last modification"),
});
export type AzureBucketOptions = z.infer<typeof AzureBucketOptions>;
export type AzureBucketOptionsInput = z.input<typeof AzureBucketOptions>;

/** A key not listed under options.keys gets the schema defaults (a 90-day SAS). */
const DEFAULT_KEY_OPTIONS: AzureKeyOptions = AzureKeyOptions.parse({});

/** The options of key `key`: its entry under options.keys, or the defaults. */
export function keyOptionsOf(options: AzureBucketOptions, key: string): AzureKeyOptions {
  return options.keys[key] ?? DEFAULT_KEY_OPTIONS;
}
