import { ConvexError } from "convex/values";
import type { AuthErrorCode } from "../shared/errors.js";

/** For the React binding, so that the bundle imports `convex/values` once. */
export { ConvexError };

/**
 * The `code` of a `ConvexError({ code, message })` — one of this package's
 * stable codes, or an app's own — or `null` for any other error. Use it in UI
 * code to choose a message:
 *
 * @example
 * ```ts
 * try {
 *   await signIn("password", { flow: "signIn", email, password });
 * } catch (error) {
 *   if (authErrorCode(error) === "INVALID_CREDENTIALS") setMessage("Wrong email or password");
 *   else throw error;
 * }
 * ```
 */
export function authErrorCode(error: unknown): AuthErrorCode | (string & {}) | null {
  const code: unknown = error instanceof ConvexError ? (error.data as { code?: unknown } | null)?.code : null;
  return typeof code === "string" ? code : null;
}
