/**
 * The Next.js proxy (`proxy.ts`, formerly middleware): before a page
 * renders, refreshes an access token that has expired or is about to (one
 * call to the app's `refresh` mutation; a fresh token costs none), hands
 * the render the new cookies at once, and sends signed-out visitors of
 * protected paths to the sign-in page.
 */
import { NextResponse, type NextRequest } from "next/server";
import { applySetCookies } from "../../ssr/cookies.js";
import { authenticateRequest, type AuthenticateOptions } from "../../ssr/session.js";
import { matchesRoute, type RouteMatcher } from "./matchers.js";

/** Options of {@link convexAuthProxy}. */
export type ConvexAuthProxyOptions = AuthenticateOptions & {
  /** Paths only signed-in users may open (paths, regular expressions or a function). Default: none. */
  protect?: RouteMatcher;
  /** Where signed-out visitors of a protected path go, with `?redirectTo=<path>`. Default `/signin`. */
  signInPage?: string;
  /** The auth route, left alone (it manages its own cookies). Default `/api/auth`. */
  route?: string;
};

/**
 * The proxy: `export default convexAuthProxy({ protect: ["/dashboard"] })`
 * in `proxy.ts`, with a `config.matcher` that leaves out static files.
 * A render sees the refreshed token (`convexAuthToken()`) in the same
 * request; the browser gets the new cookies with the response.
 *
 * @example
 * ```ts
 * // proxy.ts
 * import { convexAuthProxy } from "convex-auth-kit/nextjs/server";
 * export default convexAuthProxy({ protect: ["/dashboard"], signInPage: "/signin" });
 * export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
 * ```
 */
export function convexAuthProxy(options: ConvexAuthProxyOptions = {}) {
  const route = options.route ?? "/api/auth";
  const signInPage = options.signInPage ?? "/signin";
  return async function proxy(request: NextRequest): Promise<NextResponse> {
    const { pathname, search } = request.nextUrl;
    if (pathname === route) return NextResponse.next();
    const { token, setCookies } = await authenticateRequest(request, options);
    let response: NextResponse;
    if (token === null && pathname !== signInPage && matchesRoute(options.protect, request)) {
      const target = request.nextUrl.clone();
      target.pathname = signInPage;
      target.search = "";
      target.searchParams.set("redirectTo", pathname + search);
      response = NextResponse.redirect(target);
    } else if (setCookies.length > 0) {
      // The render reads the cookies of this request: give it the new ones now.
      const headers = new Headers(request.headers);
      headers.set("cookie", applySetCookies(request.headers.get("cookie"), setCookies));
      response = NextResponse.next({ request: { headers } });
    } else {
      return NextResponse.next();
    }
    for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
    // A response that sets session cookies is never cached by a shared cache.
    if (setCookies.length > 0) response.headers.set("cache-control", "private, no-store");
    return response;
  };
}
