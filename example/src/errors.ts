import { ConvexError } from "convex/values";
import { authErrorCode } from "convex-auth-kit/react";

/**
 * A message for people. Errors the auth component raises on purpose arrive
 * as `ConvexError` with data `{ code, message }` (`authErrorCode` reads the
 * code); anything else (network, unexpected server errors) falls back to the
 * error's own message.
 */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof ConvexError) {
    const data: unknown = error.data;
    const message =
      typeof data === "object" && data !== null && "message" in data
        ? String((data as { message: unknown }).message)
        : typeof data === "string"
          ? data
          : JSON.stringify(data);
    return { code: authErrorCode(error) ?? undefined, message };
  }
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
