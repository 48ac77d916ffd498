/**
 * The one place a verdict becomes a session and tokens.
 *
 * 1. `loadMinter` loads what minting needs once per `signIn`, before the
 *    provider runs, so a misconfigured deployment fails before anything is
 *    written: the app's own signing key and issuer when `JWT_PRIVATE_KEY` is
 *    set, else what the deployment's key needs (`CONVEX_CLOUD_URL`, a
 *    lifetime it signs for, the deployment secret for step verifiers).
 * 2. One component mutation, `sessions.issue`, checks in its transaction
 *    that the user exists (and is not banned), applies the second-factor
 *    rule, takes the pending step, continues or replaces a live session,
 *    and stores the refresh token's hash.
 * 3. A first factor of a user with a second factor gets a pending step
 *    (stored by the same mutation): `{ secondFactor: { methods }, verifier }`,
 *    naming the ways the user can finish it.
 * 4. Otherwise the access token is minted: by `sessions.issue` itself, in
 *    its transaction, with the deployment's key (the default), or here
 *    with the app's own key loaded in 1.
 * 5. A refresh goes through the same mutation, as one more proof: from the
 *    public `refresh` mutation (one transaction), or `signIn({ refreshToken })`.
 * 6. So do an admin's impersonation of a user and its end, two more proofs
 *    (`impersonate`, `endImpersonation`), once `Auth()` has checked the
 *    admin (src/server/impersonation/).
 */
import type { FunctionArgs } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import { authError } from "../errors.js";
import type { ActionCtx, SignInResult, Tokens, Verdict } from "../provider.js";
import { SECOND_FACTOR_STEP_TTL_MS } from "../secondFactor.js";
import { signAccessToken } from "../tokens/accessToken.js";
import { newRefreshToken } from "../tokens/refreshToken.js";
import { newStepVerifier } from "../tokens/stepVerifier.js";
import { hashSecret } from "../tokens/secretHash.js";
import { signingKeyFromEnv, type SigningKey } from "../tokens/signingKey.js";
import { requireDeploymentSecret } from "../tokens/deploymentKey.js";
import { ACCESS_TOKEN_AUDIENCE, DEPLOYMENT_TOKEN_MAX_TTL_MS, cloudUrl, ownIssuerConfigured } from "../tokens/issuer.js";
import { deploymentUrl } from "../env.js";

/** What `sessions.issue` has signed, or what it returns for us to sign. */
type Issued = { userId: string; sessionId: string; expirationTime: number; impersonatorUserId?: string; token?: string };

/** What minting needs, loaded before any write. */
export type Minter = {
  /** For `sessions.issue` to sign the token with the deployment's key; absent when the app signs with its own. */
  mint?: { audience: string; expiresInSeconds: number };
  /** The tokens for an issued session. */
  tokens(issued: Issued, refreshToken: string): Promise<Tokens>;
};

/**
 * Loads what minting needs (throws `CONFIGURATION`): the app's own key and
 * issuer when `JWT_PRIVATE_KEY` is set, else checks that the deployment can
 * sign (`CONVEX_CLOUD_URL`, a lifetime of at most 1 hour, the deployment
 * secret that keys step verifiers and codes).
 */
export async function loadMinter(options: ResolvedOptions): Promise<Minter> {
  if (ownIssuerConfigured()) {
    const key: SigningKey = await signingKeyFromEnv();
    const issuer = deploymentUrl();
    return {
      tokens: async (session, refreshToken) => ({
        token: await signAccessToken(key, {
          userId: session.userId,
          sessionId: session.sessionId,
          issuer,
          now: Date.now(),
          ttlMs: options.accessTokenTtlMs,
          sessionExpirationTime: session.expirationTime,
          ...(session.impersonatorUserId !== undefined ? { actorUserId: session.impersonatorUserId } : {}),
        }),
        refreshToken,
      }),
    };
  }
  cloudUrl();
  requireDeploymentSecret();
  if (options.accessTokenTtlMs > DEPLOYMENT_TOKEN_MAX_TTL_MS) {
    throw authError(
      "CONFIGURATION",
      "accessTokenTtlMs is over 1 hour, the longest the deployment's key signs for: " +
        "shorten it, or sign with your own key (JWT_PRIVATE_KEY).",
    );
  }
  return {
    mint: { audience: ACCESS_TOKEN_AUDIENCE, expiresInSeconds: Math.floor(options.accessTokenTtlMs / 1000) },
    tokens: async ({ token }, refreshToken) => {
      if (token === undefined) throw authError("CONFIGURATION", "The session was issued without an access token");
      return { token, refreshToken };
    },
  };
}

/** What a call of `sessions.issue` names besides what every call sends (the new refresh token's hash, the policy, the audit, the minting). */
type IssueCall = Omit<FunctionArgs<ComponentApi["sessions"]["issue"]>, "refreshTokenHash" | "policy" | "audit" | "mint">;

/**
 * The one call of the component's issuing mutation: a new refresh token
 * (its hash goes to the mutation, the raw value comes back for the
 * client), `Auth()`'s session policy and audit, and `minter`'s minting.
 */
async function callIssue(ctx: Pick<ActionCtx, "runMutation">, component: ComponentApi, options: ResolvedOptions, minter: Minter, call: IssueCall) {
  const refresh = newRefreshToken();
  const outcome = await ctx.runMutation(component.sessions.issue, {
    ...call,
    refreshTokenHash: refresh.hash,
    policy: options.session,
    audit: options.audit,
    ...(minter.mint !== undefined ? { mint: minter.mint } : {}),
  });
  return { outcome, refreshToken: refresh.raw };
}

/**
 * Turns a verdict into tokens or a pending second-factor step, minting with
 * `mint` (from {@link loadMinter}, loaded before the provider wrote anything).
 */
export async function issueSession(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  verdict: Verdict,
  minter: Minter,
): Promise<SignInResult> {
  const pending = verdict.verdict === "firstFactor" ? newStepVerifier(verdict.userId) : undefined;
  const { outcome, refreshToken } = await callIssue(ctx, component, options, minter, {
    userId: verdict.userId,
    proof: proofOf(verdict),
    ...(pending !== undefined
      ? { pendingStep: { verifierHash: pending.hash, expirationTime: Date.now() + SECOND_FACTOR_STEP_TTL_MS } }
      : {}),
    ...(verdict.verdict === "firstFactor" && verdict.upgradedSecret !== undefined && verdict.accountId !== undefined
      ? { upgradedSecret: { accountId: verdict.accountId, secret: verdict.upgradedSecret } }
      : {}),
  });
  switch (outcome.status) {
    case "ok":
      return { tokens: await minter.tokens(outcome, refreshToken) };
    case "second_factor_required":
      return { secondFactor: { methods: outcome.methods }, verifier: pending!.raw };
    case "refused":
      throw refusal(outcome.reason);
  }
}

/**
 * Exchanges a refresh token through the same issuing mutation (a refresh is
 * one more proof); `{ tokens: null }` when it no longer works. `minter` is
 * loaded before the rotation commits, so a deployment outage fails without
 * using the token up (the retry then works). Run from a mutation (the
 * public `refresh`), the rotation and the minting are one transaction.
 * With tokens comes the session they are for (`impersonatorUserId`: an
 * impersonation's admin).
 */
export async function refreshSession(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  refreshToken: string,
  minter: Minter,
): Promise<{ tokens: null } | { tokens: Tokens; session: { sessionId: string; impersonatorUserId?: string } }> {
  const { outcome, refreshToken: next } = await callIssue(ctx, component, options, minter, {
    proof: { kind: "refresh", tokenHash: hashSecret(refreshToken), reuseWindowMs: options.refreshReuseWindowMs },
  });
  if (outcome.status !== "ok") return { tokens: null };
  const { sessionId, impersonatorUserId } = outcome;
  return {
    tokens: await minter.tokens(outcome, next),
    session: { sessionId, ...(impersonatorUserId !== undefined ? { impersonatorUserId } : {}) },
  };
}

/**
 * Starts an impersonation: a session for `userId` acting for the admin
 * whose live session is `adminSessionId`, proven by that session's current
 * refresh token `refreshToken` (which the client alone holds), lasting
 * `durationMs` (the caller, src/server/impersonation/, checked the admin
 * and the user). The admin's session is parked for
 * {@link endImpersonation}. Refusals: `SESSION_ENDED` (the admin's session
 * ended), `INVALID_ARGUMENT` (not its current refresh token),
 * `IMPERSONATING` (it already holds an impersonation), `USER_BANNED`,
 * `NOT_FOUND`.
 */
export async function startImpersonation(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  args: { userId: string; adminSessionId: string; refreshToken: string; durationMs: number },
  minter: Minter,
): Promise<Tokens> {
  const { outcome, refreshToken } = await callIssue(ctx, component, options, minter, {
    userId: args.userId,
    proof: { kind: "impersonate", adminSessionId: args.adminSessionId, tokenHash: hashSecret(args.refreshToken), durationMs: args.durationMs },
  });
  if (outcome.status === "refused" && outcome.reason === "invalid") {
    throw authError("INVALID_ARGUMENT", "refreshToken is not the current refresh token of this session");
  }
  if (outcome.status !== "ok") throw refusal(outcome.status === "refused" ? outcome.reason : "invalid");
  return await minter.tokens(outcome, refreshToken);
}

/**
 * Ends the impersonation whose current refresh token is `refreshToken` and
 * hands back the admin's own session (fresh tokens for it).
 * `SESSION_ENDED` for a token that is no live impersonation's current one,
 * and when the admin's session has ended meanwhile (the impersonation
 * ends all the same).
 */
export async function endImpersonation(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  refreshToken: string,
  minter: Minter,
): Promise<Tokens> {
  const { outcome, refreshToken: next } = await callIssue(ctx, component, options, minter, {
    proof: { kind: "endImpersonation", tokenHash: hashSecret(refreshToken), reuseWindowMs: options.refreshReuseWindowMs },
  });
  if (outcome.status !== "ok") throw refusal(outcome.status === "refused" ? outcome.reason : "invalid");
  return await minter.tokens(outcome, next);
}

function proofOf(verdict: Verdict) {
  switch (verdict.verdict) {
    case "firstFactor":
      return { kind: "firstFactor" as const, provider: verdict.provider, ...(verdict.multiFactor ? { multiFactor: true } : {}) };
    case "secondFactor":
      return { kind: "secondFactor" as const, provider: verdict.provider, stepHash: verdict.stepHash };
    case "continue":
      return {
        kind: "continue" as const,
        provider: verdict.provider,
        sessionId: verdict.sessionId,
        ...(verdict.factorVerified ? { factorVerified: true } : {}),
        ...(verdict.reauthenticated ? { reauthenticated: true } : {}),
      };
    case "replace":
      return { kind: "replace" as const, provider: verdict.provider, sessionId: verdict.sessionId, factorVerified: verdict.factorVerified };
  }
}

function refusal(reason: "no_user" | "step_expired" | "session_ended" | "banned" | "invalid" | "reused" | "impersonating") {
  switch (reason) {
    case "invalid":
    case "reused":
      // Refresh proofs only, which do not come through here.
      return authError("SESSION_ENDED", "This session has ended; sign in again");
    case "no_user":
      return authError("NOT_FOUND", "This user no longer exists");
    case "step_expired":
      return authError("NOT_FOUND", "This sign-in step has expired: sign in again");
    case "session_ended":
      return authError("SESSION_ENDED", "This session has ended; sign in again");
    case "banned":
      return authError("USER_BANNED", "This user is banned");
    case "impersonating":
      return authError("IMPERSONATING", "Not while impersonating: the user does this themself, and an admin impersonates one user at a time");
  }
}
