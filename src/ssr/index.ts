/**
 * Server rendering with a cookie session, for any Fetch-API framework
 * (TanStack Start, React Router / Remix, SvelteKit, Astro, Hono, Next.js):
 * the app's auth route (`handleAuthRequest`), the access token of a request
 * for a server render (`tokenFromRequest`, `authenticateRequest`), and the
 * cookie helpers. The browser side is `cookieSession` from
 * `convex-auth-kit/ssr/client`. See docs/ssr.md.
 *
 * @module
 */
export { handleAuthRequest } from "./route.js";
export { authenticateRequest, tokenFromRequest, type AuthenticateOptions, type Authentication } from "./session.js";
export {
  applySetCookies,
  authCookieRecords,
  authCookies,
  clearedAuthCookieRecords,
  clearedAuthCookies,
  cookieNames,
  DEFAULT_COOKIE_MAX_AGE_SECONDS,
  isLocalHttp,
  parseCookieHeader,
  readAuthCookies,
  secureFor,
  serializeCookie,
  type AuthCookie,
  type AuthCookies,
  type CookieNames,
  type CookieOptions,
} from "./cookies.js";
export type { AuthBackend, AuthServerOptions } from "./options.js";
export type { RouteRequest, RouteSignInResult, RouteTokenResult } from "../client/ssr/routeProtocol.js";
