/**
 * The one place a verdict becomes a session and tokens.
 *
 * 1. `loadMinter` loads the signing key and issuer once per `signIn`,
 *    before the provider runs, so a misconfigured deployment fails before
 *    anything is written.
 * 2. One component mutation, `sessions.issue`, checks in its transaction
 *    that the user exists (and is not banned), applies the second-factor
 *    rule, takes the pending step, continues or replaces a live session,
 *    and stores the refresh token's hash.
 * 3. A first factor of a user with a second factor gets a pending step
 *    (stored by the same mutation): `{ secondFactor: { methods }, verifier }`,
 *    naming the ways the user can finish it.
 * 4. Otherwise the access token is minted here, from the key loaded in 1.
 * 5. A refresh goes through the same mutation, as one more proof.
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
import { deploymentUrl } from "../env.js";

/** What minting needs, loaded before any write. */
export type Minter = (session: { userId: string; sessionId: string }, refreshToken: string) => Promise<Tokens>;

/** Loads the key and issuer (throws `CONFIGURATION`), then returns the minting function. */
export async function loadMinter(options: ResolvedOptions): Promise<Minter> {
  const key: SigningKey = await signingKeyFromEnv();
  const issuer = deploymentUrl();
  return async (session, refreshToken) => ({
    token: await signAccessToken(key, { ...session, issuer, now: Date.now(), ttlMs: options.accessTokenTtlMs }),
    refreshToken,
  });
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
  mint: Minter,
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
  });
  switch (outcome.status) {
    case "ok":
      return { tokens: await mint({ userId: outcome.userId, sessionId: outcome.sessionId }, refresh.raw) };
    case "second_factor_required":
      return { secondFactor: { methods: outcome.methods }, verifier: pending!.raw };
    case "refused":
      throw refusal(outcome.reason);
  }
}

/**
 * Exchanges a refresh token through the same issuing mutation (a refresh is
 * one more proof); `{ tokens: null }` when it no longer works. `mint` is
 * loaded before the rotation commits, so a deployment outage fails without
 * using the token up (the retry then works).
 */
export async function refreshSession(
  ctx: Pick<ActionCtx, "runMutation">,
  component: ComponentApi,
  options: ResolvedOptions,
  refreshToken: string,
  mint: Minter,
): Promise<SignInResult> {
  const next = newRefreshToken();
  const outcome = await ctx.runMutation(component.sessions.issue, {
    refreshTokenHash: next.hash,
    policy: options.session,
    audit: options.audit,
    proof: { kind: "refresh", tokenHash: hashSecret(refreshToken), reuseWindowMs: options.refreshReuseWindowMs },
  });
  if (outcome.status !== "ok") return { tokens: null };
  return { tokens: await mint(outcome, next.raw) };
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
