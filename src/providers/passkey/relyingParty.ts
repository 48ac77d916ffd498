/**
 * The relying party a passkey ceremony runs for (RP ID, name, the origins
 * it may run on), from the provider's options or the deployment's
 * `SITE_URL` (its main URL and the other sites it lists, previews
 * included), resolved when a ceremony runs. Loaded with the flows.
 */
import { authError } from "../../server/errors.js";
import { processEnv } from "../../server/env.js";
import { siteUrls } from "../../server/siteUrls.js";
import { originOf, type SiteEntry } from "../../shared/siteUrls.js";
import type { ResolvedPasskeyOptions } from "./config.js";

/**
 * The relying party a ceremony runs for: `origins` the exact ones, and
 * `allows(origin)` whether a browser's origin is one of its own (patterns
 * from `SITE_URL` included).
 */
export type RelyingParty = { rpID: string; rpName: string; origins: string[]; allows(origin: string): boolean };

/** True when `host` is `rpID` or under it (where a browser lets a page use that RP ID). */
const onDomain = (host: string, rpID: string) => host === rpID || host.endsWith(`.${rpID}`);

/**
 * The RP ID, name and expected origins: from the options, else from
 * `SITE_URL` (its main URL names the RP ID by default; its other sites,
 * previews included, count where they lie on the RP ID's domain, so
 * `Passkey({ rpID: "example.com" })` with `https://*.preview.example.com`
 * runs on every preview). `CONFIGURATION` when neither gives an origin,
 * when `SITE_URL` is malformed, or when an origin of the options or the
 * main URL is not on the RP ID's domain (browsers would refuse every
 * ceremony).
 */
export async function relyingParty(options: ResolvedPasskeyOptions): Promise<RelyingParty> {
  if (options.origin !== undefined) {
    const origins = options.origin;
    const rpID = options.rpID ?? new URL(origins[0]!).hostname;
    for (const origin of origins) {
      if (!onDomain(new URL(origin).hostname, rpID)) {
        throw authError("CONFIGURATION", `Passkey origin ${origin} is not on the RP ID's domain (${rpID})`);
      }
    }
    return { rpID, rpName: options.rpName ?? rpID, origins, allows: (origin) => origins.includes(origin) };
  }
  if (!processEnv().SITE_URL?.trim()) {
    throw authError(
      "CONFIGURATION",
      "SITE_URL is not set: set it to your web app's URL (e.g. `npx convex env set SITE_URL http://localhost:5173`), " +
        "or pass Passkey({ origin })",
    );
  }
  const sites = await siteUrls();
  const rpID = options.rpID ?? sites.main.host;
  if (!onDomain(sites.main.host, rpID)) {
    throw authError("CONFIGURATION", `Passkey origin ${originOf(sites.main)} is not on the RP ID's domain (${rpID})`);
  }
  // A pattern's matches all lie under the labels after its `*` label.
  const usable = (entry: SiteEntry) => onDomain(entry.pattern ? entry.pattern.after.slice(entry.pattern.after.indexOf(".") + 1) : entry.host, rpID);
  const origins = sites.entries.filter((entry) => entry.pattern === undefined && usable(entry)).map(originOf);
  return {
    rpID,
    rpName: options.rpName ?? rpID,
    origins: [...new Set(origins)],
    allows: (origin) => sites.match(origin).some((entry) => usable(entry) && new URL(origin).origin === origin),
  };
}
