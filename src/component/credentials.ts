/**
 * A user's credentials: passkeys, TOTP factors, recovery codes and linked
 * accounts, as a security page shows and manages them. Removal keeps the
 * invariants: never the user's last way to sign in, and (when the app
 * requires two factors) never their last second factor. The ceremonies that
 * create passkeys are in passkeyCeremonies.ts, TOTP enrolment and checks in
 * totp.ts, recovery codes in recoveryCodes.ts; accounts are made by sign-ups
 * and linking (users.ts, redirects.ts, codes.ts).
 */
import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { keepLastSecondFactor, syncSecondFactorFlag } from "./model/secondFactors.js";
import { ownedPasskey, passkeyDoc, passkeysOf, publicPasskey, recordPasskeyEvent } from "./model/passkeys.js";
import { countUnusedRecoveryCodes, factorsOf, isActive, totpFactorDoc, publicTotpFactor } from "./model/totp.js";
import { removeAccount, removePasskey, removeTotpFactor } from "./model/credentialRemoval.js";
import { accountSummary, accountsOf, ownedAccount, publicAccount } from "./model/accounts.js";
import { requireOneOf } from "./model/oneOf.js";
import { auditOf, auditPolicy } from "./model/events.js";

/**
 * The user's passkeys (oldest first, at most 100), active TOTP factors
 * (oldest first, never their secrets) and how many recovery codes are left
 * unused; with `withAccounts`, also their accounts by provider (at most 20,
 * never a password hash: `hasSecret` says whether there is one). All empty
 * for a string that is no user id.
 */
export const list = query({
  args: { userId: v.string(), withAccounts: v.optional(v.boolean()) },
  returns: v.object({
    passkeys: v.array(passkeyDoc),
    totpFactors: v.array(totpFactorDoc),
    recoveryCodesLeft: v.number(),
    accounts: v.optional(v.array(accountSummary)),
  }),
  handler: async (ctx, args) => {
    const userId = ctx.db.normalizeId("users", args.userId);
    const accounts = args.withAccounts ? { accounts: userId === null ? [] : (await accountsOf(ctx, userId)).map(publicAccount) } : {};
    if (userId === null) return { passkeys: [], totpFactors: [], recoveryCodesLeft: 0, ...accounts };
    return {
      passkeys: (await passkeysOf(ctx, userId)).map(publicPasskey),
      totpFactors: (await factorsOf(ctx, userId)).filter(isActive).map(publicTotpFactor),
      recoveryCodesLeft: await countUnusedRecoveryCodes(ctx, userId),
      ...accounts,
    };
  },
});

/**
 * Renames a passkey and/or turns "for two-factor" on or off for it (see
 * `model/secondFactors.ts`). With `userId`, only that user's passkey:
 * `NOT_FOUND` when it does not exist (also for a string that is no passkey
 * id) or is someone else's. With `keepSecondFactor` (the app requires two
 * factors), turning off the user's last second factor fails (`LAST_FACTOR`)
 * and nothing changes. Returns whether anything changed. A change is
 * recorded as `passkey_updated` (`actorUserId`: who changed it, when not
 * the user; `INVALID_ARGUMENT` for a string that is no user id).
 */
export const update = mutation({
  args: {
    passkeyId: v.string(),
    userId: v.optional(v.string()),
    name: v.optional(v.string()),
    secondFactor: v.optional(v.boolean()),
    keepSecondFactor: v.optional(v.boolean()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const { passkeyId, userId, name, secondFactor, keepSecondFactor } = args;
    const passkey = await ownedPasskey(ctx, passkeyId, userId);
    const audit = await auditOf(ctx, args);
    const data: Record<string, string | boolean> = {};
    if (name !== undefined && name !== passkey.name) {
      await ctx.db.patch(passkey._id, { name });
      data.name = name;
    }
    if (secondFactor !== undefined && (passkey.secondFactor === true) !== secondFactor) {
      await ctx.db.patch(passkey._id, { secondFactor: secondFactor ? true : undefined });
      // Thrown, so the changes above roll back.
      if (!secondFactor && keepSecondFactor) await keepLastSecondFactor(ctx, passkey.userId);
      await syncSecondFactorFlag(ctx, passkey.userId, secondFactor ? true : undefined);
      data.secondFactor = secondFactor;
    }
    if (Object.keys(data).length === 0) return false;
    await recordPasskeyEvent(ctx, "passkey_updated", passkey.userId, { passkeyId: passkey._id, ...data }, audit);
    return true;
  },
});

/**
 * Deletes one of the user's credentials: a passkey (`passkeyId`), a TOTP
 * factor (`totpId`) or a linked account (`accountId`: a password, an OAuth
 * identity, an email or phone login), exactly one (`INVALID_ARGUMENT`
 * otherwise). `NOT_FOUND` when it is not the user's (with `userId`;
 * removing a TOTP factor needs it), also for a string that is no id.
 *
 * - A passkey or an account that is the user's last way to sign in (no
 *   other passkey, no other account of a provider outside
 *   `ignoreProviders`) stays (`LAST_FACTOR`; model/waysIn.ts). Read in this
 *   transaction: of two removals racing for the last two ways, one is
 *   refused.
 * - With `keepSecondFactor` (the app requires two factors), the user's last
 *   second factor stays (`LAST_FACTOR`).
 * - When the user has no second factor left, their recovery codes go too
 *   (they only stand in for one).
 *
 * Recorded as `passkey_removed` / `totp_removed` / `account_unlinked`, with
 * `actorUserId` (who removed it, when not the user).
 */
export const remove = mutation({
  args: {
    passkeyId: v.optional(v.string()),
    totpId: v.optional(v.string()),
    accountId: v.optional(v.string()),
    userId: v.optional(v.string()),
    /** Providers whose accounts do not count as a way to sign in (anonymous ones). */
    ignoreProviders: v.optional(v.array(v.string())),
    keepSecondFactor: v.optional(v.boolean()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    requireOneOf(args, "passkeyId", "totpId", "accountId");
    const options = { ...args, audit: await auditOf(ctx, args) };
    if (args.passkeyId !== undefined) {
      const passkey = await ownedPasskey(ctx, args.passkeyId, args.userId);
      await removePasskey(ctx, passkey, options);
      return null;
    }
    if (args.accountId !== undefined) {
      await removeAccount(ctx, await ownedAccount(ctx, args.accountId, args.userId), options);
      return null;
    }
    const totpId = ctx.db.normalizeId("totpFactors", args.totpId!);
    const userId = args.userId === undefined ? null : ctx.db.normalizeId("users", args.userId);
    const factor = totpId === null ? null : await ctx.db.get(totpId);
    if (totpId === null || userId === null || factor === null || factor.userId !== userId) {
      throw authError("NOT_FOUND", "No such authenticator");
    }
    await removeTotpFactor(ctx, factor, options);
    return null;
  },
});
