import { authError } from "../../server/errors.js";

/** NIST 800-63B: at least 8 characters, no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase; short enough to bound hashing work. */
export const MAX_PASSWORD_LENGTH = 256;

/** An app's own check: return a message to refuse the password, nothing to accept it. */
export type PasswordValidator = (
  password: string,
  context: { email: string },
) => string | void | undefined | Promise<string | void | undefined>;

/**
 * Checks a new password: a string of 8..256 characters (counted as Unicode
 * code points), then the app's validator if any. Throws `INVALID_PASSWORD`.
 */
export async function checkNewPassword(
  password: unknown,
  email: string,
  validate?: PasswordValidator,
): Promise<string> {
  if (typeof password !== "string") throw authError("INVALID_PASSWORD", "A password is required");
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw authError(
      "INVALID_PASSWORD",
      `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
  const refusal = validate ? await validate(password, { email }) : undefined;
  if (typeof refusal === "string" && refusal !== "") throw authError("INVALID_PASSWORD", refusal);
  return password;
}

/** A password given to sign in: any string up to the maximum (longer is simply wrong). */
export function isPlausiblePassword(password: unknown): password is string {
  return typeof password === "string" && password.length > 0 && [...password].length <= MAX_PASSWORD_LENGTH;
}
