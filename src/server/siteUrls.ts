/**
 * The deployment's site URLs (`SITE_URL`: the app's main URL, then any
 * more origins it is served from, exact or as narrow patterns; see
 * `src/shared/siteUrls.ts`) for every place an origin is checked: OAuth
 * starts and returns, magic links, passkey origins, redirects. The Public
 * Suffix List (tldts) is loaded (`import()`) only when a pattern is set.
 */
import { hasPattern, parseSiteUrls, siteUrlsMessage, sitesOfOrigin, type RegistrableDomain, type SiteEntry, type SiteUrls } from "../shared/siteUrls.js";
import { processEnv } from "./env.js";
import { authError } from "./errors.js";

/** The Public Suffix List as `siteUrls.ts` needs it, loaded on first use. */
let registrableDomain: Promise<RegistrableDomain> | undefined;
async function publicSuffixList(): Promise<RegistrableDomain> {
  registrableDomain ??= import("tldts").then(({ getDomain }) => (host: string) => getDomain(host, { allowPrivateDomains: true }));
  return await registrableDomain;
}

/** The parsed list with the matcher it needs: `match(url)` lists the entries on `url`'s origin (none: not one of the app's). */
export type Sites = SiteUrls & { match(url: string | URL): SiteEntry[] };

/**
 * `SITE_URL` parsed: `CONFIGURATION` when it is missing, or when an entry
 * is malformed or a pattern could match another registrable domain.
 */
export async function siteUrls(env: Record<string, string | undefined> = processEnv()): Promise<Sites> {
  const raw = env.SITE_URL?.trim();
  if (raw === undefined || raw === "") {
    throw authError(
      "CONFIGURATION",
      "SITE_URL is not set: set it to your app's URL (e.g. `npx convex env set SITE_URL http://localhost:5173`); " +
        "OAuth sign-ins and magic links return there.",
    );
  }
  const registrable = hasPattern(raw) ? await publicSuffixList() : undefined;
  let sites: SiteUrls;
  try {
    sites = parseSiteUrls(raw, registrable);
  } catch (error) {
    throw authError("CONFIGURATION", `SITE_URL: ${siteUrlsMessage(error)}`);
  }
  return { ...sites, match: (url) => sitesOfOrigin(sites, url, registrable) };
}

/** True when `origin` (a request's `Origin` header) is one of the app's sites; `false` for a misconfigured `SITE_URL`. */
export async function isSiteOrigin(origin: string | null, env?: Record<string, string | undefined>): Promise<boolean> {
  if (origin === null || origin === "null") return false;
  try {
    return (await siteUrls(env)).match(origin).length > 0;
  } catch {
    return false;
  }
}
