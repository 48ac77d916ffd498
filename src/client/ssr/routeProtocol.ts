/**
 * The wire format of the app's same-origin auth route (`handleAuthRequest`
 * in `convex-auth-kit/ssr`), shared by the route and the browser's cookie
 * session (`cookieSession`). Requests are `POST` with a JSON body; the
 * refresh token never appears in either direction: it lives in an HttpOnly
 * cookie only the route reads and writes.
 */
import type { SignInResult } from "../protocol.js";

/**
 * What the browser asks the route:
 * - `signIn`: runs the app's `signIn` action (a provider's flow, a
 *   redirect's return with `params.code`), as the signed-in user when the
 *   cookies hold a session;
 * - `refresh`: rotates the refresh token (the app's `refresh` mutation);
 * - `session`: the current access token, refreshed only when it is about to
 *   expire (a page that was not server-rendered asks this first);
 * - `signOut`: ends the session on the server and clears both cookies;
 * - `forget`: clears both cookies, without a call to the server, if they
 *   still hold `sessionId` (the page learnt that session has ended).
 */
export type RouteRequest =
  | { action: "signIn"; provider?: string; params?: Record<string, unknown>; verifier?: string }
  | { action: "refresh" }
  | { action: "session" }
  | { action: "signOut" }
  | { action: "forget"; sessionId: string };

/** The access token, as the route hands it to the page (the refresh token stays in its cookie). */
export type RouteTokens = { token: string };

/** `signIn`'s result as the route answers it: tokens without the refresh token, anything else as the server sent it. */
export type RouteSignInResult = Exclude<SignInResult, { tokens: unknown }> | { tokens: RouteTokens | null };

/** What the route answers `refresh` and `session` with: `tokens: null` when signed out (the cookies are cleared). */
export type RouteTokenResult = { tokens: RouteTokens | null };

/** An error answer (any status but 2xx): a `ConvexError`'s data (`{ code, message }`), rethrown as one in the browser. */
export type RouteError = { error: { code: string; message: string } & Record<string, unknown> };

/** The route's actions, as the body's `action` names them. */
export const ROUTE_ACTIONS = ["signIn", "refresh", "session", "signOut", "forget"] as const;
