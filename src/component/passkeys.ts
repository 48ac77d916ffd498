/**
 * Passkeys (WebAuthn credentials) of a user: list, rename, mark as a second
 * factor, remove (never the user's last way to sign in). The ceremonies that
 * create and use them are in passkeyCeremonies.ts.
 */
import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import { keepLastSecondFactor } from "./model/secondFactors.js";
import {
  canSignInWithout,
  ownedPasskey,
  passkeyDoc,
  passkeysOf,
  publicPasskey,
  recordPasskeyEvent,
} from "./model/passkeys.js";

/** The user's passkeys, oldest first (at most 100). */
export const list = query({
  args: { userId: v.id("users") },
  returns: v.array(passkeyDoc),
  handler: async (ctx, { userId }) => (await passkeysOf(ctx, userId)).map(publicPasskey),
});

/** The passkey, or `null`. */
export const get = query({
  args: { passkeyId: v.id("passkeys") },
  returns: v.union(passkeyDoc, v.null()),
  handler: async (ctx, { passkeyId }) => {
    const passkey = await ctx.db.get(passkeyId);
    return passkey === null ? null : publicPasskey(passkey);
  },
});

/** Renames a passkey. `NOT_FOUND` when it does not exist or (with `userId`) is someone else's. */
export const rename = mutation({
  args: { passkeyId: v.id("passkeys"), name: v.string(), userId: v.optional(v.id("users")) },
  returns: v.null(),
  handler: async (ctx, { passkeyId, name, userId }) => {
    await ownedPasskey(ctx, passkeyId, userId);
    await ctx.db.patch(passkeyId, { name });
    return null;
  },
});

/**
 * Turns "for two-factor" on or off for a passkey (see `model/secondFactors.ts`).
 * Returns whether it changed. `NOT_FOUND` as for `rename`.
 */
export const setSecondFactor = mutation({
  args: {
    passkeyId: v.id("passkeys"),
    enabled: v.boolean(),
    userId: v.optional(v.id("users")),
    /** Two-factor authentication is required: the user's last second factor stays (`LAST_FACTOR`). */
    keepSecondFactor: v.optional(v.boolean()),
  },
  returns: v.boolean(),
  handler: async (ctx, { passkeyId, enabled, userId, keepSecondFactor }) => {
    const passkey = await ownedPasskey(ctx, passkeyId, userId);
    if ((passkey.secondFactor === true) === enabled) return false;
    await ctx.db.patch(passkeyId, { secondFactor: enabled ? true : undefined });
    if (!enabled && keepSecondFactor) await keepLastSecondFactor(ctx, passkey.userId);
    await recordPasskeyEvent(ctx, "passkey_updated", passkey.userId, { passkeyId, secondFactor: enabled });
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
    passkeyId: v.id("passkeys"),
    userId: v.optional(v.id("users")),
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
    await ctx.db.delete(passkeyId);
    if (passkey.secondFactor === true && keepSecondFactor) await keepLastSecondFactor(ctx, passkey.userId);
    await recordPasskeyEvent(ctx, "passkey_removed", passkey.userId, { passkeyId, name: passkey.name });
    return null;
  },
});
