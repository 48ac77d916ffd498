/**
 * The access token's subject, `userId|sessionId`: made where a token is
 * signed (the server for its own key, the component's `sessions.issue` for
 * the deployment's) and read back from the identity by the server.
 */
import { authError } from "./errors.js";

/** Separates the user id from the session id in `sub`. */
export const SUBJECT_SEPARATOR = "|";

/** `sub` for a session: `userId|sessionId`. */
export function subjectOf(userId: string, sessionId: string): string {
  for (const [name, value] of [
    ["userId", userId],
    ["sessionId", sessionId],
  ] as const) {
    if (value === "" || value.includes(SUBJECT_SEPARATOR)) {
      throw authError("INVALID_ARGUMENT", `${name} must be non-empty and must not contain "${SUBJECT_SEPARATOR}".`);
    }
  }
  return userId + SUBJECT_SEPARATOR + sessionId;
}

/**
 * Splits a `sub` made by {@link subjectOf}; `null` unless it is exactly two
 * non-empty parts.
 */
export function parseSubject(sub: string): { userId: string; sessionId: string } | null {
  if (typeof sub !== "string") return null;
  const parts = sub.split(SUBJECT_SEPARATOR);
  if (parts.length !== 2) return null;
  const [userId, sessionId] = parts;
  if (userId === "" || sessionId === "") return null;
  return { userId, sessionId };
}
