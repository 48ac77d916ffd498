/**
 * The two cookies of a cookie session, read from a `Request` and written as
 * `Set-Cookie` values: the refresh token and the access token, both
 * `HttpOnly; Secure; SameSite=Lax; Path=/` (page JavaScript reads neither:
 * the page gets the access token from the server render or the auth route's
 * answers). `Secure` is dropped only for a page on `http://localhost` (or a
 * loopback address), where browsers would refuse it; names then lose their
 * `__Host-` prefix, which requires it.
 */
import { authError } from "../shared/errors.js";
import type { Tokens } from "../client/protocol.js";
import { browserOrigin } from "./requestOrigin.js";

/** A cookie session's cookies live as long as a session does by default: 30 days. */
export const DEFAULT_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** How the cookies are named and flagged. */
export type CookieOptions = {
  /**
   * Whether the cookies are `Secure` (and `__Host-` prefixed). Default: yes,
   * unless the browser's request was to `http://localhost` (or `127.0.0.1`,
   * `[::1]`), judged by its `Host` header (a proxy's `X-Forwarded-Host` and
   * `X-Forwarded-Proto` first). Set `true` behind a proxy that makes an
   * https site's requests look like `http://localhost` to the app.
   */
  secure?: boolean;
  /** The cookies' lifetime. Default 30 days, a session's default lifetime. */
  maxAgeSeconds?: number;
  /** The names' stem: `<stem>.token` and `<stem>.refresh`. Default `convexAuth`. */
  cookieName?: string;
};

/** The cookies' names. */
export type CookieNames = { token: string; refresh: string };

/** What a request's cookies hold: the access token and the refresh token (unchecked), or `null`. */
export type AuthCookies = { token: string | null; refreshToken: string | null };

/** Cookie values we write and accept: JWTs and our opaque tokens (base64url and dots), at most 8 KiB. */
const VALUE = /^[A-Za-z0-9._-]{1,8192}$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True for `http://localhost` (and the loopback addresses): the one place cookies may go without `Secure`. */
export function isLocalHttp(url: string | URL): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname);
}

/** Whether the cookies for `request` are `Secure` (see {@link CookieOptions.secure}), judged by the origin the browser used. */
export function secureFor(request: Request, options: CookieOptions = {}): boolean {
  return options.secure ?? !isLocalHttp(browserOrigin(request));
}

/** The cookies' names: `__Host-convexAuth.token` / `.refresh` when `secure`, else without the prefix. */
export function cookieNames(secure: boolean, options: CookieOptions = {}): CookieNames {
  const stem = options.cookieName ?? "convexAuth";
  if (!NAME.test(stem)) throw authError("CONFIGURATION", `cookieName must be 1 to 64 of A-Z a-z 0-9 _ -, not ${JSON.stringify(stem)}`);
  const prefix = secure ? "__Host-" : "";
  return { token: `${prefix}${stem}.token`, refresh: `${prefix}${stem}.refresh` };
}

/** The cookies of a `Cookie` header (or a request's), by name; the first of a repeated name wins, as browsers send the most specific first. */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/**
 * The tokens in `request`'s cookies, by the names its scheme uses (a page on
 * https reads only the `__Host-` ones, which another subdomain cannot set).
 * Values of the wrong shape read as absent. Nothing is verified.
 */
export function readAuthCookies(request: Request, options: CookieOptions = {}): AuthCookies {
  const names = cookieNames(secureFor(request, options), options);
  const cookies = parseCookieHeader(request.headers.get("cookie"));
  const valid = (value: string | undefined) => (value !== undefined && VALUE.test(value) ? value : null);
  return { token: valid(cookies.get(names.token)), refreshToken: valid(cookies.get(names.refresh)) };
}

/** A session cookie as a framework's cookie API takes it (`name`, `value`, and its attributes). */
export type AuthCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; secure: boolean; sameSite: "lax"; path: "/"; maxAge: number };
};

/** `Set-Cookie` of one cookie, with the session cookies' flags. */
export function serializeCookie({ name, value, options }: AuthCookie): string {
  return `${name}=${value}; Path=/; Max-Age=${options.maxAge}; HttpOnly; SameSite=Lax${options.secure ? "; Secure" : ""}`;
}

const record = (name: string, value: string, maxAge: number, secure: boolean): AuthCookie => ({
  name,
  value,
  options: { httpOnly: true, secure, sameSite: "lax", path: "/", maxAge },
});

/** The two cookies that keep `tokens` (for a framework's cookie API; {@link authCookies} gives them as `Set-Cookie`). */
export function authCookieRecords(tokens: Tokens, secure: boolean, options: CookieOptions = {}): AuthCookie[] {
  const names = cookieNames(secure, options);
  const maxAge = options.maxAgeSeconds ?? DEFAULT_COOKIE_MAX_AGE_SECONDS;
  if (!Number.isInteger(maxAge) || maxAge <= 0) throw authError("CONFIGURATION", "maxAgeSeconds must be a positive integer");
  for (const value of [tokens.token, tokens.refreshToken]) {
    // Our tokens always fit; anything else would break the header.
    if (!VALUE.test(value)) throw authError("INVALID_ARGUMENT", "A token is not cookie-safe");
  }
  return [record(names.token, tokens.token, maxAge, secure), record(names.refresh, tokens.refreshToken, maxAge, secure)];
}

/** The two cookies, expired (for a framework's cookie API). */
export function clearedAuthCookieRecords(secure: boolean, options: CookieOptions = {}): AuthCookie[] {
  const names = cookieNames(secure, options);
  return [record(names.token, "", 0, secure), record(names.refresh, "", 0, secure)];
}

/** The `Set-Cookie` values that keep `tokens` (both HttpOnly; see the module's comment). */
export function authCookies(tokens: Tokens, secure: boolean, options: CookieOptions = {}): string[] {
  return authCookieRecords(tokens, secure, options).map(serializeCookie);
}

/** The `Set-Cookie` values that delete both cookies. */
export function clearedAuthCookies(secure: boolean, options: CookieOptions = {}): string[] {
  return clearedAuthCookieRecords(secure, options).map(serializeCookie);
}

/**
 * A `Cookie` header as it reads once `setCookies` are applied (new values
 * replace old ones, `Max-Age=0` deletes): what to hand the rest of the
 * server (a render) after refreshing in front of it, so it sees the new
 * tokens this request, not the next.
 */
export function applySetCookies(cookieHeader: string | null | undefined, setCookies: readonly string[]): string {
  const cookies = parseCookieHeader(cookieHeader);
  for (const line of setCookies) {
    const [pair = ""] = line.split(";");
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (/;\s*Max-Age=0\s*(;|$)/i.test(line)) cookies.delete(name);
    else cookies.set(name, pair.slice(at + 1).trim());
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}
