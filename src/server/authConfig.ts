/**
 * `authConfig()`: what the app's `convex/auth.config.ts` exports so that
 * Convex trusts our access tokens, for either way of signing them (see
 * tokens/issuer.ts).
 *
 * @example
 * ```ts
 * // convex/auth.config.ts
 * import { authConfig } from "convex-auth-kit/server";
 * export default authConfig();
 * ```
 *
 * @module
 */
import type { AuthConfig as ConvexAuthConfig, AuthProvider } from "convex/server";
import { processEnv } from "./env.js";
import {
  ACCESS_TOKEN_AUDIENCE,
  DEFAULT_COMPONENT_NAME,
  componentIssuer,
  deploymentJwksUrl,
  ownIssuerConfigured,
} from "./tokens/issuer.js";

/** Options of {@link authConfig}. */
export type AuthConfigOptions = {
  /** The name the app mounted the component under (`app.use(auth, { name })`). Default `"auth"`. */
  componentName?: string;
  /**
   * Trust tokens signed with the app's own key (issuer `CONVEX_SITE_URL`,
   * discovery and JWKS served by `auth.http.add`) instead of the
   * deployment's. Default: whether `JWT_PRIVATE_KEY` is set.
   */
  ownIssuer?: boolean;
  /** More providers to trust (another identity provider's tokens). */
  providers?: AuthProvider[];
};

/**
 * The `auth.config.ts` of an app using this package. By default it trusts
 * the tokens the deployment signs for the component (ES256, issuer
 * `${CONVEX_CLOUD_URL}/components/<componentName>`, keys at
 * `${CONVEX_CLOUD_URL}/.well-known/jwks.json`), and, when `JWT_PRIVATE_KEY`
 * is set, the app's own RS256 tokens instead (`{ domain: CONVEX_SITE_URL }`).
 * Both need `applicationID: "convex"` (the tokens' `aud`), so a token signed
 * by the deployment for another audience is refused.
 *
 * Convex reads this file when the app is pushed: after setting or removing
 * `JWT_PRIVATE_KEY`, push again.
 */
export function authConfig(options: AuthConfigOptions = {}): ConvexAuthConfig {
  const env = processEnv();
  const own = options.ownIssuer ?? ownIssuerConfigured(env);
  const ours: AuthProvider = own
    ? { domain: env.CONVEX_SITE_URL ?? "", applicationID: ACCESS_TOKEN_AUDIENCE }
    : {
        type: "customJwt",
        issuer: componentIssuer(env.CONVEX_CLOUD_URL ?? "", options.componentName ?? DEFAULT_COMPONENT_NAME),
        jwks: deploymentJwksUrl(env.CONVEX_CLOUD_URL ?? ""),
        algorithm: "ES256",
        applicationID: ACCESS_TOKEN_AUDIENCE,
      };
  return { providers: [ours, ...(options.providers ?? [])] };
}
