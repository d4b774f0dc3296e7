/**
 * How long the stored access policy behind an Azure SAS key stays valid. The expiry is fixed when a
 * generation's policy is created (stored-access-policy-impl.ts), so it must outlast the time that
 * generation is in use: current until the next scheduled rotation, then previous until retired.
 */
import { ROTATION_PERIOD_DAYS } from "../rotation-schedule";

/**
 * Two rotation periods (62 days, current then previous) plus four weeks of margin, so a generation
 * enters verify's warning window (14 days by default) only when a rotation was missed.
 */
export const DEFAULT_SAS_VALIDITY_DAYS = 90;

/** Shorter than one rotation period, the current SAS would expire before the next rotation replaces it. */
export const MIN_SAS_VALIDITY_DAYS = ROTATION_PERIOD_DAYS;

export const MAX_SAS_VALIDITY_DAYS = 365;

export const MIN_SAS_VALIDITY_MESSAGE =
  `must be at least ${MIN_SAS_VALIDITY_DAYS} days, the rotation period (rotate.yml runs monthly): ` +
  "a shorter SAS expires before the next rotation replaces it";

/** The stored policy's validity in seconds, from the key's `sasValidityDays`. */
export function sasValiditySeconds(days: number): number {
  return days * 86_400;
}

