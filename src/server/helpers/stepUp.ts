import type { GenericActionCtx, GenericDataModel } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { STEP_UP_WINDOW_MS } from "../../shared/windows.js";
import { DEFAULT_OPTIONS } from "../config.js";
import { authError } from "../errors.js";
import { requireSignedIn } from "../identity.js";
import { attemptLimitOf, type CodeCheckDeps } from "../provider.js";
import { requireStepUp, stepUpStatus, type StepUpStatus } from "../stepUp.js";
import type { ReadCtx, WriteCtx } from "./ctx.js";
import { auditOfDeps, codesOf, type TotpHelperDeps } from "./totp.js";

export type { StepUpStatus } from "../stepUp.js";

/** An action's context: `auth.stepUp.verify` records failed attempts, which a mutation would roll back. */
export type VerifyCtx = WriteCtx & Pick<GenericActionCtx<GenericDataModel>, "runAction">;

/**
 * `auth.stepUp.*`: sensitive changes need a second factor verified in the
 * same session within the last 10 minutes, when the user has one. Any
 * second factor counts: a code from an authenticator or a recovery code
 * (`verify` here), or a passkey (`signIn("passkey", { flow: "stepUp" })`).
 */
export function stepUpHelpers(component: ComponentApi, deps: TotpHelperDeps = {}) {
  const codes = codesOf(deps.providers ?? []);
  const failedAttempts = (deps.options ?? DEFAULT_OPTIONS).failedAttempts;

  /** The same buckets `signIn` uses for the user's TOTP and recovery codes. */
  async function checkDeps(ctx: WriteCtx, userId: string, kind: "totp" | "recovery"): Promise<CodeCheckDeps> {
    return {
      ctx,
      component,
      limit: attemptLimitOf(failedAttempts, kind, `user:${userId}`),
      ...(await auditOfDeps(deps)),
    };
  }

  return {
    /**
     * The signed-in session's step-up status: whether the user has a second
     * factor and until when sensitive changes are allowed without verifying
     * again. `NOT_SIGNED_IN` when signed out, `SESSION_ENDED` once the
     * session ended.
     */
    async status(ctx: ReadCtx): Promise<StepUpStatus> {
      return await stepUpStatus(ctx, component, await requireSignedIn(ctx), deps.options?.reauthenticateWithinMs);
    },

    /**
     * Throws `STEP_UP_REQUIRED` unless the signed-in user has no second
     * factor or verified one in this session within the last 10 minutes.
     * Guard your own sensitive functions with it.
     */
    async require(ctx: ReadCtx): Promise<void> {
      await requireStepUp(ctx, component, await requireSignedIn(ctx), deps.options?.reauthenticateWithinMs);
    },

    /**
     * Checks a code from the signed-in user's authenticator (or one of their
     * recovery codes, used up) and marks this session factor-verified for
     * the next 10 minutes. In an action only: a wrong code counts against
     * the user's failed-attempt bucket, a write a mutation's error would
     * roll back. Throws `INVALID_CODE`, `RATE_LIMITED`, `NOT_SIGNED_IN`,
     * `SESSION_ENDED`; `CONFIGURATION` without a TOTP provider.
     */
    async verify(ctx: VerifyCtx, args: { code?: string; recoveryCode?: string }): Promise<{ verifiedUntil: number }> {
      if (typeof (ctx as Partial<VerifyCtx>).runAction !== "function") {
        throw authError("CONFIGURATION", "auth.stepUp.verify runs in an action (a mutation would undo its failed-attempt count)");
      }
      const who = await requireSignedIn(ctx);
      if ((args.code === undefined) === (args.recoveryCode === undefined)) {
        throw authError("INVALID_ARGUMENT", "Send either a code or a recoveryCode");
      }
      if (codes === null) throw authError("CONFIGURATION", "Add the TOTP provider to Auth({ providers }) to check codes");
      if (args.code !== undefined) {
        await codes.acceptCode(await checkDeps(ctx, who.userId, "totp"), { ...who, code: args.code });
      } else {
        await stepUpStatus(ctx, component, who);
        await codes.acceptRecoveryCode(await checkDeps(ctx, who.userId, "recovery"), { ...who, code: args.recoveryCode });
      }
      return { verifiedUntil: Date.now() + STEP_UP_WINDOW_MS };
    },
  };
}
