/**
 * Where a redirect-based sign-in (OAuth, magic link) may send the browser:
 * the app's main `SITE_URL`, one of the other sites it lists (a preview
 * deployment, exact or matched by a pattern: `../siteUrls.ts`), or a path
 * under one of them, never anywhere else.
 */
import { authError } from "../errors.js";
import { siteUrls } from "../siteUrls.js";
import { originOf } from "../../shared/siteUrls.js";

/** ASCII control characters (the URL parser silently drops tab and newlines) and backslashes. */
const UNSAFE_INPUT = /[\u0000-\u001f\u007f\\]/;

/**
 * The URL to return to after sign-in: the main `SITE_URL` itself when
 * `redirectTo` is absent; a path or query relative to it (`/dashboard`,
 * `?tab=x`, `#/account`); or an absolute URL on the origin of one of the
 * app's sites and under its path (a preview:
 * `https://pr-7.preview.example.com/after`). Anything else (another origin,
 * a look-alike host, a scheme other than http(s), credentials, a path that
 * climbs out) is refused with `INVALID_REDIRECT`; a malformed `SITE_URL` is
 * `CONFIGURATION`.
 *
 * The checks are made on the parsed URL, so input the parser rewrites
 * (`"/\t/evil.example"` becomes `//evil.example`) cannot slip past them: the
 * parsed path may not hold `//` or a backslash, not even percent-encoded
 * (`%2F`, `%5C`), and raw input with an ASCII control character or a
 * backslash is refused outright.
 */
export async function resolveRedirect(redirectTo: unknown, env?: Record<string, string | undefined>): Promise<string> {
  const sites = await siteUrls(env);
  const base = `${originOf(sites.main)}${sites.main.path}`;
  if (redirectTo === undefined || redirectTo === null || redirectTo === "") return base;
  if (typeof redirectTo !== "string" || redirectTo.length > 2048) {
    throw authError("INVALID_REDIRECT", "redirectTo must be a path or a URL under SITE_URL");
  }
  const outside = () => authError("INVALID_REDIRECT", `redirectTo must stay under SITE_URL (${base} or another site it lists)`);
  // Browsers read a backslash as "/", and the parser drops tabs and newlines: refuse both before parsing.
  if (UNSAFE_INPUT.test(redirectTo)) throw outside();
  let target: URL;
  try {
    target = /^[/?#]/.test(redirectTo) ? new URL(base + redirectTo) : new URL(redirectTo);
  } catch {
    throw authError("INVALID_REDIRECT", "redirectTo is not a valid path or URL");
  }
  const pathname = target.pathname;
  const under =
    target.username === "" &&
    target.password === "" &&
    sites
      .match(target)
      .some(({ path }) => pathname === path || pathname.startsWith(path + "/") || (path === "" && pathname === "/"));
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
