/**
 * What `Auth({ providers })` accepts: our providers, and `@auth/core`
 * OAuth/OIDC configs (`GitHub({...})`, or `GitHub` itself), which are wrapped
 * with `OAuth()`'s defaults.
 */
import { OAuth, isAuthCoreOAuthConfig, type AuthCoreOAuthConfig } from "../../providers/OAuth.js";
import type { AuthProvider } from "../provider.js";

/** One entry of `Auth({ providers })`. */
export type ProviderConfig = AuthProvider | AuthCoreOAuthConfig;

/** Turns `Auth({ providers })` entries into providers. */
export function toAuthProviders(providers: readonly ProviderConfig[]): AuthProvider[] {
  return providers.map((provider) => (isAuthCoreOAuthConfig(provider) ? OAuth(provider) : provider));
}
