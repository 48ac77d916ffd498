import { authError } from "../../server/errors.js";
import { isBreachedPassword, type BreachedPasswordOptions } from "./breached.js";
import { isCommonPassword } from "./common.js";
import { hasAllowedLength, MAX_PASSWORD_LENGTH, resolvePasswordLength, type PasswordLengthOptions } from "./length.js";

/** An app's own check: return a message to refuse the password, nothing to accept it. */
export type PasswordValidator = (
  password: string,
  context: { email: string; username?: string },
) => string | void | undefined | Promise<string | void | undefined>;

/**
 * Rules for new passwords (NIST 800-63B 5.1.1.2, OWASP ASVS 4.0.3 2.1), the
 * fourth argument of {@link checkNewPassword}: the length bounds
 * (`minLength`, default 12, at least 8; `maxLength`, default 128, from 64 to
 * 256) and the checks against known passwords.
 */
export type PasswordPolicy = PasswordLengthOptions & {
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
 * Checks a new password, in this order: a string of `policy.minLength` to
 * `policy.maxLength` characters (12 to 128 by default; Unicode code points,
 * a run of spaces counting as one toward the minimum); not the account's email
 * (case-insensitive) nor its username (`username`, normalised; compared as
 * usernames are); not on the common-password list (unless
 * `policy.common` is `false`); the app's validator if any; then, when
 * `policy.breached` is set, not in the breached-password corpus. Throws
 * `INVALID_PASSWORD`; `CONFIGURATION` for length bounds out of range.
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
  const length = resolvePasswordLength(policy);
  if (typeof password !== "string") throw authError("INVALID_PASSWORD", "A password is required");
  if (!hasAllowedLength(password, length)) {
    throw authError("INVALID_PASSWORD", `A password must be ${length.min} to ${length.max} characters long`);
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

/**
 * A password given to sign in: any string up to 256 characters (longer is
 * simply wrong), whatever `maxLength` new passwords have, so passwords set
 * under an earlier or higher limit still sign in.
 */
export function isPlausiblePassword(password: unknown): password is string {
  return typeof password === "string" && password.length > 0 && [...password].length <= MAX_PASSWORD_LENGTH;
}
