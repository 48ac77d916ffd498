/**
 * The access token of a request, as a server render needs it:
 * `tokenFromRequest` reads the cookie (no call to Convex), and
 * `authenticateRequest` also refreshes it when it is missing or about to
 * expire, returning the cookies to send back. Neither verifies the token:
 * Convex does, on every call made with it.
 */
import { msLeft, refreshDue } from "../client/jwt.js";
import type { AuthTransport, Tokens } from "../client/protocol.js";
import {
  authCookieRecords,
  clearedAuthCookieRecords,
  readAuthCookies,
  secureFor,
  serializeCookie,
  type AuthCookie,
  type CookieOptions,
} from "./cookies.js";
import { backendOf, type AuthBackend, type AuthServerOptions } from "./options.js";

/**
 * What {@link authenticateRequest} found: the access token (`null`: signed
 * out), and the cookies to send with the response, as `Set-Cookie` values
 * (`setCookies`) and as records for a framework's cookie API (`cookies`).
 */
export type Authentication = { token: string | null; setCookies: string[]; cookies: AuthCookie[] };

const withCookies = (token: string | null, cookies: AuthCookie[] = []): Authentication => ({
  token,
  setCookies: cookies.map(serializeCookie),
  cookies,
});

/** Options of {@link authenticateRequest}. */
export type AuthenticateOptions = AuthServerOptions & {
  /**
   * Also ask Convex whether the token's session is still live (the app's
   * `sessionState` query: one call, one document read), so a session
   * revoked from another device renders signed out at once rather than
   * when its access token expires. Default `false`: a fresh token costs no
   * call. Should Convex not answer, the token is used.
   */
  live?: boolean;
};

/**
 * The access token in `request`'s cookie while it has not expired, else
 * `null`. Reads no network: a fresh token costs nothing. Not verified (a
 * forged cookie fools only this check, never Convex).
 */
export function tokenFromRequest(request: Request, options: CookieOptions = {}): string | null {
  const { token } = readAuthCookies(request, options);
  return token !== null && msLeft(token) > 0 ? token : null;
}

/** True when `token` is about to expire: less than a quarter of its lifetime (at most 60 s) left, as the browser's client judges. */
export function expiresSoon(token: string): boolean {
  return refreshDue(token);
}

/**
 * Exchanges in flight or just done, by refresh token: requests of one
 * browser that arrive together (a page and its prefetches, two tabs) share
 * one exchange instead of spending the token several times (the server
 * ends a session whose token is exchanged more than 3 times). An answer is
 * kept {@link SHARED_EXCHANGE_MS} after it settles, and no longer once its
 * new refresh token is exchanged here (then a replay of the old one goes to
 * the server, which treats it as theft); a failure is not kept.
 */
const exchanges = new Map<string, Promise<Tokens | null>>();
/** The refresh token each kept answer was for, by the refresh token it brought. */
const predecessors = new Map<string, string>();
const SHARED_EXCHANGE_MS = 5_000;

/**
 * Rotates `refreshToken` with the app's `refresh` mutation: the new tokens,
 * `null` when it no longer works (signed out for good). Concurrent calls
 * with one token in this process share one exchange. A failure to reach
 * the server throws.
 */
export function exchange(backend: AuthTransport, refreshToken: string): Promise<Tokens | null> {
  const shared = exchanges.get(refreshToken);
  if (shared !== undefined) return shared;
  // Its predecessor's answer (this token) must not be handed out again now that this one is spent.
  const before = predecessors.get(refreshToken);
  if (before !== undefined) {
    exchanges.delete(before);
    predecessors.delete(refreshToken);
  }
  const done = backend.signIn({ refreshToken }).then((result) => ("tokens" in result ? result.tokens : null));
  exchanges.set(refreshToken, done);
  const forget = (next?: string) => {
    if (exchanges.get(refreshToken) === done) exchanges.delete(refreshToken);
    if (next !== undefined && predecessors.get(next) === refreshToken) predecessors.delete(next);
  };
  done.then(
    (tokens) => {
      if (tokens !== null) predecessors.set(tokens.refreshToken, refreshToken);
      const timer = setTimeout(() => forget(tokens?.refreshToken), SHARED_EXCHANGE_MS) as { unref?: () => void };
      timer.unref?.(); // never keeps a server process alive
    },
    () => forget(),
  );
  return done;
}

/**
 * The access token for a server render of `request`: the cookie's while it
 * is fresh (no call), else a refreshed one (one call to the app's `refresh`
 * mutation). Send `setCookies` with the response (`Set-Cookie`, one header
 * each): the new cookies, or their deletion when the refresh token no longer
 * works. When Convex cannot be reached, a token that has not yet expired is
 * still used and the cookies stay. With `live`, one more call checks the
 * session (see {@link AuthenticateOptions.live}).
 *
 * @example
 * ```ts
 * const { token, setCookies } = await authenticateRequest(request);
 * const viewer = token ? await convex(token).query(api.users.viewer) : null;
 * const response = new Response(render(viewer));
 * for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
 * ```
 */
export async function authenticateRequest(request: Request, options: AuthenticateOptions = {}): Promise<Authentication> {
  const { token, refreshToken } = readAuthCookies(request, options);
  const secure = secureFor(request, options);
  const found = await current(options, token, refreshToken, secure);
  if (!options.live || found.token === null) return found;
  return (await isLive(backendOf(options), found.token)) ? found : withCookies(null, clearedAuthCookieRecords(secure, options));
}

/** The cookie's token while fresh, else a refreshed one (see {@link authenticateRequest}). */
async function current(
  options: AuthServerOptions,
  token: string | null,
  refreshToken: string | null,
  secure: boolean,
): Promise<Authentication> {
  if (token !== null && !expiresSoon(token)) return withCookies(token);
  const usable = token !== null && msLeft(token) > 0 ? token : null;
  if (refreshToken === null) return withCookies(usable);
  let tokens: Tokens | null;
  try {
    tokens = await exchange(backendOf(options), refreshToken);
  } catch {
    // Convex unreachable (or refusing for now): the page renders with what still works, the cookies stay for a retry.
    return withCookies(usable);
  }
  if (tokens === null) return withCookies(null, clearedAuthCookieRecords(secure, options));
  return withCookies(tokens.token, authCookieRecords(tokens, secure, options));
}

/** Whether `token`'s session is live, by the app's `sessionState` query; `true` when it cannot be asked. */
export async function isLive(backend: AuthBackend, token: string): Promise<boolean> {
  if (backend.sessionState === undefined) return true;
  try {
    return (await backend.sessionState(token))?.live === true;
  } catch {
    return true;
  }
}
