import { ConvexError } from "convex/values";

/**
 * Every error this package raises on purpose leaves as
 * `ConvexError({ code, message })` with a `code` from this list. Codes are
 * stable: apps may switch on them. Messages are for people and may change.
 */
export const ERROR_CODES = [
  /**
   * The caller's access token is still valid but its session has ended
   * (signed out, revoked, expired): `auth.session.require` and every
   * sensitive helper refuse it.
   */
  "SESSION_ENDED",
  /** An argument is malformed or out of range. */
  "INVALID_ARGUMENT",
  /** The document the call names does not exist. */
  "NOT_FOUND",
  /** Another user already holds this email address. */
  "EMAIL_TAKEN",
  /** The caller is not signed in. */
  "NOT_SIGNED_IN",
  /**
   * The deployment or the app's code is misconfigured: a missing or
   * malformed key or env var, an option out of range (`Auth()`, a
   * provider), a helper called where it cannot work.
   */
  "CONFIGURATION",
  /** `signIn` named a provider the app did not configure. */
  "UNKNOWN_PROVIDER",
  /** Sign-up for an identity (email, provider account) that already has an account. */
  "ACCOUNT_EXISTS",
  /** Linking a provider account to the signed-in user that signs in to another user already. */
  "ACCOUNT_LINKED_ELSEWHERE",
  /** Wrong email (or username) or password; deliberately the same for an unknown email or username. */
  "INVALID_CREDENTIALS",
  /** A new password breaks the rules: 12..128 characters by default, not the email or username, not a common or (opt-in) breached password, the app's own check. */
  "INVALID_PASSWORD",
  /** A username breaks the rules: 3..32 characters of a-z 0-9 . _ - (after NFKC, trim, lower case), starting with a letter or digit. */
  "INVALID_USERNAME",
  /** Another user already holds this username. */
  "USERNAME_TAKEN",
  /** A one-time code is wrong, expired, used, or for another address. */
  "INVALID_CODE",
  /** Too many failed attempts for this identifier, or an API key over its rate limit; retry later. */
  "RATE_LIMITED",
  /** An API key that does not exist (or is malformed). */
  "INVALID_API_KEY",
  /** An API key that was revoked. */
  "API_KEY_REVOKED",
  /** An API key past its expiry. */
  "API_KEY_EXPIRED",
  /** A scope outside the app's configured scope set. */
  "INVALID_SCOPE",
  /** The change would leave a group without an owner. */
  "LAST_OWNER",
  /** A group slug already used by a sibling group. */
  "SLUG_TAKEN",
  /** The invite was already accepted, revoked or expired. */
  "INVITE_NOT_PENDING",
  /** The invite is past its expiry. */
  "INVITE_EXPIRED",
  /** A pending invite for this email and group exists. */
  "DUPLICATE_INVITE",
  /** The invite is bound to another (or an unverified) email address. */
  "INVITE_EMAIL_MISMATCH",
  /** The user is already a member of the group. */
  "ALREADY_MEMBER",
  /** The caller may not do this (an app's own permission check). */
  "FORBIDDEN",
  /** The user is banned: no sign-in, refresh or API key works until the ban ends. */
  "USER_BANNED",
  /** Removing this would leave the user no way to sign in (or no second factor where 2FA is required). */
  "LAST_FACTOR",
  /** The action needs a second factor verified in this session within the last 10 minutes. */
  "STEP_UP_REQUIRED",
  /** A WebAuthn response that does not verify (challenge, origin, RP ID, signature, counter, owner). */
  "PASSKEY_INVALID",
  /** An OAuth sign-in failed (state, PKCE, nonce, code exchange or profile). */
  "OAUTH_FAILED",
  /** A redirect target outside the app's SITE_URL (its main URL and the other sites it lists). */
  "INVALID_REDIRECT",
  /** The app's `beforeSessionCreated` callback refused the sign-in (`signInRefused(message)`). */
  "SIGN_IN_REFUSED",
  /**
   * The caller is an admin impersonating the user, and this is the user's
   * own to do (credentials, sessions, sign-in identifiers, deleting the
   * account) or an admin's (admin helpers, another impersonation).
   */
  "IMPERSONATING",
  /**
   * `refresh` (or `signIn({ refreshToken })`) was given a refresh token of
   * @convex-dev/auth: a client of that library still open after the
   * switch. It is not used up: the client exchanges it once on its next
   * load (`migrateFrom`, docs/migrating-from-convex-auth.md).
   */
  "LEGACY_TOKEN",
  /** A request to the app's auth route (`convex-auth-kit/ssr`) from a page of another origin, or with no `Origin`. */
  "CROSS_SITE_REQUEST",
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
