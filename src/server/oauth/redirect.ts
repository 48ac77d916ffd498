/**
 * Where a redirect-based sign-in (OAuth, magic link) may send the browser:
 * the app's `SITE_URL` or a path under it, never anywhere else.
 */
import { authError } from "../errors.js";
import { appUrl } from "../env.js";



/** ASCII control characters (the URL parser silently drops tab and newlines) and backslashes. */
const UNSAFE_INPUT = /[\u0000-\u001f\u007f\\]/;

/**
 * The URL to return to after sign-in: `SITE_URL` itself when `redirectTo`
 * is absent; a path or query relative to it (`/dashboard`, `?tab=x`,
 * `#/account`); or an absolute URL on the same origin and under the same
 * path. Anything else (another origin, a scheme other than http(s),
 * credentials, a path that climbs out) is refused with `INVALID_REDIRECT`.
 *
 * The checks are made on the parsed URL, so input the parser rewrites
 * (`"/\t/evil.example"` becomes `//evil.example`) cannot slip past them: the
 * parsed path may not hold `//` or a backslash, not even percent-encoded
 * (`%2F`, `%5C`), and raw input with an ASCII control character or a
 * backslash is refused outright.
 */
export function resolveRedirect(redirectTo: unknown, env?: Record<string, string | undefined>): string {
  const site = appUrl(env);
  const base = site.href.replace(/\/+$/, "");
  if (redirectTo === undefined || redirectTo === null || redirectTo === "") return base;
  if (typeof redirectTo !== "string" || redirectTo.length > 2048) {
    throw authError("INVALID_REDIRECT", "redirectTo must be a path or a URL under SITE_URL");
  }
  const outside = () => authError("INVALID_REDIRECT", `redirectTo must stay under SITE_URL (${base})`);
  // Browsers read a backslash as "/", and the parser drops tabs and newlines: refuse both before parsing.
  if (UNSAFE_INPUT.test(redirectTo)) throw outside();
  let target: URL;
  try {
    target = /^[/?#]/.test(redirectTo) ? new URL(base + redirectTo) : new URL(redirectTo);
  } catch {
    throw authError("INVALID_REDIRECT", "redirectTo is not a valid path or URL");
  }
  const sitePath = site.pathname.replace(/\/+$/, "");
  const pathname = target.pathname;
  const under =
    target.origin === site.origin &&
    target.username === "" &&
    target.password === "" &&
    (pathname === sitePath || pathname.startsWith(sitePath + "/") || (sitePath === "" && pathname === "/"));
  if (!under) throw outside();
  // "//host" is another origin to some parsers and routers, also once decoded (`/%2F/host`, `/%5Chost`).
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw authError("INVALID_REDIRECT", "redirectTo is not a valid path or URL");
  }
  for (const path of [pathname, decoded]) {
    if (path.includes("//") || UNSAFE_INPUT.test(path)) throw outside();
  }
  return target.href;
}

/** `url` with `params` set in its query (before any `#fragment`). */
export function withQuery(url: string, params: Record<string, string>): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(params)) next.searchParams.set(name, value);
  return next.href;
}
