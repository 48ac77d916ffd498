/**
 * `TOTP()`'s options, their defaults and the fixed parameters of the scheme.
 */
import { authError } from "../../server/errors.js";

/** Options of the TOTP provider. */
export type TotpOptions = {
  /** Provider id for `signIn(id, ...)`. Default `"totp"`. */
  id?: string;
  /**
   * Who the account is with, as authenticator apps show it ("Acme"). Goes in
   * the `otpauth://` URI; no colon. Default `"Convex"`.
   */
  issuer?: string;
  /** Digits per code: 6 (default, what every app expects), 7 or 8. */
  digits?: number;
  /** Seconds per time step. Default 30 (RFC 6238; most apps support nothing else). */
  period?: number;
  /**
   * The app requires two-factor authentication: removing a user's last
   * second factor is refused with `LAST_FACTOR`. Default false.
   */
  required?: boolean;
  /**
   * The account label in the authenticator app. Default: the user's email,
   * else phone, else name, else id.
   */
  accountName?: (user: { _id: string; email?: string; phone?: string; name?: string }) => string;
};

/** Options with every default filled in. */
export type ResolvedTotpOptions = Required<Omit<TotpOptions, "accountName">> & {
  accountName: NonNullable<TotpOptions["accountName"]>;
};

/** How long a verified second factor counts for step-up (10 minutes). */
export { STEP_UP_WINDOW_MS } from "../../shared/windows.js";

/** Recovery codes in a set. */
export const RECOVERY_CODE_COUNT = 10;

/** Time steps of drift accepted either side of now. */
export const DRIFT_STEPS = 1;

/** Random bytes in a new secret: 160 bits, as RFC 4226 recommends. */
export const SECRET_BYTES = 20;

/** How long a set-up waits for its confirming code. */
export const SETUP_TTL_MS = 10 * 60 * 1000;

/** The verifier kind of a pending set-up. */
export { SETUP_VERIFIER } from "../../shared/verifierKinds.js";

/** Longest authenticator name. */
export const NAME_MAX = 100;

const defaultAccountName: ResolvedTotpOptions["accountName"] = (user) =>
  user.email ?? user.phone ?? user.name ?? user._id;

/**
 * Fills in defaults and checks the options once, when `TOTP()` runs (at
 * module load), so a bad setting fails the deploy instead of a sign-in
 * (`CONFIGURATION`).
 */
export function resolveTotpOptions(options: TotpOptions = {}): ResolvedTotpOptions {
  const resolved: ResolvedTotpOptions = {
    id: options.id ?? "totp",
    issuer: options.issuer ?? "Convex",
    digits: options.digits ?? 6,
    period: options.period ?? 30,
    required: options.required ?? false,
    accountName: options.accountName ?? defaultAccountName,
  };
  if (resolved.issuer.trim() === "" || resolved.issuer.includes(":")) {
    throw authError("CONFIGURATION", `TOTP(): issuer must be non-empty and have no colon, got ${JSON.stringify(resolved.issuer)}`);
  }
  if (!Number.isInteger(resolved.digits) || resolved.digits < 6 || resolved.digits > 8) {
    throw authError("CONFIGURATION", `TOTP(): digits must be 6, 7 or 8, got ${resolved.digits}`);
  }
  if (!Number.isInteger(resolved.period) || resolved.period < 15 || resolved.period > 300) {
    throw authError("CONFIGURATION", `TOTP(): period must be a whole number of seconds from 15 to 300, got ${resolved.period}`);
  }
  return resolved;
}
