/** The auth route for the App Router: `export const { POST } = convexAuthRoute();` in `app/api/auth/route.ts`. */
import { handleAuthRequest } from "../../ssr/route.js";
import type { AuthServerOptions } from "../../ssr/options.js";

/**
 * The Route Handler of the app's auth route (`handleAuthRequest`), which
 * the browser's `ConvexAuthNextjsProvider` signs in, refreshes and signs out
 * through. The deployment URL comes from `NEXT_PUBLIC_CONVEX_URL` unless
 * `convexUrl` is given.
 *
 * @example
 * ```ts
 * // app/api/auth/route.ts
 * import { convexAuthRoute } from "convex-auth-kit/nextjs/server";
 * export const { POST } = convexAuthRoute();
 * ```
 */
export function convexAuthRoute(options: AuthServerOptions = {}) {
  return { POST: (request: Request) => handleAuthRequest(request, options) };
}
