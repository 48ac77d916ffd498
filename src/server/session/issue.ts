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
 */
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
type Issued = { userId: string; sessionId: string; token?: string };

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
        token: await signAccessToken(key, { ...session, issuer, now: Date.now(), ttlMs: options.accessTokenTtlMs }),
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
  const refresh = newRefreshToken();
  const pending = verdict.verdict === "firstFactor" ? newStepVerifier(verdict.userId) : undefined;
  const outcome = await ctx.runMutation(component.sessions.issue, {
    userId: verdict.userId,
    refreshTokenHash: refresh.hash,
    policy: options.session,
    audit: options.audit,
    proof: proofOf(verdict),
    ...(pending !== undefined
      ? { pendingStep: { verifierHash: pending.hash, expirationTime: Date.now() + SECOND_FACTOR_STEP_TTL_MS } }
      : {}),
    ...(verdict.verdict === "firstFactor" && verdict.upgradedSecret !== undefined && verdict.accountId !== undefined
      ? { upgradedSecret: { accountId: verdict.accountId, secret: verdict.upgradedSecret } }
      : {}),
    ...(minter.mint !== undefined ? { mint: minter.mint } : {}),
  });
  switch (outcome.status) {
    case "ok":
      return { tokens: await minter.tokens(outcome, refresh.raw) };
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
 */
export async function refreshSession(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  refreshToken: string,
  minter: Minter,
): Promise<{ tokens: Tokens | null }> {
  const next = newRefreshToken();
  const outcome = await ctx.runMutation(component.sessions.issue, {
    refreshTokenHash: next.hash,
    policy: options.session,
    audit: options.audit,
    proof: { kind: "refresh", tokenHash: hashSecret(refreshToken), reuseWindowMs: options.refreshReuseWindowMs },
    ...(minter.mint !== undefined ? { mint: minter.mint } : {}),
  });
  if (outcome.status !== "ok") return { tokens: null };
  return { tokens: await minter.tokens(outcome, next.raw) };
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

function refusal(reason: "no_user" | "step_expired" | "session_ended" | "banned" | "invalid" | "reused") {
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
  }
}
