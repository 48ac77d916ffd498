/**
 * The browser side of a cookie session for server-rendered apps:
 * `cookieSession()` gives `ConvexAuthProvider` (or an `AuthClient`) a
 * transport and a storage that go through the app's auth route
 * (`handleAuthRequest` from `convex-auth-kit/ssr`), so the refresh token
 * stays in an HttpOnly cookie. See docs/ssr.md.
 *
 * @module
 */
export { cookieSession, type CookieSession, type CookieSessionOptions } from "./cookieSession.js";
export type { RouteRequest, RouteSignInResult, RouteTokenResult, RouteTokens } from "./routeProtocol.js";
