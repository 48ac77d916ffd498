/**
 * Checking a TOTP or recovery code for a user, shared by the provider
 * (sign-in, confirmation) and `auth.stepUp.verify` (step-up).
 *
 * The component never sees a secret in clear: the server first leases an
 * attempt token from the user's bucket and reads the encrypted secrets in
 * one mutation (`totp.beginCheck`, its own transaction, so concurrent
 * guesses cannot outnumber the bucket), decrypts and
 * compares here, then records the accepted step in a mutation that refuses it
 * if another request took it first. A wrong or replayed code is recorded
 * (`limits.settle`: the attempt counts, and a `code_refused` event);
 * a right one writes nothing more, and its lease returns by itself. Callers must
 * run in an action (where the taken token commits on its own), never in a
 * mutation.
 */
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError, rateLimited } from "../../server/errors.js";
import type { RunMutationCtx } from "../../server/helpers/ctx.js";
import type { AttemptLimit, SignInContext } from "../../server/provider.js";
import { DRIFT_STEPS, type ResolvedTotpOptions } from "./options.js";
import { recoveryCodeHashes } from "./recovery.js";
import { decryptSecret, encryptionKeyFromEnv } from "./secret.js";

/** What a check needs from its caller. */
export type CheckDeps = {
  ctx: RunMutationCtx;
  component: ComponentApi;
  config: ResolvedTotpOptions;
  /** The user's failed-attempt bucket. */
  limit: AttemptLimit;
  /** What to pass as `audit`: the retention (`Auth({ audit })`, resolved) and the callbacks' handle. */
  audit?: SignInContext["options"]["audit"];
};

export { rateLimited };

/**
 * A refused code: its leased token stays taken, and the refusal is recorded
 * (`code_refused`, without the code) in that same transaction, which commits.
 */
async function fail(deps: CheckDeps, userId: string, reason: "wrong" | "replayed"): Promise<never> {
  await deps.ctx.runMutation(deps.component.limits.settle, {
    limit: deps.limit,
    counts: true,
    refused: { userId, method: "totp", reason },
    ...(deps.audit !== undefined ? { audit: deps.audit } : {}),
  });
  throw authError("INVALID_CODE", "The code is wrong or was already used");
}

/**
 * Accepts `code` for one of the user's active factors (or, with
 * `setupHash`, for the pending factor of that set-up, which it activates
 * and whose set-up it uses up) and records
 * its step. With `sessionId`, the session is marked factor-verified in the
 * same transaction, and must be live (`NOT_SIGNED_IN` otherwise).
 *
 * Throws `RATE_LIMITED` (bucket empty: nothing is checked), `INVALID_CODE`
 * (wrong, outside ±1 step, or a step already used), `CONFIGURATION` (key).
 */
export async function acceptTotpCode(
  deps: CheckDeps,
  args: { userId: string; code: unknown; setupHash?: string; sessionId?: string; stepHash?: string },
): Promise<{ totpId: string; step: number }> {
  const key = await encryptionKeyFromEnv();
  // The OTP code (with @oslojs/otp) loads when a code is checked.
  const { matchStep, normalizeCode } = await import("./otp.js");
  // The attempt token is leased with the factors, before any code is checked.
  const { limit, factors, stepExpired } = await deps.ctx.runMutation(deps.component.totp.beginCheck, {
    userId: args.userId,
    limit: deps.limit,
    ...(args.stepHash !== undefined ? { stepHash: args.stepHash } : {}),
    ...(args.setupHash !== undefined ? { setupHash: args.setupHash, sessionId: args.sessionId } : {}),
  });
  if (stepExpired) throw authError("NOT_FOUND", "This sign-in step has expired: sign in again");
  if (!limit.ok) throw rateLimited(limit.retryAfterMs);
  if (args.setupHash !== undefined && factors.length === 0) {
    // Nothing was checked: the leased token returns by itself.
    throw authError("NOT_FOUND", "No authenticator set-up is waiting (it may have expired): start again");
  }
  const code = normalizeCode(args.code, deps.config.digits);
  let match: { totpId: string; step: number } | null = null;
  // A code of a time step already accepted: a replay, refused and recorded as one.
  let replayed = false;
  if (code !== null) {
    const now = Date.now();
    for (const factor of factors) {
      const secret = await decryptSecret(
        key,
        { ciphertext: factor.secretCiphertext, iv: factor.secretIv },
        args.userId,
      );
      const step = matchStep(secret, code, deps.config, now, DRIFT_STEPS, factor.lastUsedStep);
      if (step !== null) {
        match = { totpId: factor.totpId, step };
        break;
      }
      replayed ||= factor.lastUsedStep !== undefined && matchStep(secret, code, deps.config, now, DRIFT_STEPS, undefined) !== null;
    }
  }
  if (match === null) return await fail(deps, args.userId, replayed ? "replayed" : "wrong");
  const { status } = await deps.ctx.runMutation(deps.component.totp.recordUse, {
    totpId: match.totpId,
    userId: args.userId,
    step: match.step,
    ...(args.setupHash !== undefined ? { setupHash: args.setupHash } : {}),
    ...(args.sessionId !== undefined ? { sessionId: args.sessionId } : {}),
    ...(deps.audit !== undefined ? { audit: deps.audit } : {}),
  });
  if (status === "no_session") throw authError("SESSION_ENDED", "This session has ended; sign in again");
  // Another request took this step first (`replayed`), or the factor went away meanwhile.
  if (status !== "ok") return await fail(deps, args.userId, status === "replayed" ? "replayed" : "wrong");
  return match;
}

/**
 * Uses up one of the user's recovery codes; with `sessionId`, marks that
 * session factor-verified in the same transaction (it must be live:
 * `SESSION_ENDED` otherwise, and the code stays unused). Throws
 * `RATE_LIMITED` or `INVALID_CODE` (wrong or already used).
 */
export async function acceptRecoveryCode(
  deps: CheckDeps,
  args: { userId: string; code: unknown; sessionId?: string; stepHash?: string },
): Promise<void> {
  const outcome = await deps.ctx.runMutation(deps.component.recoveryCodes.consume, {
    userId: args.userId,
    ...recoveryCodeHashes(typeof args.code === "string" ? args.code : "", args.userId),
    limit: deps.limit,
    ...(args.sessionId !== undefined ? { sessionId: args.sessionId } : {}),
    ...(args.stepHash !== undefined ? { stepHash: args.stepHash } : {}),
    ...(deps.audit !== undefined ? { audit: deps.audit } : {}),
  });
  if (outcome.status === "step_expired") throw authError("NOT_FOUND", "This sign-in step has expired: sign in again");
  if (outcome.status === "rate_limited") throw rateLimited(outcome.retryAfterMs);
  if (outcome.status === "no_session") throw authError("SESSION_ENDED", "This session has ended; sign in again");
  if (outcome.status === "invalid") throw authError("INVALID_CODE", "The recovery code is wrong or was already used");
}
