import { ConvexError } from "convex/values";
import { ERROR_CODES, type AuthErrorCode } from "../server/errors.js";

/**
 * The stable `code` of an error this package raised, or `null` for any other
 * error. Use it in UI code to choose a message:
 *
 * @example
 * ```ts
 * try {
 *   await createUser({ name, email });
 * } catch (error) {
 *   if (authErrorCode(error) === "EMAIL_TAKEN") setMessage("That email is in use");
 *   else throw error;
 * }
 * ```
 */
export function authErrorCode(error: unknown): AuthErrorCode | null {
  if (!(error instanceof ConvexError)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("code" in data)) return null;
  const code = (data as { code: unknown }).code;
  return (ERROR_CODES as readonly unknown[]).includes(code) ? (code as AuthErrorCode) : null;
}
