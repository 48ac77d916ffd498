/**
 * The deployment's environment, read in one place. Two URLs matter and are
 * easy to confuse:
 * - `CONVEX_SITE_URL` ({@link deploymentUrl}): the deployment's own HTTP
 *   address, set by Convex. OAuth callbacks are served there, and, when the
 *   app signs with its own key, tokens are issued under it and its JWKS is
 *   served there. (Tokens the deployment signs are issued under
 *   `CONVEX_CLOUD_URL`: see tokens/issuer.ts.)
 * - `SITE_URL` ({@link appUrl}): the app's web pages, set by the developer.
 *   OAuth sign-ins and magic links return there; passkeys are bound to it.
 *   It may list more origins after the main URL, comma-separated (preview
 *   deployments, exact or as narrow patterns): `siteUrls.ts` reads the list.
 * Secrets (`JWT_PRIVATE_KEY`, `AUTH_CODE_SECRET`, `TOTP_ENCRYPTION_KEY`,
 * provider credentials) are read where they are used, through
 * {@link processEnv}, and never logged.
 */
import { authError } from "./errors.js";

/**
 * `process.env` where the runtime has one (Convex's default runtime does),
 * else `{}`. Typed without Node's declarations: this code is not Node code.
 */
export function processEnv(): Record<string, string | undefined> {
  const runtime = globalThis as {
    process?: { env?: Record<string, string | undefined> };
  };
  return runtime.process?.env ?? {};
}

/**
 * The token issuer: `CONVEX_SITE_URL` (set by Convex on every deployment)
 * without trailing slashes. The same value must be the `domain` in the app's
 * `auth.config.ts` and the `issuer` of the discovery document.
 *
 * @throws `CONFIGURATION` when it is missing or not an http(s) URL.
 */
export function deploymentUrl(
  env: Record<string, string | undefined> = processEnv(),
): string {
  const raw = env.CONVEX_SITE_URL?.trim();
  if (raw === undefined || raw === "") {
    throw authError(
      "CONFIGURATION",
      "CONVEX_SITE_URL is not set. Convex sets it on every deployment " +
        "(https://<deployment>.convex.site); set it yourself in tests.",
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw authError(
      "CONFIGURATION",
      "CONVEX_SITE_URL must be an http(s) URL such as https://<deployment>.convex.site.",
    );
  }
  return raw.replace(/\/+$/, "");
}

/**
 * The app's main URL: the first entry of the `SITE_URL` environment
 * variable (a comma-separated list; see `siteUrls.ts` for the others),
 * without a trailing slash.
 */
export function appUrl(env: Record<string, string | undefined> = processEnv()): URL {
  const raw = env.SITE_URL?.split(",")[0]?.trim();
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
