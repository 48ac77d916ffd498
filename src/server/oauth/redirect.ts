/**
 * Where a redirect-based sign-in (OAuth, magic link) may send the browser:
 * the app's `SITE_URL` or a path under it, never anywhere else.
 */
import { authError } from "../errors.js";
import { processEnv } from "../tokens/signingKey.js";

/** The app's URL from the `SITE_URL` environment variable, without a trailing slash. */
export function siteUrl(env: Record<string, string | undefined> = processEnv()): URL {
  const raw = env.SITE_URL?.trim();
  if (raw === undefined || raw === "") {
    throw authError(
      "CONFIGURATION",
      "SITE_URL is not set: set it to your app's URL (e.g. `npx convex env set SITE_URL http://localhost:5173`); " +
        "OAuth sign-ins and magic links return there.",
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw authError("CONFIGURATION", "SITE_URL must be an http(s) URL such as https://app.example.com");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username !== "" || url.password !== "") {
    throw authError("CONFIGURATION", "SITE_URL must be an http(s) URL such as https://app.example.com");
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  url.search = "";
  url.hash = "";
  return url;
}

/**
 * The URL to return to after sign-in: `SITE_URL` itself when `redirectTo`
 * is absent; a path or query relative to it (`/dashboard`, `?tab=x`,
 * `#/account`); or an absolute URL on the same origin and under the same
 * path. Anything else (another origin, a scheme other than http(s),
 * credentials, a path that climbs out) is refused with `INVALID_REDIRECT`.
 */
export function resolveRedirect(redirectTo: unknown, env?: Record<string, string | undefined>): string {
  const site = siteUrl(env);
  const base = site.href.replace(/\/+$/, "");
  if (redirectTo === undefined || redirectTo === null || redirectTo === "") return base;
  if (typeof redirectTo !== "string" || redirectTo.length > 2048) {
    throw authError("INVALID_REDIRECT", "redirectTo must be a path or a URL under SITE_URL");
  }
  let target: URL;
  try {
    target = /^[/?#]/.test(redirectTo) ? new URL(base + redirectTo) : new URL(redirectTo);
  } catch {
    throw authError("INVALID_REDIRECT", "redirectTo is not a valid path or URL");
  }
  const sitePath = site.pathname.replace(/\/+$/, "");
  const under =
    target.origin === site.origin &&
    target.username === "" &&
    target.password === "" &&
    (target.pathname === sitePath || target.pathname.startsWith(sitePath + "/") || (sitePath === "" && target.pathname === "/"));
  // Browsers read a backslash as "/", and "//host" is another origin to some parsers: refuse both in the path.
  const path = redirectTo.replace(/^https?:\/\//i, "").split(/[?#]/)[0];
  if (!under || /[\\]|\/\//.test(path)) {
    throw authError("INVALID_REDIRECT", `redirectTo must stay under SITE_URL (${base})`);
  }
  return target.href;
}

/** `url` with `params` set in its query (before any `#fragment`). */
export function withQuery(url: string, params: Record<string, string>): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(params)) next.searchParams.set(name, value);
  return next.href;
}
