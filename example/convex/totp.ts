import { v } from "convex/values";
import { isAuthError } from "convex-auth-kit/server";
import { action, mutation, query } from "./_generated/server";
import { auth } from "./auth";

/**
 * The signed-in user's two-factor state: authenticators, recovery codes
 * left, and until when step-up holds in this session.
 */
export const status = query({
  args: {},
  handler: async (ctx) => {
    if ((await auth.user.id(ctx)) === null) return null;
    try {
      const [factors, recoveryCodesLeft, stepUp] = await Promise.all([
        auth.totp.list(ctx),
        auth.totp.recoveryCodesLeft(ctx),
        auth.stepUp.status(ctx),
      ]);
      return { factors, recoveryCodesLeft, verifiedUntil: stepUp.verifiedUntil };
    } catch (error) {
      // The session ended (e.g. replaced by confirming a new authenticator)
      // while the client still holds its access token: it is switching.
      if (isAuthError(error, "SESSION_ENDED")) return null;
      throw error;
    }
  },
});

/** Step-up: a code from the authenticator (or a recovery code) for the next 10 minutes. */
export const verify = action({
  args: { code: v.optional(v.string()), recoveryCode: v.optional(v.string()) },
  handler: async (ctx, args) => await auth.stepUp.verify(ctx, args),
});

/** Removes one of my authenticators (needs step-up). */
export const remove = mutation({
  args: { totpId: v.string() },
  handler: async (ctx, { totpId }) => {
    await auth.totp.remove(ctx, totpId);
  },
});

/** A new set of recovery codes, shown once (needs step-up). */
export const regenerateRecoveryCodes = mutation({
  args: {},
  handler: async (ctx) => await auth.totp.regenerateRecoveryCodes(ctx),
});
