/**
 * The claims of a JWT, or `null` when it cannot be read (no token, not a
 * JWT); read them with `?.`, as a payload need not be an object. Does not verify.
 */
export function claimsOf(token: string | null | undefined): { exp?: unknown; iat?: unknown; sub?: unknown } | null {
  try {
    // A missing token throws here too.
    return JSON.parse(atob(token!.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return null;
  }
}

/** Milliseconds until a JWT's `exp` (from 0, long past, when it cannot be read). Does not verify. */
export function msLeft(token: string): number {
  const exp = claimsOf(token)?.exp;
  return (typeof exp === "number" ? exp * 1000 : 0) - Date.now();
}

/**
 * Whether a JWT is due for a refresh: less than `aheadMs` left before its
 * `exp`, by default a quarter of its lifetime (`exp - iat`), at most 60 s,
 * so a token of 15 s is refreshed with about 4 s left and a tab can still
 * adopt another tab's fresh token. Does not verify.
 */
export function refreshDue(token: string, aheadMs?: number): boolean {
  const claims = claimsOf(token);
  const lifetime = typeof claims?.exp === "number" && typeof claims.iat === "number" ? (claims.exp - claims.iat) * 1000 : 0;
  return msLeft(token) < (aheadMs ?? (lifetime > 0 ? Math.min(60_000, lifetime / 4) : 60_000));
}

/** The session id of our access token (`sub` = `userId|sessionId`), or `null`. Does not verify. */
export function sessionIdOf(token: string | null | undefined): string | null {
  const sub = claimsOf(token)?.sub;
  return (typeof sub === "string" && sub.split("|")[1]) || null;
}
