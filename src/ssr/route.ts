/**
 * The app's same-origin auth route (`handleAuthRequest`): the browser's
 * cookie session signs in, refreshes and signs out through it, and it calls
 * the app's `signIn` / `refresh` / `signOut` functions on Convex. It keeps
 * the refresh token in an HttpOnly cookie and never writes it into a body,
 * refuses cross-site requests (the `Origin` check, before anything else is
 * read or called), and reads only a bounded JSON body of its wire format.
 */
import { ConvexError } from "convex/values";
import { msLeft, sessionIdOf } from "../client/jwt.js";
import type { AuthTransport, SignInResult, Tokens } from "../client/protocol.js";
import type { RouteRequest, RouteSignInResult } from "../client/ssr/routeProtocol.js";
import type { AuthErrorCode } from "../shared/errors.js";
import { BodyError, readRouteRequest } from "./body.js";
import { authCookies, clearedAuthCookies, readAuthCookies, secureFor, type AuthCookies } from "./cookies.js";
import { backendOf, type AuthServerOptions } from "./options.js";
import { fromAllowedOrigin } from "./origin.js";
import { exchange, expiresSoon } from "./session.js";

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** An answer: JSON, never cached, with the cookies to set. */
function answer(status: number, body: unknown, setCookies: readonly string[] = []): Response {
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(JSON.stringify(body), { status, headers });
}

/** A refusal the route makes itself, with one of the package's codes. */
function refuse(status: number, code: AuthErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const response = answer(status, { error: { code, message } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * A failed call to Convex: its `ConvexError` data for the page to rethrow
 * (400), or, when Convex could not be reached or failed otherwise, 502
 * without details (the page retries a refresh; the cookies stay).
 */
function failed(error: unknown): Response {
  const data: unknown = error instanceof ConvexError ? error.data : null;
  if (typeof data === "object" && data !== null && typeof (data as { code?: unknown }).code === "string") {
    return answer(400, { error: data });
  }
  return answer(502, { message: "The auth server could not be reached" });
}

/** `tokens` without the refresh token, which stays in its cookie. */
function shown(tokens: Tokens | null): { token: string } | null {
  return tokens === null ? null : { token: tokens.token };
}

/** What a route action runs with. */
type Call = { backend: AuthTransport; cookies: AuthCookies; secure: boolean; options: AuthServerOptions };

/** The answer to a new refresh (`refresh`, or a `session` whose token is about to expire): cookies set, or cleared. */
async function refreshed({ backend, cookies, secure, options }: Call): Promise<Response> {
  if (cookies.refreshToken === null) return answer(200, { tokens: null }, cookies.token === null ? [] : clearedAuthCookies(secure, options));
  const tokens = await exchange(backend, cookies.refreshToken);
  if (tokens === null) return answer(200, { tokens: null }, clearedAuthCookies(secure, options));
  return answer(200, { tokens: shown(tokens) }, authCookies(tokens, secure, options));
}

/** The signed-in caller's access token for a call to Convex, when it has at least 10 s left (as the browser's client sends it). */
function callerToken(cookies: AuthCookies): string | undefined {
  return cookies.token !== null && msLeft(cookies.token) > 10_000 ? cookies.token : undefined;
}

async function signIn(call: Call, request: Extract<RouteRequest, { action: "signIn" }>): Promise<Response> {
  const { action: _, ...args } = request;
  const result: SignInResult = await call.backend.signIn(args, callerToken(call.cookies));
  if (!("tokens" in result)) return answer(200, result satisfies RouteSignInResult);
  // A refused sign-in (`tokens: null`) leaves the current session as it is.
  if (result.tokens === null) return answer(200, { tokens: null });
  return answer(200, { tokens: shown(result.tokens) }, authCookies(result.tokens, call.secure, call.options));
}

/**
 * Ends the session on Convex (with a refreshed token if the cookie's has
 * expired: the server needs one to know the session) and clears the
 * cookies, whatever Convex answers: the browser is signed out either way.
 */
async function signOut({ backend, cookies, secure, options }: Call): Promise<Response> {
  try {
    let token = cookies.token !== null && msLeft(cookies.token) > 5_000 ? cookies.token : null;
    if (token === null && cookies.refreshToken !== null) token = (await exchange(backend, cookies.refreshToken))?.token ?? null;
    if (token !== null) await backend.signOut(token);
  } catch {
    // Offline or refused: the session ends on the server when it expires, and its refresh token is gone with the cookie.
  }
  return answer(200, null, clearedAuthCookies(secure, options));
}

/**
 * Handles a request to the app's auth route (mount it at `/api/auth`, for
 * `POST`): the browser's `cookieSession` sends every sign-in, refresh and
 * sign-out here. Refused: a request from another origin (`403
 * CROSS_SITE_REQUEST`, before anything is read or called), any method but
 * `POST` (405), a body that is not JSON (415, 400) or is over
 * `maxBodyBytes` (413). Answers are JSON, `Cache-Control: no-store`; a
 * `ConvexError` from Convex comes back as `400 { error: data }`, an
 * unreachable Convex as 502.
 *
 * @example
 * ```ts
 * // A Fetch-API server (TanStack Start, Remix, SvelteKit, Hono...): the route at /api/auth
 * import { handleAuthRequest } from "convex-auth-kit/ssr";
 * export const POST = (request: Request) => handleAuthRequest(request, { convexUrl: process.env.CONVEX_URL });
 * ```
 */
export async function handleAuthRequest(request: Request, options: AuthServerOptions = {}): Promise<Response> {
  if (!(await fromAllowedOrigin(request, options.allowedOrigins))) {
    return refuse(403, "CROSS_SITE_REQUEST", "The auth route answers pages of the app's own origin only");
  }
  if (request.method !== "POST") return refuse(405, "INVALID_ARGUMENT", "The auth route takes POST", { allow: "POST" });
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
    return refuse(415, "INVALID_ARGUMENT", "The auth route takes application/json");
  }
  let body: RouteRequest;
  try {
    body = await readRouteRequest(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyError) return refuse(error.status, "INVALID_ARGUMENT", error.message);
    throw error;
  }
  const call: Call = { backend: backendOf(options), cookies: readAuthCookies(request, options), secure: secureFor(request, options), options };
  try {
    switch (body.action) {
      case "signIn":
        return await signIn(call, body);
      case "refresh":
        return await refreshed(call);
      case "session":
        return call.cookies.token !== null && !expiresSoon(call.cookies.token)
          ? answer(200, { tokens: { token: call.cookies.token } })
          : await refreshed(call);
      case "signOut":
        return await signOut(call);
      case "forget":
        // Only the session the cookies hold: a late report about an older one must not sign a newer one out.
        return answer(200, null, sessionIdOf(call.cookies.token) === body.sessionId ? clearedAuthCookies(call.secure, call.options) : []);
    }
  } catch (error) {
    return failed(error);
  }
}
