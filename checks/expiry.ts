/**
 * Credentials that expire on their own (Azure SAS keys: the stored access policy's expiry, carried
 * in the contract as `expiresAt`). Verify warns while one is inside the warning window and fails
 * one already expired: an application holding it is refused from then on.
 *
 * A warning never fails the run, not even with --strict: --strict turns "could not prove" into a
 * failure, and an expiry weeks away is proved, not unknown. Failing on it would block the deploy
 * and rotate workflows, the very runs that replace the credential.
 *
 * The contract is read defensively, by shape: a credential without a readable `expiresAt` does
 * not expire (S3/GCS/B2/MinIO keys), and an unreadable one is a warning, never a crash.
 */
import { judged, type ProbeResult } from "./report";

/** Warn this many days before a credential expires, unless --expiry-warn-days says otherwise. */
export const DEFAULT_EXPIRY_WARN_DAYS = 14;

const DAY_MS = 86_400_000;

export interface ExpiryNotice {
  bucket: string;
  key: string;
  slot: "current" | "previous";
  generation?: number;
  /** As the contract carries it. */
  expiresAt: string;
  /** Whole days left, rounded down (negative once expired); undefined when `expiresAt` is unreadable. */
  daysLeft?: number;
  level: "warning" | "expired";
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Every credential of `storage` (a stack's `storage` output) that expires within `warnDays` of
 * `now`, or has expired, in bucket, key, slot order.
 */
export function expiryNotices(storage: unknown, now: Date, warnDays = DEFAULT_EXPIRY_WARN_DAYS): ExpiryNotice[] {
  const notices: ExpiryNotice[] = [];
  const buckets = isRecord(storage) && isRecord(storage.buckets) ? storage.buckets : {};
  for (const [bucket, b] of Object.entries(buckets)) {
    const keys = isRecord(b) && isRecord(b.keys) ? b.keys : {};
    for (const [key, k] of Object.entries(keys)) {
      if (!isRecord(k)) continue;
      for (const slot of ["current", "previous"] as const) {
        const cred = k[slot];
        if (!isRecord(cred) || cred.expiresAt === undefined || cred.expiresAt === null || cred.expiresAt === "") continue;
        const expiresAt = String(cred.expiresAt);
        const generation = typeof cred.generation === "number" ? cred.generation : undefined;
        const at = Date.parse(expiresAt);
        const base = { bucket, key, slot, ...(generation !== undefined ? { generation } : {}), expiresAt };
        if (!Number.isFinite(at)) {
          notices.push({ ...base, level: "warning" });
          continue;
        }
        const msLeft = at - now.getTime();
        const daysLeft = Math.floor(msLeft / DAY_MS);
        if (msLeft <= 0) notices.push({ ...base, daysLeft, level: "expired" });
        else if (msLeft <= warnDays * DAY_MS) notices.push({ ...base, daysLeft, level: "warning" });
      }
    }
  }
  return notices;
}

const who = (n: ExpiryNotice) =>
  `${n.bucket}/${n.key} ${n.slot} credential${n.generation !== undefined ? ` (generation ${n.generation})` : ""}`;

/** What to do about it: the current one is replaced by a rotation, the previous one by switching and retiring. */
const remedy = (n: ExpiryNotice) =>
  n.slot === "current"
    ? `rotate it: npm run rotate -- ${n.bucket} ${n.key}`
    : "switch applications to the current generation and retire this one (retirePrevious)";

/** One line per warning, e.g. "warning: invoices/app current credential (generation 3) expires ... in 9 days". */
export function formatExpiryWarning(n: ExpiryNotice, warnDays = DEFAULT_EXPIRY_WARN_DAYS): string {
  if (n.daysLeft === undefined) {
    return `warning: ${who(n)} has an unreadable expiry "${n.expiresAt}": check the stored policy`;
  }
  const left = n.daysLeft < 1 ? "in less than a day" : `in ${n.daysLeft} day${n.daysLeft === 1 ? "" : "s"}`;
  return `warning: ${who(n)} expires ${n.expiresAt}, ${left} (warning window ${warnDays} days): ${remedy(n)}`;
}

/** An expired credential as a failed row, so the summary, --json, --junit and the exit code all carry it. */
export function expiredRow(n: ExpiryNotice): ProbeResult {
  const base = { bucket: n.bucket, key: n.key, probe: `${n.slot} credential not expired`, expect: "allow" as const };
  return judged(base, "fail", `expired ${n.expiresAt}`, `the provider refuses it from then on: ${remedy(n)}`, 0);
}

/**
 * What verify adds for expiring credentials: a failed row per expired one (so the summary, --json,
 * --junit and the exit code carry it) and a warning line per one inside the window (printed only:
 * a warning is no row, so neither runFailed nor --strict ever counts it).
 */
export function checkExpiry(
  storage: unknown,
  now: Date,
  warnDays = DEFAULT_EXPIRY_WARN_DAYS,
): { failed: ProbeResult[]; warnings: string[] } {
  const notices = expiryNotices(storage, now, warnDays);
  return {
    failed: notices.filter((n) => n.level === "expired").map(expiredRow),
    warnings: notices.filter((n) => n.level === "warning").map((n) => formatExpiryWarning(n, warnDays)),
  };
}

/** The --expiry-warn-days value: a whole number of days, 0 = only expired credentials. */
export function parseWarnDays(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_EXPIRY_WARN_DAYS;
  if (!/^\d{1,4}$/.test(raw)) throw new Error(`--expiry-warn-days: "${raw}" is not a whole number of days (0-9999)`);
  return Number(raw);
}
