import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { recordEvent } from "./model/events.js";
import { leaseToken } from "./model/rateLimit.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { limitConfig, limitState } from "./model/validators.js";
import { requireOneOf } from "./model/oneOf.js";

/**
 * The first step of a credentials sign-in, before the secret is checked:
 * leases a token of the identifier's failed-attempt bucket `limit` (in this
 * transaction, so concurrent attempts cannot outnumber it), and only if one
 * was left returns the account with its secret for the server to verify
 * outside any transaction. A wrong password is then recorded with
 * `limits.settle`; a right one writes nothing more (only failures count).
 * The account is named by its provider identity (sign-in) or by its user
 * (a signed-in user confirming their current password).
 */
export const beginSignIn = mutation({
  args: {
    provider: v.string(),
    /** The account's provider identity (sign-in)... */
    providerAccountId: v.optional(v.string()),
    /** ...or its user (a signed-in user checking their own secret again, to change it). */
    userId: v.optional(v.id("users")),
    limit: limitConfig,
  },
  returns: v.object({
    account: v.union(
      v.object({
        accountId: v.id("accounts"),
        userId: v.id("users"),
        secret: v.optional(v.string()),
        emailVerified: v.boolean(),
      }),
      v.null(),
    ),
    limit: limitState,
  }),
  handler: async (ctx, args) => {
    requireOneOf(args, "providerAccountId", "userId");
    const taken = await leaseToken(ctx, args.limit);
    if (!taken.ok) return { account: null, limit: taken };
    const account =
      args.userId !== undefined
        ? await ctx.db
            .query("accounts")
            .withIndex("by_user_provider", (q) => q.eq("userId", args.userId!).eq("provider", args.provider))
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
  args: { accountId: v.id("accounts"), secret: v.string(), exceptSessionId: v.optional(v.id("sessions")) },
  returns: v.null(),
  handler: async (ctx, { accountId, secret, exceptSessionId }) => {
    const account = await ctx.db.get(accountId);
    if (account === null) throw authError("NOT_FOUND", "No such account");
    await ctx.db.patch(accountId, { secret });
    await endSessionsOfUser(ctx, account.userId, "password_change", exceptSessionId);
    await recordEvent(ctx, { type: "password_changed", userId: account.userId });
    return null;
  },
});
