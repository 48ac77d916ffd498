import { ConvexError } from "convex/values";
import { isAuthError, type AuthErrorData } from "../errors.js";

/** The `RATE_LIMITED` error of a key over its limit, with when to retry. */
export function rateLimitedError(retryAfterMs: number): ConvexError<AuthErrorData & { retryAfterMs: number }> {
  return new ConvexError({
    code: "RATE_LIMITED" as const,
    message: `This API key is over its rate limit; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    retryAfterMs,
  });
}

function json(status: number, data: AuthErrorData, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ code: data.code, message: data.message }), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/**
 * The HTTP response for a refused key: 401 with `WWW-Authenticate: Bearer`
 * (RFC 6750) for a missing, unknown, revoked or expired key, 403 for a key
 * of a banned user, 429 with `Retry-After` for one over its rate limit. The body is `{ code, message }`.
 * Any other error is thrown again.
 */
export function apiKeyErrorResponse(error: unknown): Response {
  if (!isAuthError(error)) throw error;
  const data = error.data;
  switch (data.code) {
    case "INVALID_API_KEY":
    case "API_KEY_REVOKED":
    case "API_KEY_EXPIRED":
      return json(401, data, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
    case "USER_BANNED":
      return json(403, data, {});
    case "RATE_LIMITED": {
      const ms = (data as { retryAfterMs?: unknown }).retryAfterMs;
      const seconds = typeof ms === "number" && ms > 0 ? Math.ceil(ms / 1000) : 1;
      return json(429, data, { "Retry-After": String(seconds) });
    }
    default:
      throw error;
  }
}
