import { authError } from "./errors.js";

/** The longest address RFC 5321 allows in a path. */
const MAX_EMAIL_LENGTH = 320;
/** Something, an `@`, something; no whitespace. Deliverability is the app's check. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/**
 * Normalises an email address for storage and lookup (trimmed, lower case), so
 * `Ada@Example.com ` and `ada@example.com` name the same user.
 * Throws `INVALID_ARGUMENT` for something that is not an address.
 */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(normalized)) {
    throw authError("INVALID_ARGUMENT", "Not a valid email address");
  }
  return normalized;
}
