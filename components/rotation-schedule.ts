/**
 * The key rotation schedule, as numbers that credential lifetimes are checked against.
 * `.github/workflows/rotate.yml` bumps a generation on the 1st of every month; a unit test keeps
 * ROTATION_CRON equal to its schedule, so changing one without the other fails.
 */

/** The cron line of the rotate workflow. */
export const ROTATION_CRON = "0 6 1 * *";

/** The longest gap between two scheduled rotations (a 31-day month). */
export const ROTATION_PERIOD_DAYS = 31;

/**
 * How long one generation's credential is in use at most: the current one for a rotation period,
 * then the previous one for up to another period, until applications switched and it is retired.
 */
export const CREDENTIAL_USE_DAYS = 2 * ROTATION_PERIOD_DAYS;
