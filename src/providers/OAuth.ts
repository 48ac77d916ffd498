/**
 * `OAuth(config, options?)`: sign-in with any `@auth/core` OAuth 2 or OIDC
 * provider (`GitHub`, `Google`, a generic `{ type: "oidc", issuer }`, ...).
 * Passing the config itself in `Auth({ providers })` wraps it with default
 * options; call `OAuth()` to set options (profile mapping, email trust, id).
 *
 * @example
 * ```ts
 * import GitHub from "@auth/core/providers/github";
 * import Google from "@auth/core/providers/google";
 * export const auth = Auth({
 *   component: components.auth,
 *   // client ids and secrets from AUTH_GITHUB_ID / AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID / ...
 *   providers: [GitHub, OAuth(Google, { profile: (p) => ({ name: p.name, extend: { locale: p.locale } }) })],
 * });
 * ```
 *
 * The client calls `signIn("github", { redirectTo? })`, gets
 * `{ redirect, verifier }`, and the browser goes through
 * `/api/auth/signin/github` to GitHub and back to
 * `/api/auth/callback/github`, which returns it to `SITE_URL` (or
 * `redirectTo` under it) with `?code=`; the client finishes with
 * `signIn({ params: { code }, verifier })`. Signed in, `signIn("github",
 * { link: true })` connects the GitHub account to the caller's own user
 * instead (link mode). See `oauth/flow.ts` for the steps and what each
 * checks. The flow (and oauth4webapi) is loaded (`import()`)
 * when a sign-in or one of the routes runs.
 */
import { httpActionGeneric } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import { authError } from "../server/errors.js";
import type { AuthProvider } from "../server/provider.js";
import { callbackPath, signInPath } from "./oauth/paths.js";
import type { OAuthOptions } from "./oauth/profile.js";
import { configOf, settingsOf, type AuthCoreOAuthConfig, type OAuthSettings } from "./oauth/settings.js";

export type { OAuthOptions } from "./oauth/profile.js";
export type { AuthCoreOAuthConfig } from "./oauth/settings.js";

/** An OAuth provider as `Auth()` holds it. */
export interface OAuthProvider extends AuthProvider {
  readonly type: "oauth";
  /** The provider's display name (`"GitHub"`). */
  readonly name: string;
}

const ID_SHAPE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Sign-in with an `@auth/core` OAuth/OIDC provider config. */
export function OAuth(config: AuthCoreOAuthConfig, options: OAuthOptions = {}): OAuthProvider {
  const merged = configOf(config);
  const id = options.id ?? String(merged.id ?? "");
  if (!ID_SHAPE.test(id)) throw authError("CONFIGURATION", `OAuth(): provider id "${id}" must be letters, digits, "-" or "_"`);
  // Env defaults (AUTH_<ID>_ID, ...) are read per request, so a deployment's env changes apply at once.
  const settingsNow = () => settingsOf(id, merged);
  return {
    id,
    type: "oauth",
    name: String(merged.name ?? id),
    async signIn(sc, params) {
      const { startFlow } = await import("./oauth/flow.js");
      return await startFlow(sc, settingsNow(), params);
    },
    addRoutes(router, { component }) {
      const routes = oauthRoutes(component, settingsNow, options, id);
      // The client starts with a form POST from the app's origin (see flow.ts, step 2);
      // a GET (a link someone forwarded) is answered with OAUTH_FAILED.
      router.route({ path: signInPath(id), method: "POST", handler: routes.signIn });
      router.route({ path: signInPath(id), method: "GET", handler: routes.signIn });
      router.route({ path: callbackPath(id), method: "GET", handler: routes.callback });
    },
  };
}

/** The routes `auth.http.add(http)` mounts for one OAuth provider; each loads the flow when it runs. */
function oauthRoutes(component: ComponentApi, settingsNow: () => OAuthSettings, options: OAuthOptions, id: string) {
  return {
    signIn: httpActionGeneric(async (ctx, request) => {
      const { bindAndGo } = await import("./oauth/flow.js");
      return await bindAndGo(ctx, component, id, request);
    }),
    callback: httpActionGeneric(async (ctx, request) => {
      const { callback } = await import("./oauth/flow.js");
      return await callback(ctx, component, settingsNow, options, id, request);
    }),
  };
}

/** True for an `@auth/core` OAuth/OIDC config (or config function) rather than one of our providers. */
export function isAuthCoreOAuthConfig(value: unknown): value is AuthCoreOAuthConfig {
  if (typeof value === "function") return true;
  if (value === null || typeof value !== "object") return false;
  const type = (value as { type?: unknown }).type;
  return (type === "oauth" || type === "oidc") && typeof (value as { signIn?: unknown }).signIn !== "function";
}
