/** The payload of a JWT, or `null` when it cannot be read. Does not verify. */
function claimsOf(token: string): Record<string, unknown> | null {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims: unknown = JSON.parse(atob(part));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The `exp` (ms since epoch) of a JWT, or 0 when it cannot be read. Does not verify. */
export function expiresAt(token: string): number {
  const exp = claimsOf(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : 0;
}

/** The session id of our access token (`sub` = `userId|sessionId`), or `null`. Does not verify. */
export function sessionIdOf(token: string | null | undefined): string | null {
  if (!token) return null;
  const sub = claimsOf(token)?.sub;
  if (typeof sub !== "string") return null;
  const sessionId = sub.split("|")[1];
  return sessionId ? sessionId : null;
}
