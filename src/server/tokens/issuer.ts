/**
 * Who signs access tokens, decided by the deployment's environment:
 *
 * - **The deployment** (the default; nothing to set up): the component's
 *   `sessions.issue` mutation signs them with `ctx.auth.signJwt` (ES256, the
 *   deployment's own key) in the transaction that creates or rotates the
 *   session. Issuer `${CONVEX_CLOUD_URL}/components/<name>` (`<name>`: where
 *   the app mounted the component, `"auth"` by default); public keys at
 *   `${CONVEX_CLOUD_URL}/.well-known/jwks.json`, served by Convex.
 * - **Your own issuer**, when `JWT_PRIVATE_KEY` is set: RS256 with that key
 *   (`JWKS` holds its public half), issuer `CONVEX_SITE_URL`, discovery and
 *   JWKS served by `auth.http.add`.
 *
 * `authConfig()` (`convex-auth-kit/server`) trusts the right one in
 * `auth.config.ts`.
 *
 * @module
 */
import { getFunctionAddress } from "convex/server";
import { authError } from "../errors.js";
import { processEnv } from "../env.js";

/** Audience of every access token: `applicationID` in `auth.config.ts`. */
export const ACCESS_TOKEN_AUDIENCE = "convex";
/** The longest lifetime `ctx.auth.signJwt` signs for (1 hour). */
export const DEPLOYMENT_TOKEN_MAX_TTL_MS = 60 * 60 * 1000;
/** The name `app.use(auth)` mounts the component under. */
export const DEFAULT_COMPONENT_NAME = "auth";

/** True when the app signs with its own key (`JWT_PRIVATE_KEY` set), false for the deployment's. */
export function ownIssuerConfigured(env: Record<string, string | undefined> = processEnv()): boolean {
  return (env.JWT_PRIVATE_KEY?.trim() ?? "") !== "";
}

/**
 * `CONVEX_CLOUD_URL` (set by Convex on every deployment) without trailing
 * slashes: the deployment's issuer origin.
 *
 * @throws `CONFIGURATION` when it is missing or not an http(s) URL.
 */
export function cloudUrl(env: Record<string, string | undefined> = processEnv()): string {
  const raw = env.CONVEX_CLOUD_URL?.trim();
  let url: URL | undefined;
  try {
    url = raw ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw authError(
      "CONFIGURATION",
      "CONVEX_CLOUD_URL is not set to an http(s) URL. Convex sets it on every deployment " +
        "(https://<deployment>.convex.cloud); set it yourself in tests.",
    );
  }
  return raw!.replace(/\/+$/, "");
}

/** The issuer of tokens the component signs with the deployment's key. */
export function componentIssuer(cloud: string, componentName: string = DEFAULT_COMPONENT_NAME): string {
  return `${cloud.replace(/\/+$/, "")}/components/${componentName}`;
}

/** Where Convex serves the deployment's public keys. */
export function deploymentJwksUrl(cloud: string): string {
  return `${cloud.replace(/\/+$/, "")}/.well-known/jwks.json`;
}

/**
 * The name the app mounted the component under, read from a reference to one
 * of its functions (`components.auth.sessions.get` is
 * `_reference/childComponent/auth/sessions/get`); `"auth"` when it cannot tell.
 */
export function componentNameOf(reference: unknown): string {
  try {
    const address = getFunctionAddress(reference) as { reference?: string };
    const match = /^_reference\/childComponent\/(.+)\/sessions\/get$/.exec(address.reference ?? "");
    return match?.[1] ?? DEFAULT_COMPONENT_NAME;
  } catch {
    return DEFAULT_COMPONENT_NAME;
  }
}
