import { authError } from "../../server/errors.js";
import { isBreachedPassword, type BreachedPasswordOptions } from "./breached.js";
import { isCommonPassword } from "./common.js";

/** NIST 800-63B: at least 8 characters, no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase; short enough to bound hashing work. */
export const MAX_PASSWORD_LENGTH = 256;

/** An app's own check: return a message to refuse the password, nothing to accept it. */
export type PasswordValidator = (
  password: string,
  context: { email: string; username?: string },
) => string | void | undefined | Promise<string | void | undefined>;

/**
 * Extra rules for new passwords (NIST 800-63B 5.1.1.2), the fourth argument
 * of {@link checkNewPassword}.
 */
export type PasswordPolicy = {
  /**
   * Refuse passwords found in the breached-password corpus (Have I Been
   * Pwned's k-anonymity range API; only 5 hex characters of the SHA-1 are
   * sent). Off by default (`undefined` or `false`). Needs `fetch`, so only in
   * actions. Fails open when the service is unreachable.
   */
  breached?: BreachedPasswordOptions | false;
  /** Refuse passwords on the built-in list of the most common ones. Default `true`. */
  common?: boolean;
};

/**
 * Checks a new password, in this order: a string of 8..256 characters
 * (counted as Unicode code points); not the account's email
 * (case-insensitive) nor its username (`username`, normalised; compared as
 * usernames are); not on the common-password list (unless
 * `policy.common` is `false`); the app's validator if any; then, when
 * `policy.breached` is set, not in the breached-password corpus. Throws
 * `INVALID_PASSWORD`.
 *
 * With `policy.breached` this calls `fetch`: call it from an action only.
 */
export async function checkNewPassword(
  password: unknown,
  email: string,
  validate?: PasswordValidator,
  policy?: PasswordPolicy,
  username?: string,
): Promise<string> {
  if (typeof password !== "string") throw authError("INVALID_PASSWORD", "A password is required");
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw authError(
      "INVALID_PASSWORD",
      `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
  const trimmedEmail = email.trim();
  if (trimmedEmail !== "" && password.toLowerCase() === trimmedEmail.toLowerCase()) {
    throw authError("INVALID_PASSWORD", "A password must not be the email address");
  }
  if (username !== undefined && password.normalize("NFKC").trim().toLowerCase() === username) {
    throw authError("INVALID_PASSWORD", "A password must not be the username");
  }
  if ((policy?.common ?? true) && isCommonPassword(password)) {
    throw authError("INVALID_PASSWORD", "This password is too common");
  }
  const refusal = validate ? await validate(password, username === undefined ? { email } : { email, username }) : undefined;
  if (typeof refusal === "string" && refusal !== "") throw authError("INVALID_PASSWORD", refusal);
  const breached = policy?.breached;
  if (breached !== undefined && breached !== false && (await isBreachedPassword(password, breached)) === true) {
    throw authError("INVALID_PASSWORD", "This password has appeared in a data breach; choose another");
  }
  return password;
}

/** A password given to sign in: any string up to the maximum (longer is simply wrong). */
export function isPlausiblePassword(password: unknown): password is string {
  return typeof password === "string" && password.length > 0 && [...password].length <= MAX_PASSWORD_LENGTH;
}
