/**
 * `Auth({ component, providers, ...options })`: everything the host app needs,
 * built once in `convex/auth.ts`.
 *
 * @example
 * ```ts
 * // convex/auth.ts
 * import { Auth } from "convex-auth-kit/server";
 * import { Password } from "convex-auth-kit/providers";
 * import { components } from "./_generated/api";
 *
 * export const auth = Auth({ component: components.auth, providers: [Password()] });
 * export const { signIn, signOut, refresh, sessionState } = auth;
 * ```
 */
import { actionGeneric, httpActionGeneric, mutationGeneric, queryGeneric, type GenericDataModel, type HttpRouter } from "convex/server";
import { v } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import { resolveOptions, type AuthOptions, type ResolvedOptions } from "./config.js";
import { authError } from "./errors.js";
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, jwksResponse, openidConfiguration } from "./http/wellKnown.js";
import { signedIn, trustComponentName } from "./identity.js";
import { attemptLimitOf, isVerdict, type AuthProvider, type ChangesPassword, type ProviderOutcome, type SignInContext, type SignInResult, type Tokens } from "./provider.js";
import { secondFactorPolicy } from "./secondFactor.js";
import { issueSession, loadMinter, refreshSession, type Minter } from "./session/issue.js";
import { refuseImpersonation, requireLiveSelf } from "./session/live.js";
import { accountHelpers } from "./helpers/account.js";
import { IMPERSONATE_PROVIDER, resolveImpersonation } from "./impersonation/options.js";
import { impersonate, impersonationAllowed } from "./impersonation/signIn.js";
import { guardedAdmin, type AdminOptions } from "./helpers/admin.js";
import { auditAdminHelpers } from "./helpers/auditLog.js";
import { groupHelpers } from "./helpers/group.js";
import { keyAdminHelpers, keyHelpers } from "./helpers/key.js";
import { passkeyAdminHelpers, passkeyHelpers } from "./helpers/passkey.js";
import { stepUpHelpers } from "./helpers/stepUp.js";
import { totpHelpers } from "./helpers/totp.js";
import { sessionHelpers } from "./helpers/session.js";
import { userAdminHelpers, userHelpers } from "./helpers/user.js";
import { registerInternals } from "./internals.js";

import { newOpaqueToken } from "./tokens/opaqueToken.js";
import { userOfStepVerifier } from "./tokens/stepVerifier.js";
import { isRefreshTokenShaped } from "./tokens/refreshToken.js";
import { isLegacyRefreshTokenShaped } from "./tokens/legacyRefreshToken.js";
import { signingKeyFromEnv } from "./tokens/signingKey.js";
import { componentNameOf, ownIssuerConfigured } from "./tokens/issuer.js";
import { finishRedirectSignIn } from "./oauth/finish.js";
import { toAuthProviders, type ProviderConfig } from "./oauth/providers.js";
import { refreshResultValidator, signInResultValidator } from "../shared/protocol.js";
import { deploymentUrl } from "./env.js";
import { resolveCallbacks } from "./hooks/config.js";
import { hooksMutation } from "./hooks/mutation.js";
import { auditWithHooks } from "./hooks/handle.js";
import type { AuthCallbacks } from "./hooks/types.js";

/** `Auth()`'s configuration (`DataModel`: the app's, which types the callbacks' `ctx`). */
export type AuthConfig<DataModel extends GenericDataModel = GenericDataModel> = AuthOptions & {
  /** The mounted component: `components.auth` from `./_generated/api`. */
  component: ComponentApi;
  /** The sign-in providers, e.g. `[Password()]`, and `@auth/core` OAuth configs (`GitHub`). Ids must be unique. */
  providers: ProviderConfig[];
  /**
   * Who may use `auth.admin.*` from a signed-in call: without it, no
   * signed-in user may (calls without an identity, from internal functions
   * and scripts, always may). `impersonation` lets admins act as users
   * (`signIn("impersonate", { userId })`).
   */
  admin?: AdminOptions;
  /**
   * Lifecycle callbacks: after a user is created, after sign-in, before a
   * session is created (a throw refuses it), after a user is deleted, on
   * every audit event. They run in the transaction of the change, through
   * the mutation `auth.hooks` that `convex/auth.ts` must export. See docs/hooks.md.
   */
  callbacks?: AuthCallbacks<DataModel>;
  /** Where the app exports `auth.hooks`, when not `"auth:hooks"` (`convex/auth.ts`, `export const { hooks } = auth`). */
  hooksFunction?: string;
};

/** The result validator of `signIn` (the sign-in protocol), defined once in `src/shared/protocol.ts`. */
export { signInResultValidator };

/** What `sessionState` returns: `null` without our access token. */
export const sessionStateValidator = v.union(v.null(), v.object({ sessionId: v.string(), live: v.boolean() }));

/** Builds the auth API of the app. See the module docs. */
export function Auth<DataModel extends GenericDataModel = GenericDataModel>(config: AuthConfig<DataModel>) {
  const { component } = config;
  const options = resolveOptions(config);
  // The `audit` every event-writing call passes: with callbacks, their handle, made per call.
  const audit = auditWithHooks(options.audit, resolveCallbacks(config.callbacks, config.hooksFunction));
  /** The options of one call, `audit` with the callbacks' handle (`options` itself without callbacks). */
  const optionsOfCall = async (): Promise<ResolvedOptions> => {
    const resolved = await audit();
    return resolved === options.audit ? options : { ...options, audit: resolved };
  };
  // Tokens the deployment signs for the component name it in their issuer.
  trustComponentName(componentNameOf(component.sessions.get));
  const providers = new Map<string, AuthProvider>();
  for (const provider of toAuthProviders(config.providers)) {
    if (providers.has(provider.id)) throw authError("CONFIGURATION", `Auth(): two providers have the id "${provider.id}"`);
    if (provider.id === IMPERSONATE_PROVIDER) {
      throw authError("CONFIGURATION", `Auth(): "${IMPERSONATE_PROVIDER}" is signIn's own; give the provider another id`);
    }
    providers.set(provider.id, provider);
  }
  const impersonationDeps = { component, options, admin: config.admin, impersonation: resolveImpersonation(config.admin) };
  const factorPolicy = secondFactorPolicy([...providers.values()]);

  function contextFor(ctx: SignInContext["ctx"], verifier?: string, callOptions: ResolvedOptions = options): SignInContext {
    return {
      ctx,
      component,
      options: callOptions,
      verifier,
      // What a provider does for the signed-in user (a passkey, an authenticator, a linked account) is theirs to do.
      signedIn: async () => refuseImpersonation(await signedIn(ctx)),
      randomSecret: newOpaqueToken,
      attemptLimit: (kind, identifier) => attemptLimitOf(options.failedAttempts, kind, identifier),
      async pendingSecondFactor() {
        if (verifier === undefined) return null;
        const userId = userOfStepVerifier(verifier);
        return userId === null ? null : { userId };
      },
    };
  }

  /** A provider's outcome as the client gets it: a step as it is, a verdict through the one issuing path. */
  async function settle(ctx: SignInContext["ctx"], outcome: ProviderOutcome, mint: Minter, callOptions: ResolvedOptions): Promise<SignInResult> {
    if (!isVerdict(outcome)) return outcome;
    return await issueSession(ctx, component, callOptions, outcome, mint);
  }

  /**
   * Exchanges a refresh token; `{ tokens: null }` when it no longer works.
   * The signing key is loaded before the rotation commits, so a deployment
   * outage fails without using the token up (the retry then works). An
   * impersonation whose admin is no longer one (or with impersonation
   * turned off) ends here instead.
   */
  async function exchange(ctx: Pick<SignInContext["ctx"], "runQuery" | "runMutation">, refreshToken: string): Promise<{ tokens: Tokens | null }> {
    if (!isRefreshTokenShaped(refreshToken)) {
      // A client of @convex-dev/auth still open across the switch: an error, not `{ tokens: null }`, keeps its stored token for the exchange.
      if (isLegacyRefreshTokenShaped(refreshToken)) throw authError("LEGACY_TOKEN", "A refresh token of @convex-dev/auth: exchange it once (migrateFrom)");
      return { tokens: null };
    }
    const callOptions = await optionsOfCall();
    const refreshed = await refreshSession(ctx, component, callOptions, refreshToken, await loadMinter(options));
    if (refreshed.tokens === null) return { tokens: null };
    const { sessionId, impersonatorUserId } = refreshed.session;
    if (impersonatorUserId !== undefined && !(await impersonationAllowed(ctx, impersonationDeps, impersonatorUserId))) {
      await ctx.runMutation(component.sessions.revoke, { sessionId, reason: "impersonation_ended", audit: callOptions.audit });
      return { tokens: null };
    }
    return { tokens: refreshed.tokens };
  }

  /**
   * The public sign-in action (re-export it from `convex/auth.ts`).
   * `signIn({ provider, params })` runs a provider's flow;
   * `signIn({ refreshToken })` exchanges a refresh token;
   * `signIn({ provider: "impersonate", params: { userId, refreshToken } })`
   * and `{ flow: "stop", refreshToken }` start and stop an admin's
   * impersonation of a user (`Auth({ admin: { impersonation } })`; the React
   * client's `impersonate` / `stopImpersonating`; see src/server/impersonation/).
   */
  const signIn = actionGeneric({
    args: {
      provider: v.optional(v.string()),
      params: v.optional(v.record(v.string(), v.any())),
      verifier: v.optional(v.string()),
      refreshToken: v.optional(v.string()),
    },
    returns: signInResultValidator,
    handler: async (ctx, args): Promise<SignInResult> => {
      if (args.refreshToken !== undefined) return await exchange(ctx, args.refreshToken);
      if (args.provider === undefined && typeof args.params?.code === "string") {
        // The return of a redirect (OAuth callback, magic link): `?code=` and the client's verifier.
        const mint = await loadMinter(options);
        const callOptions = await optionsOfCall();
        const outcome = await finishRedirectSignIn(contextFor(ctx, args.verifier, callOptions), args.params.code, args.params.confirm === true);
        return await settle(ctx, outcome, mint, callOptions);
      }
      if (args.provider === undefined) {
        throw authError("INVALID_ARGUMENT", "signIn needs a provider or a refreshToken");
      }
      if (args.provider === IMPERSONATE_PROVIDER) {
        return await impersonate(ctx, { ...impersonationDeps, options: await optionsOfCall() }, args.params ?? {}, await loadMinter(options));
      }
      const provider = providers.get(args.provider);
      if (provider === undefined) throw authError("UNKNOWN_PROVIDER", `No provider "${args.provider}"`);
      // Fail on a misconfigured deployment before a provider writes anything.
      const mint = await loadMinter(options);
      const callOptions = await optionsOfCall();
      const outcome = await provider.signIn(contextFor(ctx, args.verifier, callOptions), args.params ?? {});
      return await settle(ctx, outcome, mint, callOptions);
    },
  });

  /**
   * The public refresh mutation (re-export it from `convex/auth.ts`): rotates
   * the refresh token and mints the access token in one transaction, one
   * call from the client (`signIn({ refreshToken })` does the same from an
   * action, two). `{ tokens: null }` when the token no longer works; the
   * reuse window, lost-response and theft rules are `sessions.issue`'s.
   */
  const refresh = mutationGeneric({
    args: { refreshToken: v.string() },
    returns: refreshResultValidator,
    handler: async (ctx, { refreshToken }) => await exchange(ctx, refreshToken),
  });

  /**
   * The public sign-out action: ends the caller's session (an
   * impersonation's: the admin is its actor). Signed out already is fine.
   */
  const signOut = actionGeneric({
    args: {},
    returns: v.null(),
    handler: async (ctx) => {
      const who = await signedIn(ctx);
      if (who !== null) {
        await ctx.runMutation(component.sessions.revoke, {
          sessionId: who.sessionId,
          reason: "logout",
          ...(who.impersonatorUserId !== undefined ? { actorUserId: who.impersonatorUserId } : {}),
          audit: await audit(),
        });
      }
      return null;
    },
  });

  /**
   * The public liveness query (re-export it from `convex/auth.ts`): `null`
   * without our access token, else whether its session is still live. One
   * read, and reactive: the React client subscribes to it, so a revoked
   * device signs out as soon as its session ends.
   */
  const sessionState = queryGeneric({
    args: {},
    returns: sessionStateValidator,
    handler: async (ctx) => {
      const who = await signedIn(ctx);
      if (who === null) return null;
      const session = await ctx.runQuery(component.sessions.get, { sessionId: who.sessionId });
      return { sessionId: who.sessionId, live: session !== null && session.userId === who.userId };
    },
  });

  const password = {
    /**
     * Changes the signed-in user's password (in an action): checks the
     * current one, ends every other session. Needs the Password provider;
     * `IMPERSONATING` for an admin impersonating the user.
     */
    async change(ctx: SignInContext["ctx"], args: { currentPassword: string; newPassword: string }): Promise<void> {
      const provider = [...providers.values()].find(
        (p): p is ChangesPassword => "changePassword" in p && p.type === "credentials",
      );
      if (provider === undefined) throw authError("UNKNOWN_PROVIDER", "No Password provider configured");
      const { userId, sessionId } = await requireLiveSelf(ctx, component);
      await provider.changePassword(contextFor(ctx, undefined, await optionsOfCall()), { userId, sessionId }, args);
    },
  };

  const http = {
    /**
     * Serves the providers' routes (OAuth callbacks) from the app's router,
     * and `/.well-known/openid-configuration` and `/.well-known/jwks.json`
     * for tokens signed with the app's own key (`JWT_PRIVATE_KEY`), so
     * `auth.config.ts` can trust them. Without it, tokens are signed with
     * the deployment's key, whose JWKS Convex serves: both answer 404.
     */
    add(router: HttpRouter): void {
      const ownIssuerOnly = (respond: () => Promise<Response>) =>
        httpActionGeneric(async () =>
          ownIssuerConfigured()
            ? await respond()
            : new Response("Tokens are signed with the deployment's key: its JWKS is at CONVEX_CLOUD_URL/.well-known/jwks.json", {
                status: 404,
              }),
        );
      router.route({
        path: OPENID_CONFIGURATION_PATH,
        method: "GET",
        handler: ownIssuerOnly(async () => openidConfiguration(deploymentUrl())),
      });
      router.route({
        path: JWKS_PATH,
        method: "GET",
        handler: ownIssuerOnly(async () => jwksResponse((await signingKeyFromEnv()).publicJwks)),
      });
      for (const provider of providers.values()) {
        provider.addRoutes?.(router, { component, options, contextFor });
      }
    },
  };

  const groups = groupHelpers(component, { audit });
  const passkeyOptions = {
    anonymousProviders: [...providers.values()].filter((p) => p.type === "anonymous").map((p) => p.id),
    secondFactorRequired: factorPolicy.required,
    audit,
  };
  return registerInternals({
    signIn,
    signOut,
    refresh,
    sessionState,
    user: userHelpers(component, { audit, reauthenticateWithinMs: options.reauthenticateWithinMs }),
    session: sessionHelpers(component, { audit, reauthenticateWithinMs: options.reauthenticateWithinMs }),
    password,
    account: accountHelpers(component, { providers: [...providers.values()], audit, reauthenticateWithinMs: options.reauthenticateWithinMs }),
    key: keyHelpers(component, config.apiKeys, { audit, reauthenticateWithinMs: options.reauthenticateWithinMs }),
    admin: guardedAdmin(component, config.admin, {
      user: userAdminHelpers(component, passkeyOptions),
      key: keyAdminHelpers(component, config.apiKeys, { audit }),
      passkey: passkeyAdminHelpers(component, passkeyOptions),
      audit: auditAdminHelpers(component),
    }),
    passkey: passkeyHelpers(component, passkeyOptions),
    totp: totpHelpers(component, { providers: [...providers.values()], options, audit }),
    stepUp: stepUpHelpers(component, { providers: [...providers.values()], options, audit }),
    group: groups.group,
    member: groups.member,
    invite: groups.invite,
    http,
    /**
     * The mutation the component runs `callbacks` through, in the
     * transaction of the change: export it from `convex/auth.ts` beside
     * `signIn` (`export const { signIn, ..., hooks } = auth`) when you
     * configure callbacks. Internal: clients cannot call it.
     */
    hooks: hooksMutation(config.callbacks),
    /**
     * The `audit` argument for your own calls of the component's functions
     * that write events (`ctx.runMutation(components.auth.users.create,
     * { ..., audit: await auth.auditArg() })`): your retention and, with
     * `callbacks`, their handle, so the callbacks run for those changes too.
     */
    auditArg: audit,
  }, { component, options });
}
