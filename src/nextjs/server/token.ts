/**
 * The signed-in user's access token in Server Components, Route Handlers
 * and Server Actions, so `fetchQuery` / `preloadQuery` / `fetchMutation`
 * from `convex/nextjs` run as the user: read from the cookie (no call to
 * Convex), refreshed first by the proxy when it was about to expire.
 */
import { cookies } from "next/headers";
import type { AuthCookie } from "../../ssr/cookies.js";
import { backendOf, type AuthServerOptions } from "../../ssr/options.js";
import { authenticateRequest, isLive, tokenFromRequest } from "../../ssr/session.js";
import { currentRequest } from "./request.js";

/** Options of {@link convexAuthToken}. */
export type ConvexAuthTokenOptions = AuthServerOptions & {
  /**
   * Refresh an expired (or expiring) token here and set the new cookies:
   * only where Next.js lets code set cookies (Route Handlers and Server
   * Actions; not Server Components, which the proxy refreshes for).
   * Default `false`.
   */
  refresh?: boolean;
  /**
   * Also ask Convex whether the session is still live (the `sessionState`
   * query: one call, one document read), so a session revoked from another
   * device counts as signed out at once (with `refresh`, its cookies are
   * cleared too). Default `false`.
   */
  live?: boolean;
};

/**
 * The access token of the signed-in user, or `null`. Without `refresh` or
 * `live` it reads only the cookie: a fresh token costs no call to Convex.
 *
 * @example
 * ```tsx
 * // app/profile/page.tsx (a Server Component)
 * const viewer = await fetchQuery(api.users.viewer, {}, { token: await convexAuthToken() });
 * ```
 */
export async function convexAuthToken(options: ConvexAuthTokenOptions = {}): Promise<string | null> {
  const request = await currentRequest();
  const { live, refresh, ...rest } = options;
  if (refresh) {
    const found = await authenticateRequest(request, { ...rest, live });
    await setCookies(found.cookies);
    return found.token;
  }
  const token = tokenFromRequest(request, rest);
  return token !== null && live && !(await isLive(backendOf(rest), token)) ? null : token;
}

/** Sets `written` through Next's cookie API (Route Handlers and Server Actions only). */
async function setCookies(written: readonly AuthCookie[]): Promise<void> {
  if (written.length === 0) return;
  const jar = await cookies();
  for (const cookie of written) jar.set(cookie.name, cookie.value, cookie.options);
}

/** Whether a user is signed in (an unexpired access token in the cookie; see {@link convexAuthToken}). */
export async function isAuthenticated(options: ConvexAuthTokenOptions = {}): Promise<boolean> {
  return (await convexAuthToken(options)) !== null;
}
