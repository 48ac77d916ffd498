import { ConvexError } from "convex/values";
import { authErrorCode, type AuthErrorCode } from "convex-auth-kit/react";

/**
 * The example's own wording for some codes, in place of the server's message
 * (which is written for developers). Codes not listed show the server's.
 */
const messages: Partial<Record<AuthErrorCode, string>> = {
  SESSION_ENDED: "This device was signed out (the session ended). Sign in again.",
};

/**
 * A message for people. Errors the auth component raises on purpose arrive
 * as `ConvexError` with data `{ code, message }` (`authErrorCode` reads the
 * code); anything else (network, unexpected server errors) falls back to the
 * error's own message.
 */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof ConvexError) {
    const data: unknown = error.data;
    const code = authErrorCode(error) ?? undefined;
    const own = code === undefined ? undefined : messages[code as AuthErrorCode];
    if (own !== undefined) return { code, message: own };
    const message =
      typeof data === "object" && data !== null && "message" in data
        ? String((data as { message: unknown }).message)
        : typeof data === "string"
          ? data
          : JSON.stringify(data);
    return { code, message };
  }
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
