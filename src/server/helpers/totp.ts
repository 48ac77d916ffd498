import type { GenericActionCtx, GenericDataModel } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { DEFAULT_OPTIONS, type ResolvedOptions } from "../config.js";
import { authError } from "../errors.js";
import { requireSignedIn } from "../identity.js";
import { attemptLimitOf, type AuthProvider } from "../provider.js";
import { STEP_UP_WINDOW_MS } from "../../shared/windows.js";
import type { CodeCheckDeps, SecondFactorCodes } from "../provider.js";
import { requireStepUp, stepUpStatus, type StepUpStatus } from "../stepUp.js";
import type { ReadCtx, RunQueryCtx, WriteCtx } from "./ctx.js";

export type { StepUpStatus } from "../stepUp.js";

/** An active authenticator as `auth.totp.list` returns it (never its secret). */
export type TotpFactor = {
  totpId: string;
  /** What the user called it, if anything ("Phone"). */
  name: string | null;
  createdTime: number;
  /** When it was confirmed with its first code. */
  activatedTime: number;
  /** The start of the time step of the last code accepted. */
  lastUsedTime: number | null;
};

/** An action's context: `auth.totp.verify` records failed attempts, which a mutation would roll back. */
export type VerifyCtx = WriteCtx & Pick<GenericActionCtx<GenericDataModel>, "runAction">;

/** What `auth.totp` needs from `Auth()`: the providers (for `TOTP()`'s options) and the resolved options. */
export type TotpHelperDeps = {
  providers?: readonly AuthProvider[];
  options?: ResolvedOptions;
};

/** The TOTP provider's settings and checks, or `null` when the app has none. */
function codesOf(providers: readonly AuthProvider[]): SecondFactorCodes | null {
  const provider = providers.find((p) => p.type === "totp" && "codes" in p) as
    | (AuthProvider & { codes: SecondFactorCodes })
    | undefined;
  return provider?.codes ?? null;
}

/** Without a TOTP provider: RFC 6238's 30 s steps, two-factor not required. */
const NO_TOTP_PROVIDER = { period: 30, required: false };

/**
 * `auth.totp.*`: the signed-in user's authenticators, recovery codes and
 * step-up. Settings come from the app's `TOTP()` provider (defaults without
 * one).
 */
export function totpHelpers(component: ComponentApi, deps: TotpHelperDeps = {}) {
  const codes = codesOf(deps.providers ?? []);
  const config = codes ?? NO_TOTP_PROVIDER;
  const failedAttempts = (deps.options ?? DEFAULT_OPTIONS).failedAttempts;

  /** The same buckets `signIn` uses for the user's TOTP and recovery codes. */
  function checkDeps(ctx: WriteCtx, userId: string, kind: "totp" | "recovery"): CodeCheckDeps {
    return { ctx, component, limit: attemptLimitOf(failedAttempts, kind, `user:${userId}`) };
  }

  /** The TOTP provider's checks; `CONFIGURATION` when the app has no TOTP provider. */
  function requireCodes(): SecondFactorCodes {
    if (codes === null) throw authError("CONFIGURATION", "Add the TOTP provider to Auth({ providers }) to check codes");
    return codes;
  }

  return {
    /** The settings `auth.totp` uses: the app's `TOTP()` provider's time step and `required`. */
    config: { period: config.period, required: config.required },

    /** The user's active authenticators, oldest first. */
    async list(ctx: RunQueryCtx, { userId }: { userId: string }): Promise<TotpFactor[]> {
      const factors = await ctx.runQuery(component.totp.list, { userId });
      return factors.map((f) => ({
        totpId: f._id,
        name: f.name ?? null,
        createdTime: f._creationTime,
        activatedTime: f.activatedTime ?? f._creationTime,
        lastUsedTime: f.lastUsedStep === undefined ? null : f.lastUsedStep * config.period * 1000,
      }));
    },

    /** How many of the user's recovery codes are unused. */
    async recoveryCodesLeft(ctx: RunQueryCtx, { userId }: { userId: string }): Promise<number> {
      return await ctx.runQuery(component.recoveryCodes.remaining, { userId });
    },

    /**
     * The signed-in session's step-up status: whether the user has a second
     * factor and until when sensitive changes are allowed without verifying
     * again. `NOT_SIGNED_IN` when signed out.
     */
    async stepUp(ctx: ReadCtx): Promise<StepUpStatus> {
      return await stepUpStatus(ctx, component, await requireSignedIn(ctx));
    },

    /**
     * Throws `STEP_UP_REQUIRED` unless the signed-in user has no second
     * factor or verified one in this session within the last 10 minutes.
     * Guard your own sensitive functions with it.
     */
    async requireStepUp(ctx: ReadCtx): Promise<void> {
      await requireStepUp(ctx, component, await requireSignedIn(ctx));
    },

    /**
     * Removes one of the signed-in user's authenticators. Needs step-up
     * (`STEP_UP_REQUIRED`); `NOT_FOUND` when it is not theirs; `LAST_FACTOR`
     * when the app requires two-factor authentication (`TOTP({ required: true })`)
     * and it is their last second factor. Removing the last one (where
     * allowed) also deletes their recovery codes.
     */
    async remove(ctx: WriteCtx, totpId: string): Promise<void> {
      const who = await requireSignedIn(ctx);
      await requireStepUp(ctx, component, who);
      await ctx.runMutation(component.totp.remove, { userId: who.userId, totpId, keepOne: config.required });
    },

    /**
     * A new set of 10 recovery codes for the signed-in user, replacing every
     * earlier one: show them once, they cannot be read again. Needs step-up
     * (`STEP_UP_REQUIRED`) and a second factor (`NOT_FOUND` without one).
     */
    async regenerateRecoveryCodes(ctx: WriteCtx): Promise<string[]> {
      const who = await requireSignedIn(ctx);
      const status = await requireStepUp(ctx, component, who);
      if (!status.hasSecondFactor) throw authError("NOT_FOUND", "Set up an authenticator first");
      const fresh = await requireCodes().newRecoveryCodes(who.userId);
      await ctx.runMutation(component.recoveryCodes.replace, { userId: who.userId, codeHashes: fresh.hashes });
      return fresh.codes;
    },

    /**
     * Step-up: checks a code from the signed-in user's authenticator (or one
     * of their recovery codes, used up) and marks this session
     * factor-verified for the next 10 minutes. In an action only: a wrong code
     * counts against the user's failed-attempt bucket, a write a mutation's
     * error would roll back. Throws `INVALID_CODE`, `RATE_LIMITED`,
     * `NOT_SIGNED_IN`.
     */
    async verify(ctx: VerifyCtx, args: { code?: string; recoveryCode?: string }): Promise<{ verifiedUntil: number }> {
      if (typeof (ctx as Partial<VerifyCtx>).runAction !== "function") {
        throw new Error("auth.totp.verify runs in an action (a mutation would undo its failed-attempt count)");
      }
      const who = await requireSignedIn(ctx);
      if ((args.code === undefined) === (args.recoveryCode === undefined)) {
        throw authError("INVALID_ARGUMENT", "Send either a code or a recoveryCode");
      }
      if (args.code !== undefined) {
        await requireCodes().acceptCode(checkDeps(ctx, who.userId, "totp"), {
          userId: who.userId,
          code: args.code,
          sessionId: who.sessionId,
        });
      } else {
        await stepUpStatus(ctx, component, who);
        await requireCodes().acceptRecoveryCode(checkDeps(ctx, who.userId, "recovery"), {
          userId: who.userId,
          code: args.recoveryCode,
        });
        if (!(await ctx.runMutation(component.sessions.markFactorVerified, { sessionId: who.sessionId }))) {
          throw authError("SESSION_ENDED", "This session has ended; sign in again");
        }
      }
      return { verifiedUntil: Date.now() + STEP_UP_WINDOW_MS };
    },
  };
}
