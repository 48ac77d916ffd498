import { authError } from "./errors.js";

/** Shortest username, in characters. */
export const MIN_USERNAME_LENGTH = 3;
/** Longest username, in characters. */
export const MAX_USERNAME_LENGTH = 32;
/**
 * Longest input looked at: anything longer is refused before it is
 * normalised (so an oversized string costs nothing and is never stored or
 * used as a rate-limit key). Generous, for the whitespace and compatibility
 * characters normalisation removes or folds.
 */
const MAX_USERNAME_INPUT_LENGTH = 128;
/**
 * The safe set: a–z, 0–9, `.`, `_`, `-`, starting with a letter or a digit.
 * No `@` (so a username is never an email address) and no `:` (so it never
 * looks like another kind of bucket identifier, e.g. `user:<id>`).
 */
const USERNAME_SHAPE = /^[a-z0-9][a-z0-9._-]*$/;

/** The rule, for messages and docs. */
export const USERNAME_RULE = `${MIN_USERNAME_LENGTH} to ${MAX_USERNAME_LENGTH} characters of a-z, 0-9, ".", "_" and "-", starting with a letter or a digit`;

/**
 * Normalises a username for storage and lookup: Unicode NFKC (so a
 * full-width `Ａｄａ` is `Ada`), trimmed, lower case. Usernames are unique in
 * this form: `Ada`, ` ada ` and `ＡＤＡ` name the same user. Throws
 * `INVALID_USERNAME` unless the result is {@link USERNAME_RULE}.
 */
export function normalizeUsername(username: string): string {
  if (typeof username !== "string" || username.length > MAX_USERNAME_INPUT_LENGTH) {
    throw authError("INVALID_USERNAME", `A username is ${USERNAME_RULE}`);
  }
  const normalized = username.normalize("NFKC").trim().toLowerCase();
  if (
    normalized.length < MIN_USERNAME_LENGTH ||
    normalized.length > MAX_USERNAME_LENGTH ||
    !USERNAME_SHAPE.test(normalized)
  ) {
    throw authError("INVALID_USERNAME", `A username is ${USERNAME_RULE}`);
  }
  return normalized;
}
