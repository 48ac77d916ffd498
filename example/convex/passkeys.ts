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
    if ((await auth.user.id(ctx)) === null) return [];
    const passkeys = await auth.passkey.list(ctx);
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
    await auth.passkey.rename(ctx, passkeyId, name);
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
    if (!enabled) await auth.stepUp.require(ctx);
    return await auth.passkey.setSecondFactor(ctx, passkeyId, enabled);
  },
});

/**
 * Removes one of my passkeys (`LAST_FACTOR` if it is my only way to sign
 * in; `STEP_UP_REQUIRED` for a user with a second factor not verified lately).
 */
export const remove = mutation({
  args: { passkeyId: v.string() },
  handler: async (ctx, { passkeyId }) => {
    await auth.stepUp.require(ctx);
    await auth.passkey.remove(ctx, passkeyId);
  },
});
