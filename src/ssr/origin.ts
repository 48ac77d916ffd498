/**
 * The auth route's cross-site check: a request is served only when its
 * `Origin` header (set by the browser, which a page cannot forge) is the
 * app's own origin, or one of the allowed ones: exact, or narrow patterns
 * for preview deployments (`https://*.preview.example.com`; the rules are
 * `src/shared/siteUrls.ts`'s, as for `SITE_URL`). A request without one
 * (not from a browser page) is refused too. The Public Suffix List (tldts)
 * is loaded only when a pattern is allowed.
 */
import { authError } from "../shared/errors.js";
import { hasPattern, parseSiteUrls, siteUrlsMessage, sitesOfOrigin, type RegistrableDomain } from "../shared/siteUrls.js";
import { ownOrigins } from "./requestOrigin.js";

let registrableDomain: Promise<RegistrableDomain> | undefined;
/** The Public Suffix List, loaded on first use. */
function publicSuffixList(): Promise<RegistrableDomain> {
  registrableDomain ??= import("tldts").then(({ getDomain }) => (host: string) => getDomain(host, { allowPrivateDomains: true }));
  return registrableDomain;
}

/**
 * True when `request` comes from a page of `allowed` (a list, or one
 * comma-separated string, of origins and patterns; default: the request's
 * own origin, {@link ownOrigins}). Throws on a malformed list (a
 * configuration error).
 */
export async function fromAllowedOrigin(request: Request, allowed?: string | readonly string[]): Promise<boolean> {
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") return false;
  const raw = allowed === undefined ? ownOrigins(request).join(",") : typeof allowed === "string" ? allowed : allowed.join(",");
  const registrable = hasPattern(raw) ? await publicSuffixList() : undefined;
  let sites;
  try {
    sites = parseSiteUrls(raw, registrable);
  } catch (error) {
    throw authError("CONFIGURATION", `convex-auth-kit/ssr allowedOrigins: ${siteUrlsMessage(error)}`);
  }
  // The header is a bare origin: anything else (a path, credentials) is not a browser's.
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.origin === origin && sitesOfOrigin(sites, parsed, registrable).length > 0;
}
