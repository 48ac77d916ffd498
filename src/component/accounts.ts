import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";
import { leaseToken } from "./model/rateLimit.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { limitConfig, limitState } from "./model/validators.js";
import { requireOneOf } from "./model/oneOf.js";
import { normalizeUsername } from "../shared/username.js";

/**
 * The first step of a credentials sign-in, before the secret is checked:
 * leases a token of the identifier's failed-attempt bucket `limit` (in this
 * transaction, so concurrent attempts cannot outnumber it), and only if one
 * was left returns the account with its secret for the server to verify
 * outside any transaction. A wrong password is then recorded with
 * `limits.settle`; a right one writes nothing more (only failures count).
 * The account is named by exactly one of: its provider identity (an email
 * sign-in), its user's `username` (a username sign-in: the user's account
 * of `provider`; compared normalised, `INVALID_USERNAME`, before anything is
 * written, for a string no username can be), or its user (a signed-in user
 * confirming their current password). Whichever names it, the same account
 * and secret come back, so the secret is checked in one place.
 */
export const beginSignIn = mutation({
  args: {
    provider: v.string(),
    /** The account's provider identity (sign-in)... */
    providerAccountId: v.optional(v.string()),
    /** ...or its user's username (a sign-in by username)... */
    username: v.optional(v.string()),
    /** ...or its user (a signed-in user checking their own secret again, to change it). */
    userId: v.optional(v.id("users")),
    limit: limitConfig,
  },
  returns: v.object({
    account: v.union(
      v.object({
        accountId: v.id("accounts"),
        userId: v.id("users"),
        /** The provider identity (for a password: the email, where a verification code goes). */
        providerAccountId: v.string(),
        secret: v.optional(v.string()),
        emailVerified: v.boolean(),
      }),
      v.null(),
    ),
    limit: limitState,
  }),
  handler: async (ctx, args) => {
    requireOneOf(args, "providerAccountId", "username", "userId");
    // Checked before the lease: a malformed username writes nothing (and names no bucket).
    const username = args.username === undefined ? undefined : normalizeUsername(args.username);
    const taken = await leaseToken(ctx, args.limit);
    if (!taken.ok) return { account: null, limit: taken };
    let userId = args.userId;
    if (username !== undefined) {
      const user = await ctx.db
        .query("users")
        .withIndex("by_username", (q) => q.eq("username", username))
        .unique();
      userId = user?._id;
    }
    const account =
      args.providerAccountId === undefined
        ? userId === undefined
          ? null
          : await ctx.db
              .query("accounts")
              .withIndex("by_user_provider", (q) => q.eq("userId", userId).eq("provider", args.provider))
              .first()
        : await ctx.db
            .query("accounts")
            .withIndex("by_provider_account", (q) =>
              q.eq("provider", args.provider).eq("providerAccountId", args.providerAccountId!),
            )
            .unique();
    return {
      account:
        account === null
          ? null
          : {
              accountId: account._id,
              userId: account.userId,
              providerAccountId: account.providerAccountId,
              secret: account.secret,
              emailVerified: account.emailVerified ?? false,
            },
      limit: taken,
    };
  },
});

/**
 * Replaces an account's secret (a new password hash) and ends every other
 * session of its user (`password_change`), keeping `exceptSessionId`.
 * `NOT_FOUND` for an unknown account.
 */
export const changeSecret = mutation({
  args: {
    accountId: v.id("accounts"),
    secret: v.string(),
    exceptSessionId: v.optional(v.id("sessions")),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { accountId, secret, exceptSessionId } = args;
    const account = await ctx.db.get(accountId);
    if (account === null) throw authError("NOT_FOUND", "No such account");
    const audit = await auditOf(ctx, args);
    await ctx.db.patch(accountId, { secret });
    await endSessionsOfUser(ctx, account.userId, "password_change", exceptSessionId, audit);
    await recordEvent(ctx, { type: "password_changed", userId: account.userId }, audit);
    return null;
  },
});
