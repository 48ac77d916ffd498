/**
 * How long a new password may be (OWASP ASVS 4.0.3 2.1.1, 2.1.2): the
 * defaults, the bounds an app may set, and how a password's length is counted.
 */
import { authError } from "../../server/errors.js";

/** ASVS 2.1.1: at least 12 characters by default. */
export const DEFAULT_MIN_PASSWORD_LENGTH = 12;
/** ASVS 2.1.2: up to 128 characters by default, more refused. */
export const DEFAULT_MAX_PASSWORD_LENGTH = 128;
/** The lowest `minLength` an app may set: NIST 800-63B's 8 (for apps that also ask for a second factor). */
export const LOWEST_MIN_PASSWORD_LENGTH = 8;
/** The lowest `maxLength` an app may set: ASVS 2.1.2 asks that 64 characters are always allowed. */
export const LOWEST_MAX_PASSWORD_LENGTH = 64;
/**
 * The highest `maxLength`, and the longest password a sign-in checks at all
 * (longer is simply wrong): bounds the hashing work, and lets passwords set
 * under the earlier limit of 256 characters keep signing in.
 */
export const MAX_PASSWORD_LENGTH = 256;

/** The length bounds of new passwords, as `Password({ passwordPolicy: { minLength, maxLength } })` sets them. */
export type PasswordLengthOptions = {
  /** The fewest characters of a new password. Default 12; at least 8. */
  minLength?: number;
  /** The most characters of a new password. Default 128; from 64 to 256, and at least `minLength`. */
  maxLength?: number;
};

/** Both bounds, checked. */
export type PasswordLength = { min: number; max: number };

/**
 * The bounds with the defaults filled in. `CONFIGURATION` for a bound that
 * is no whole number, a `minLength` under 8, a `maxLength` outside 64..256,
 * or a `minLength` above the `maxLength`.
 */
export function resolvePasswordLength(options: PasswordLengthOptions = {}): PasswordLength {
  const min = options.minLength ?? DEFAULT_MIN_PASSWORD_LENGTH;
  const max = options.maxLength ?? DEFAULT_MAX_PASSWORD_LENGTH;
  if (!Number.isInteger(min) || min < LOWEST_MIN_PASSWORD_LENGTH) {
    throw authError(
      "CONFIGURATION",
      `Password(): passwordPolicy.minLength must be a whole number of at least ${LOWEST_MIN_PASSWORD_LENGTH}, got ${min}`,
    );
  }
  if (!Number.isInteger(max) || max < LOWEST_MAX_PASSWORD_LENGTH || max > MAX_PASSWORD_LENGTH) {
    throw authError(
      "CONFIGURATION",
      `Password(): passwordPolicy.maxLength must be a whole number from ${LOWEST_MAX_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH}, got ${max}`,
    );
  }
  if (min > max) {
    throw authError("CONFIGURATION", `Password(): passwordPolicy.minLength (${min}) is above maxLength (${max})`);
  }
  return { min, max };
}

/**
 * Whether `password` has an allowed length. Characters are Unicode code
 * points; for the minimum, a run of spaces (any whitespace) counts as one
 * (ASVS 2.1.1: "after multiple spaces are combined"), so padding with spaces
 * does not reach it.
 */
export function hasAllowedLength(password: string, { min, max }: PasswordLength): boolean {
  if ([...password].length > max) return false;
  return [...password.replace(/\s+/gu, " ")].length >= min;
}
