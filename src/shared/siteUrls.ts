/**
 * The app's site URLs, parsed and matched in one place: a comma-separated
 * list (`SITE_URL`, the SSR route's `allowedOrigins`) whose first entry is
 * the app's main URL and whose others are more places the app is served
 * from (preview deployments). Each entry is an exact URL or a narrow
 * pattern with one `*`:
 *
 * - `*` stands for one or more of `a-z 0-9 -` inside the leftmost label of
 *   the host, never a dot (`https://*.preview.example.com` matches
 *   `https://pr-12.preview.example.com`, not `https://a.b.preview.example.com`,
 *   nor `https://preview.example.com`); literal text may surround it
 *   (`https://pr-*.preview.example.com`);
 * - the scheme and port are exact; the rest of the host is literal, with at
 *   least two labels;
 * - a pattern never matches another registrable domain: every host it can
 *   match must share one registrable domain (by the Public Suffix List,
 *   private domains included), so `https://*.com`, `https://*.co.uk` and
 *   `https://my-app-*.vercel.app` (each match its own site, anyone's) are
 *   refused, and a host that matches its text but lies on another
 *   registrable domain is refused when matched.
 *
 * The Public Suffix List is passed in ({@link RegistrableDomain}): the
 * callers load it only when a pattern is configured.
 */
import { authError, isAuthError } from "./errors.js";

/** The registrable domain of a host by the Public Suffix List (private domains included), or `null` (a public suffix, an IP, `localhost`). */
export type RegistrableDomain = (host: string) => string | null;

/** One entry of the list. */
export type SiteEntry = {
  /** As written. */
  source: string;
  /** `https:` or `http:`. */
  protocol: string;
  /** As `URL` reports it: `""` for the scheme's default. */
  port: string;
  /** The base path, without a trailing slash (`""` for the root). */
  path: string;
  /** The host (lower case); a pattern's still holds its `*`. */
  host: string;
  /** A pattern's parts: a host matches as `before` + one label's worth of `a-z 0-9 -` + `after`, on `domain`. */
  pattern?: { before: string; after: string; domain: string };
};

/** A parsed list: the main URL (never a pattern) first. */
export type SiteUrls = { main: SiteEntry; entries: SiteEntry[] };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const WILDCARD_TEXT = /^[a-z0-9-]{1,63}$/;
const MAX_ENTRIES = 50;

/** True when `raw` names at least one pattern (the caller then needs the Public Suffix List). */
export function hasPattern(raw: string): boolean {
  return raw.includes("*");
}

/**
 * Parses one entry (a query or fragment is ignored). Throws an `Error`
 * saying what is wrong: not an http(s) URL, credentials, a `*` anywhere but
 * the leftmost label, a pattern without two literal labels after it, or one
 * whose matches would not share a registrable domain.
 */
export function parseSiteEntry(source: string, registrable?: RegistrableDomain): SiteEntry {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw invalidSites(`${JSON.stringify(source)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalidSites(`${source} is not an http(s) URL`);
  if (url.username !== "" || url.password !== "") throw invalidSites(`${source} has credentials`);
  const host = url.hostname;
  const entry: SiteEntry = { source, protocol: url.protocol, port: url.port, path: url.pathname.replace(/\/+$/, ""), host };
  if (!host.includes("*")) return entry;
  const [first, ...rest] = host.split(".");
  if (rest.some((label) => label.includes("*")) || first!.split("*").length !== 2) {
    throw invalidSites(`${source}: a pattern has one * and only in the leftmost label of the host`);
  }
  if (rest.length < 2 || !rest.every((label) => LABEL.test(label))) {
    throw invalidSites(`${source}: a pattern needs at least two literal labels after its * label (e.g. https://*.preview.example.com)`);
  }
  const [prefix, suffix] = first!.split("*") as [string, string];
  if (!/^[a-z0-9-]*$/.test(prefix + suffix)) throw invalidSites(`${source}: the * label may hold only a-z 0-9 - besides the *`);
  if (registrable === undefined) throw invalidSites(`${source}: matching a pattern needs the Public Suffix List`);
  const parent = rest.join(".");
  const domain = registrable(`${prefix}x${suffix}.${parent}`);
  if (domain === null || !(parent === domain || parent.endsWith(`.${domain}`))) {
    throw invalidSites(
      `${source}: the * would stand in a registrable domain (each match another site, e.g. anyone's on a shared host); ` +
        "use a pattern under your own domain, such as https://*.preview.example.com, or list the URL exactly",
    );
  }
  return { ...entry, pattern: { before: prefix, after: `${suffix}.${parent}`, domain } };
}

/** A bad `SITE_URL` (or `allowedOrigins`) entry: `CONFIGURATION`, which the caller prefixes with where the list came from. */
function invalidSites(message: string) {
  return authError("CONFIGURATION", message);
}

/** The message of an error {@link parseSiteUrls} threw, without its code (for a caller's own `CONFIGURATION`). */
export function siteUrlsMessage(error: unknown): string {
  return isAuthError(error) ? error.data.message : String(error);
}

/**
 * Parses a comma-separated list (whitespace around entries is ignored).
 * The first entry is the main URL and may not be a pattern. Throws
 * `CONFIGURATION` for an empty list, more than 50 entries, or a bad entry.
 */
export function parseSiteUrls(raw: string, registrable?: RegistrableDomain): SiteUrls {
  const sources = raw.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (sources.length === 0) throw invalidSites("no URL is given");
  if (sources.length > MAX_ENTRIES) throw invalidSites(`at most ${MAX_ENTRIES} URLs`);
  const entries = sources.map((source) => parseSiteEntry(source, registrable));
  if (entries[0]!.pattern !== undefined) throw invalidSites(`the first URL is the app's main URL and cannot be a pattern (${entries[0]!.source})`);
  return { main: entries[0]!, entries };
}

/** The origin of an exact entry (`https://host[:port]`). */
export function originOf(entry: SiteEntry): string {
  return `${entry.protocol}//${entry.host}${entry.port === "" ? "" : `:${entry.port}`}`;
}

/** True when `host` (lower case) is one `entry` matches, checking a pattern's registrable domain with `registrable`. */
function hostMatches(entry: SiteEntry, host: string, registrable?: RegistrableDomain): boolean {
  const { pattern } = entry;
  if (pattern === undefined) return host === entry.host;
  if (host.length <= pattern.before.length + pattern.after.length) return false;
  if (!host.startsWith(pattern.before) || !host.endsWith(pattern.after)) return false;
  const middle = host.slice(pattern.before.length, host.length - pattern.after.length);
  const label = pattern.before + middle + pattern.after.slice(0, pattern.after.indexOf("."));
  if (!WILDCARD_TEXT.test(middle) || !LABEL.test(label)) return false;
  // The host itself must lie on the pattern's registrable domain (not be, say, a public suffix of its own).
  return registrable !== undefined && registrable(host) === pattern.domain;
}

/**
 * The entries whose origin `url` has (an origin, or any URL: only its
 * scheme, host and port count), in list order; none for a URL with
 * credentials or one that does not parse (`"null"`).
 */
export function sitesOfOrigin(sites: SiteUrls, url: string | URL, registrable?: RegistrableDomain): SiteEntry[] {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return [];
  }
  if (parsed.username !== "" || parsed.password !== "") return [];
  return sites.entries.filter(
    (entry) => entry.protocol === parsed.protocol && entry.port === parsed.port && hostMatches(entry, parsed.hostname, registrable),
  );
}
