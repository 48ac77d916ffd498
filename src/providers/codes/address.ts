import { normalizeEmail } from "../../server/email.js";
import { authError } from "../../server/errors.js";

/** An email address from params, normalised (trimmed, lower case); `INVALID_ARGUMENT` otherwise. */
export function emailParam(value: unknown): string {
  if (typeof value !== "string") throw authError("INVALID_ARGUMENT", "An email is required");
  return normalizeEmail(value);
}

/** E.164: a `+`, a country code and the number, at most 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number from params in E.164 form (`+15551234567`): spaces, dots,
 * dashes and parentheses are dropped; anything else is `INVALID_ARGUMENT`.
 */
export function phoneParam(value: unknown): string {
  if (typeof value !== "string") throw authError("INVALID_ARGUMENT", "A phone number is required");
  const compact = value.trim().replace(/[\s().-]/g, "");
  if (!E164.test(compact)) {
    throw authError("INVALID_ARGUMENT", "A phone number in international form (e.g. +15551234567) is required");
  }
  return compact;
}
