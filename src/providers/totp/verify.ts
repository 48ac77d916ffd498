/**
 * Checking a TOTP or recovery code for a user, shared by the provider
 * (sign-in, confirmation) and `auth.totp.verify` (step-up).
 *
 * The component never sees a secret in clear: the server first takes an
 * attempt token from the user's bucket (its own transaction, so concurrent
 * guesses cannot outnumber it), reads the encrypted secrets, decrypts and
 * compares here, then records the accepted step in a mutation that refuses it
 * if another request took it first. A wrong code is recorded (`limits.fail`);
 * a right one writes nothing more, and its lease returns by itself. Callers must
 * run in an action (where the taken token commits on its own), never in a
 * mutation.
 */
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError, rateLimited } from "../../server/errors.js";
import type { RunMutationCtx } from "../../server/helpers/ctx.js";
import type { AttemptLimit } from "../../server/provider.js";
import { DRIFT_STEPS, type ResolvedTotpOptions } from "./options.js";
import { hashRecoveryCode } from "./recovery.js";
import { decryptSecret, encryptionKeyFromEnv } from "./secret.js";

/** What a check needs from its caller. */
export type CheckDeps = {
  ctx: RunMutationCtx;
  component: ComponentApi;
  config: ResolvedTotpOptions;
  /** The user's failed-attempt bucket. */
  limit: AttemptLimit;
};

export { rateLimited };

/** Takes an attempt token before any code is checked; `RATE_LIMITED` when none is left. */
async function takeAttempt(deps: CheckDeps): Promise<void> {
  const state = await deps.ctx.runMutation(deps.component.limits.take, { limit: deps.limit });
  if (!state.ok) throw rateLimited(state.retryAfterMs);
}

/** A wrong code: its leased token stays taken. */
async function fail(deps: CheckDeps): Promise<never> {
  await deps.ctx.runMutation(deps.component.limits.fail, { limit: deps.limit });
  throw authError("INVALID_CODE", "The code is wrong or was already used");
}

/**
 * Accepts `code` for one of the user's active factors (or, with
 * `pendingTotpId`, for that pending factor, which it activates) and records
 * its step. With `sessionId`, the session is marked factor-verified in the
 * same transaction, and must be live (`NOT_SIGNED_IN` otherwise).
 *
 * Throws `RATE_LIMITED` (bucket empty: nothing is checked), `INVALID_CODE`
 * (wrong, outside ±1 step, or a step already used), `CONFIGURATION` (key).
 */
export async function acceptTotpCode(
  deps: CheckDeps,
  args: { userId: string; code: unknown; pendingTotpId?: string; sessionId?: string },
): Promise<{ totpId: string; step: number }> {
  const key = await encryptionKeyFromEnv();
  // The OTP code (with @oslojs/otp) loads when a code is checked.
  const { matchStep, normalizeCode } = await import("./otp.js");
  await takeAttempt(deps);
  const { factors } = await deps.ctx.runQuery(deps.component.totp.forVerification, {
    userId: args.userId,
    ...(args.pendingTotpId !== undefined ? { pendingTotpId: args.pendingTotpId } : {}),
  });
  const code = normalizeCode(args.code, deps.config.digits);
  let match: { totpId: string; step: number } | null = null;
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
    }
  }
  if (match === null) return await fail(deps);
  const { status } = await deps.ctx.runMutation(deps.component.totp.recordUse, {
    totpId: match.totpId,
    userId: args.userId,
    step: match.step,
    ...(args.pendingTotpId !== undefined ? { activate: true } : {}),
    ...(args.sessionId !== undefined ? { sessionId: args.sessionId } : {}),
  });
  if (status === "no_session") throw authError("SESSION_ENDED", "This session has ended; sign in again");
  if (status !== "ok") return await fail(deps);
  return match;
}

/**
 * Uses up one of the user's recovery codes. Throws `RATE_LIMITED` or
 * `INVALID_CODE` (wrong or already used).
 */
export async function acceptRecoveryCode(deps: CheckDeps, args: { userId: string; code: unknown }): Promise<void> {
  const outcome = await deps.ctx.runMutation(deps.component.recoveryCodes.consume, {
    userId: args.userId,
    codeHash: hashRecoveryCode(typeof args.code === "string" ? args.code : "", args.userId),
    limit: deps.limit,
  });
  if (outcome.status === "rate_limited") throw rateLimited(outcome.retryAfterMs);
  if (outcome.status === "invalid") throw authError("INVALID_CODE", "The recovery code is wrong or was already used");
}
