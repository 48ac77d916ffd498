import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import { authError } from "../errors.js";
import { requireSignedIn } from "../identity.js";
import type { AuthProvider } from "../provider.js";
import type { SecondFactorCodes } from "../provider.js";
import { requireStepUp } from "../stepUp.js";
import { auditArgs, type AuditArg, type AuditSource } from "./audit.js";
import type { ReadCtx, WriteCtx } from "./ctx.js";


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

/** What `auth.totp` needs from `Auth()`: the providers (for `TOTP()`'s options), the resolved options, and the `audit` to pass. */
export type TotpHelperDeps = {
  providers?: readonly AuthProvider[];
  options?: ResolvedOptions;
  /** What to pass as `audit` (per call, with the callbacks' handle); `options.audit` without it. */
  audit?: AuditSource;
};

/** The `audit` the TOTP and step-up helpers pass. */
export async function auditOfDeps(deps: TotpHelperDeps): Promise<{ audit?: AuditArg }> {
  return await auditArgs(deps.audit ?? deps.options?.audit);
}

/** The TOTP provider's settings and checks, or `null` when the app has none. */
export function codesOf(providers: readonly AuthProvider[]): SecondFactorCodes | null {
  const provider = providers.find((p) => p.type === "totp" && "codes" in p) as
    | (AuthProvider & { codes: SecondFactorCodes })
    | undefined;
  return provider?.codes ?? null;
}

/** Without a TOTP provider: RFC 6238's 30 s steps, two-factor not required. */
const NO_TOTP_PROVIDER = { period: 30, required: false };

/**
 * `auth.totp.*`: the signed-in user's authenticators and recovery codes.
 * Settings come from the app's `TOTP()` provider (defaults without one).
 * Step-up (which passkeys satisfy too) is `auth.stepUp`.
 */
export function totpHelpers(component: ComponentApi, deps: TotpHelperDeps = {}) {
  const codes = codesOf(deps.providers ?? []);
  const config = codes ?? NO_TOTP_PROVIDER;
  /** The TOTP provider's checks; `CONFIGURATION` when the app has no TOTP provider. */
  function requireCodes(): SecondFactorCodes {
    if (codes === null) throw authError("CONFIGURATION", "Add the TOTP provider to Auth({ providers }) to check codes");
    return codes;
  }

  return {
    /** The settings `auth.totp` uses: the app's `TOTP()` provider's time step and `required`. */
    config: { period: config.period, required: config.required },

    /** The signed-in user's active authenticators, oldest first. `NOT_SIGNED_IN` when signed out. */
    async list(ctx: ReadCtx): Promise<TotpFactor[]> {
      const { userId } = await requireSignedIn(ctx);
      const { totpFactors } = await ctx.runQuery(component.credentials.list, { userId });
      return totpFactors.map((f) => ({
        totpId: f._id,
        name: f.name ?? null,
        createdTime: f._creationTime,
        activatedTime: f.activatedTime ?? f._creationTime,
        lastUsedTime: f.lastUsedStep === undefined ? null : f.lastUsedStep * config.period * 1000,
      }));
    },

    /** How many of the signed-in user's recovery codes are unused. `NOT_SIGNED_IN` when signed out. */
    async recoveryCodesLeft(ctx: ReadCtx): Promise<number> {
      const { userId } = await requireSignedIn(ctx);
      return (await ctx.runQuery(component.credentials.list, { userId })).recoveryCodesLeft;
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
      await requireStepUp(ctx, component, who, deps.options?.reauthenticateWithinMs);
      await ctx.runMutation(component.credentials.remove, {
        userId: who.userId,
        totpId,
        ...(config.required ? { keepSecondFactor: true } : {}),
        ...(await auditOfDeps(deps)),
      });
    },

    /**
     * A new set of 10 recovery codes for the signed-in user, replacing every
     * earlier one: show them once, they cannot be read again. Needs step-up
     * (`STEP_UP_REQUIRED`) and a second factor (`NOT_FOUND` without one).
     */
    async regenerateRecoveryCodes(ctx: WriteCtx): Promise<string[]> {
      const who = await requireSignedIn(ctx);
      const status = await requireStepUp(ctx, component, who, deps.options?.reauthenticateWithinMs);
      if (!status.hasSecondFactor) throw authError("NOT_FOUND", "Set up an authenticator first");
      const fresh = await requireCodes().newRecoveryCodes(who.userId);
      await ctx.runMutation(component.recoveryCodes.replace, {
        userId: who.userId,
        codeHashes: fresh.hashes,
        ...(await auditOfDeps(deps)),
      });
      return fresh.codes;
    },
  };
}
