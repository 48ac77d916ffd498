/**
 * The error codes live in `src/shared/errors.ts` (the component, the server
 * and the client all need them); this module keeps the old import path.
 */
import { authError } from "../shared/errors.js";

export { ERROR_CODES, authError, isAuthError, type AuthErrorCode, type AuthErrorData } from "../shared/errors.js";

/** `RATE_LIMITED` for a failed-attempt or send bucket that is empty, with when to retry. */
export function rateLimited(retryAfterMs: number) {
  return authError("RATE_LIMITED", `Too many attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
}

/**
 * `SIGN_IN_REFUSED`, for an app's `beforeSessionCreated` callback to throw:
 * no session is created, nothing of the sign-in is written, and the client
 * gets the code with `message` (say why, e.g. "Sign-ups are closed").
 *
 * @example
 * ```ts
 * beforeSessionCreated: async (ctx, { user }) => {
 *   if (user.email?.endsWith("@blocked.example")) throw signInRefused("This address may not sign in");
 * },
 * ```
 */
export function signInRefused(message = "The sign-in was refused") {
  return authError("SIGN_IN_REFUSED", message);
}
