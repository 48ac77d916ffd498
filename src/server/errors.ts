import { ConvexError } from "convex/values";

/**
 * Every error this package raises on purpose leaves as
 * `ConvexError({ code, message })` with a `code` from this list. Codes are
 * stable: apps may switch on them. Messages are for people and may change.
 */
export const ERROR_CODES = [
  /** An argument is malformed or out of range. */
  "INVALID_ARGUMENT",
  /** The document the call names does not exist. */
  "NOT_FOUND",
  /** Another user already holds this email address. */
  "EMAIL_TAKEN",
  /** The caller is not signed in. */
  "NOT_SIGNED_IN",
  /** The deployment is misconfigured (missing or malformed key, env var). */
  "CONFIGURATION",
  /** `signIn` named a provider the app did not configure. */
  "UNKNOWN_PROVIDER",
  /** Sign-up for an identity (email, provider account) that already has an account. */
  "ACCOUNT_EXISTS",
  /** Wrong email or password; deliberately the same for an unknown email. */
  "INVALID_CREDENTIALS",
  /** A new password breaks the rules (8..256 characters, the app's own check). */
  "INVALID_PASSWORD",
  /** A one-time code is wrong, expired, used, or for another address. */
  "INVALID_CODE",
  /** Too many failed attempts for this identifier; retry later. */
  "RATE_LIMITED",
] as const;

/** One of the stable error codes in {@link ERROR_CODES}. */
export type AuthErrorCode = (typeof ERROR_CODES)[number];

/** The data carried by every `ConvexError` this package throws. */
export type AuthErrorData = { code: AuthErrorCode; message: string };

/**
 * Builds the `ConvexError` for `code`.
 *
 * @example
 * ```ts
 * throw authError("NOT_FOUND", `No user ${userId}`);
 * ```
 */
export function authError(
  code: AuthErrorCode,
  message: string,
): ConvexError<AuthErrorData> {
  return new ConvexError({ code, message });
}

/**
 * True when `error` is a `ConvexError` this package threw, optionally with
 * the given `code`. Works on both sides of a function boundary.
 */
export function isAuthError(
  error: unknown,
  code?: AuthErrorCode,
): error is ConvexError<AuthErrorData> {
  if (!(error instanceof ConvexError)) return false;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("code" in data)) {
    return false;
  }
  const actual = (data as { code: unknown }).code;
  return (
    (ERROR_CODES as readonly unknown[]).includes(actual) &&
    (code === undefined || actual === code)
  );
}
