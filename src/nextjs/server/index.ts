/**
 * Next.js App Router, the server side: the proxy (`convexAuthProxy`:
 * refreshes tokens, protects routes), the auth route (`convexAuthRoute`),
 * the access token in Server Components, Route Handlers and Server Actions
 * (`convexAuthToken`, `isAuthenticated`), and the root layout's
 * `ConvexAuthNextjsServerProvider`. See docs/ssr.md.
 *
 * @module
 */
export { convexAuthProxy, type ConvexAuthProxyOptions } from "./proxy.js";
export { convexAuthRoute } from "./route.js";
export { convexAuthToken, isAuthenticated, type ConvexAuthTokenOptions } from "./token.js";
export { ConvexAuthNextjsServerProvider } from "./provider.js";
export { matchesRoute, type RouteMatcher } from "./matchers.js";
export type { AuthServerOptions, CookieOptions } from "../../ssr/index.js";
