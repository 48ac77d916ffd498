/**
 * What the server side of a cookie session is configured with, and the
 * backend it reaches: the app's Convex functions over HTTP
 * (`ConvexHttpClient`), as the browser's default transport would.
 */
import { authError } from "../shared/errors.js";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { AuthTransport, SessionState } from "../client/protocol.js";
import { convexTransport, type AuthActionNames } from "../client/transport.js";
import type { CookieOptions } from "./cookies.js";

/** Options of `handleAuthRequest` and `authenticateRequest`. */
export type AuthServerOptions = CookieOptions & {
  /**
   * The deployment's URL (`https://<name>.convex.cloud`). Default: the
   * `CONVEX_URL`, `NEXT_PUBLIC_CONVEX_URL` or `VITE_CONVEX_URL` environment
   * variable.
   */
  convexUrl?: string;
  /** The app's auth function names, if not `auth:signIn` / `auth:signOut` / `auth:refresh`. */
  api?: AuthActionNames;
  /** How to reach the app's functions. Default: over HTTP to `convexUrl`. For tests and other transports. */
  backend?: AuthBackend;
  /**
   * The origins whose pages may use the auth route (its `Origin` check):
   * exact origins and narrow patterns (`https://*.preview.example.com`,
   * the rules of `SITE_URL`'s list: docs/ssr.md, "Several site URLs"), as a
   * list or one comma-separated string. Default: the request's own origin
   * (`new URL(request.url).origin`).
   */
  allowedOrigins?: string | readonly string[];
  /** The largest request body the route reads. Default 64 KiB (a passkey's answer is a few KiB). */
  maxBodyBytes?: number;
};

/**
 * The app's auth functions as the server side calls them: `signIn` (also
 * refreshing), `signOut`, and the `sessionState` query for live checks.
 */
export type AuthBackend = AuthTransport & {
  /** The `sessionState` query as `token`'s holder: whether its session is still live. */
  sessionState?(token: string): Promise<SessionState>;
};

/** `process.env` where there is one (Node, Next.js, most servers), else `{}`. */
function env(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** The deployment URL from the options or the environment; throws saying what to set. */
export function convexUrlOf(options: AuthServerOptions): string {
  const e = env();
  const url = options.convexUrl ?? e.CONVEX_URL ?? e.NEXT_PUBLIC_CONVEX_URL ?? e.VITE_CONVEX_URL;
  if (!url) {
    throw authError("CONFIGURATION", "convex-auth-kit/ssr: pass convexUrl, or set CONVEX_URL (or NEXT_PUBLIC_CONVEX_URL) to the deployment's URL");
  }
  return url;
}

/** The app's auth functions, as the options reach them. */
export function backendOf(options: AuthServerOptions): AuthBackend {
  if (options.backend !== undefined) return options.backend;
  const url = convexUrlOf(options);
  const sessionState = makeFunctionReference<"query", Record<string, never>, SessionState>(options.api?.sessionState ?? "auth:sessionState");
  return {
    ...convexTransport(url, options.api),
    async sessionState(token) {
      const client = new ConvexHttpClient(url);
      client.setAuth(token);
      return await client.query(sessionState, {});
    },
  };
}
