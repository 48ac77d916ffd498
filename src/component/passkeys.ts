/**
 * Passkeys (WebAuthn credentials) of a user: list, rename, mark as a second
 * factor, remove (never the user's last way to sign in). The ceremonies that
 * create and use them are in passkeyCeremonies.ts.
 */
import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { keepLastSecondFactor } from "./model/secondFactors.js";
import {
  canSignInWithout,
  ownedPasskey,
  passkeyDoc,
  passkeysOf,
  publicPasskey,
  recordPasskeyEvent,
} from "./model/passkeys.js";

/** The user's passkeys, oldest first (at most 100). None for a string that is no user id. */
export const list = query({
  args: { userId: v.string() },
  returns: v.array(passkeyDoc),
  handler: async (ctx, args) => {
    const userId = ctx.db.normalizeId("users", args.userId);
    return userId === null ? [] : (await passkeysOf(ctx, userId)).map(publicPasskey);
  },
});

/** The passkey, or `null` (also for a string that is no passkey id). */
export const get = query({
  args: { passkeyId: v.string() },
  returns: v.union(passkeyDoc, v.null()),
  handler: async (ctx, args) => {
    const passkeyId = ctx.db.normalizeId("passkeys", args.passkeyId);
    const passkey = passkeyId === null ? null : await ctx.db.get(passkeyId);
    return passkey === null ? null : publicPasskey(passkey);
  },
});

/**
 * Renames a passkey. `NOT_FOUND` when it does not exist (also for a string
 * that is no passkey id) or (with `userId`) is someone else's.
 */
export const rename = mutation({
  args: { passkeyId: v.string(), name: v.string(), userId: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, { passkeyId, name, userId }) => {
    const passkey = await ownedPasskey(ctx, passkeyId, userId);
    await ctx.db.patch(passkey._id, { name });
    return null;
  },
});

/**
 * Turns "for two-factor" on or off for a passkey (see `model/secondFactors.ts`).
 * Returns whether it changed. `NOT_FOUND` as for `rename`.
 */
export const setSecondFactor = mutation({
  args: {
    passkeyId: v.string(),
    enabled: v.boolean(),
    userId: v.optional(v.string()),
    /** Two-factor authentication is required: the user's last second factor stays (`LAST_FACTOR`). */
    keepSecondFactor: v.optional(v.boolean()),
  },
  returns: v.boolean(),
  handler: async (ctx, { passkeyId, enabled, userId, keepSecondFactor }) => {
    const passkey = await ownedPasskey(ctx, passkeyId, userId);
    if ((passkey.secondFactor === true) === enabled) return false;
    await ctx.db.patch(passkey._id, { secondFactor: enabled ? true : undefined });
    if (!enabled && keepSecondFactor) await keepLastSecondFactor(ctx, passkey.userId);
    await recordPasskeyEvent(ctx, "passkey_updated", passkey.userId, { passkeyId: passkey._id, secondFactor: enabled });
    return true;
  },
});

/**
 * Deletes a passkey. `LAST_FACTOR` when it is the user's last way to sign
 * in (no other passkey, no account: password, OAuth, email or phone, of a
 * provider outside `ignoreProviders`), or, with `keepSecondFactor`, their
 * last second factor; `NOT_FOUND` as for `rename`.
 */
export const remove = mutation({
  args: {
    passkeyId: v.string(),
    userId: v.optional(v.string()),
    /** Providers whose accounts do not count as a way to sign in (anonymous ones). */
    ignoreProviders: v.optional(v.array(v.string())),
    /** Two-factor authentication is required: the user's last second factor stays (`LAST_FACTOR`). */
    keepSecondFactor: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, { passkeyId, userId, ignoreProviders, keepSecondFactor }) => {
    const passkey = await ownedPasskey(ctx, passkeyId, userId);
    if (!(await canSignInWithout(ctx, passkey, ignoreProviders))) {
      throw authError("LAST_FACTOR", "This is the only way to sign in to this account; add another first");
    }
    await ctx.db.delete(passkey._id);
    if (passkey.secondFactor === true && keepSecondFactor) await keepLastSecondFactor(ctx, passkey.userId);
    await recordPasskeyEvent(ctx, "passkey_removed", passkey.userId, { passkeyId: passkey._id, name: passkey.name });
    return null;
  },
});
