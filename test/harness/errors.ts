/** Assertions on the `ConvexError({ code, message })` this package throws. */
import { ConvexError } from "convex/values";
import { expect } from "vitest";
import type { AuthErrorCode } from "../../src/server/errors.js";

/** Awaits `promise` and asserts it fails with a ConvexError carrying `code`. */
export async function expectAuthError(
  promise: Promise<unknown>,
  code: AuthErrorCode,
): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected a ConvexError with code ${code}`).toBeInstanceOf(ConvexError);
  expect((error as ConvexError<{ code: string }>).data.code).toBe(code);
}
