import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

/**
 * The signed-in user's passkeys. Registering one and signing in with one go
 * through `signIn("passkey", ...)` from the client; these manage them.
 */
export const list = query({
  args: {},
  handler: async (ctx) => {
    const userId = await auth.user.id(ctx);
    if (userId === null) return [];
    const passkeys = await auth.passkey.list(ctx, { userId });
    return passkeys.map((p) => ({
      id: p._id,
      name: p.name,
      createdAt: p._creationTime,
      lastUsedAt: p.lastUsedTime ?? null,
      synced: p.deviceType === "multiDevice",
      backedUp: p.backedUp ?? false,
      secondFactor: p.secondFactor,
    }));
  },
});

/** Renames one of my passkeys (`NOT_FOUND` for anyone else's). */
export const rename = mutation({
  args: { passkeyId: v.string(), name: v.string() },
  handler: async (ctx, { passkeyId, name }) => {
    const userId = await auth.user.require(ctx);
    await auth.passkey.rename(ctx, passkeyId, name, { userId });
  },
});

/**
 * Makes one of my passkeys a second factor after my password (or not).
 * Turning it off weakens the account: with a second factor, that needs
 * step-up (a factor verified in this session in the last 10 minutes).
 */
export const setSecondFactor = mutation({
  args: { passkeyId: v.string(), enabled: v.boolean() },
  handler: async (ctx, { passkeyId, enabled }) => {
    const userId = await auth.user.require(ctx);
    if (!enabled) await auth.totp.requireStepUp(ctx);
    return await auth.passkey.setSecondFactor(ctx, passkeyId, enabled, { userId });
  },
});

/**
 * Removes one of my passkeys (`LAST_FACTOR` if it is my only way to sign
 * in; `STEP_UP_REQUIRED` for a user with a second factor not verified lately).
 */
export const remove = mutation({
  args: { passkeyId: v.string() },
  handler: async (ctx, { passkeyId }) => {
    const userId = await auth.user.require(ctx);
    await auth.totp.requireStepUp(ctx);
    await auth.passkey.remove(ctx, passkeyId, { userId });
  },
});
