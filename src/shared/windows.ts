/**
 * Time windows more than one layer enforces. One value each, so the
 * component's check and the server's and providers' checks cannot drift.
 */

/**
 * How recently a second factor must have been verified in a session for
 * step-up: a user who has one may add a passkey, or do another sensitive
 * action, only within this window (10 minutes).
 */
export const STEP_UP_WINDOW_MS = 10 * 60 * 1000;

/**
 * The longest an impersonation lasts (1 hour): the component refuses a
 * longer one, and `Auth({ admin: { impersonation: { durationMs } } })`
 * cannot ask for more.
 */
export const IMPERSONATION_MAX_MS = 60 * 60 * 1000;
