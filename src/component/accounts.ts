import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { normalizeEmail } from "../shared/email.js";
import { recordEvent } from "./model/events.js";
import { leaseToken } from "./model/rateLimit.js";
import { proveMailbox } from "./model/mailbox.js";
import { checkProfile } from "./model/profile.js";
import { consumeCode } from "./model/codes.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { limitConfig, limitState } from "./model/validators.js";
import { accountFields } from "./schema.js";

/** An account as it leaves the component: never its secret. */
export const accountDoc = v.object({
  _id: v.id("accounts"),
  _creationTime: v.number(),
  userId: accountFields.userId,
  provider: accountFields.provider,
  providerAccountId: accountFields.providerAccountId,
  emailVerified: accountFields.emailVerified,
  extend: accountFields.extend,
});

function publicAccount<T extends { secret?: string }>(account: T): Omit<T, "secret"> {
  const { secret: _secret, ...rest } = account;
  return rest;
}

/**
 * Creates a user and their first account together (no session: the server
 * asks `sessions.issue` for one). Refuses (`ACCOUNT_EXISTS`) when the
 * provider account exists or another user holds the email. All or nothing.
 */
export const createWithUser = mutation({
  args: {
    provider: v.string(),
    providerAccountId: v.string(),
    secret: v.optional(v.string()),
    emailVerified: v.optional(v.boolean()),
    user: v.object({
      name: v.optional(v.string()),
      email: v.optional(v.string()),
      image: v.optional(v.string()),
      extend: v.optional(v.any()),
    }),
  },
  returns: v.object({ userId: v.id("users"), accountId: v.id("accounts") }),
  handler: async (ctx, args) => {
    checkProfile(args.user);
    const existing = await ctx.db
      .query("accounts")
      .withIndex("by_provider_account", (q) =>
        q.eq("provider", args.provider).eq("providerAccountId", args.providerAccountId),
      )
      .unique();
    if (existing !== null) throw authError("ACCOUNT_EXISTS", "An account with these details exists");
    const email = args.user.email === undefined ? undefined : normalizeEmail(args.user.email);
    if (email !== undefined) {
      const holder = await ctx.db
        .query("users")
        .withIndex("by_email", (q) => q.eq("email", email))
        .unique();
      if (holder !== null) throw authError("ACCOUNT_EXISTS", "An account with this email exists");
    }
    const now = Date.now();
    const userId = await ctx.db.insert("users", {
      ...args.user,
      email,
      ...(args.emailVerified && email !== undefined ? { emailVerificationTime: now } : {}),
    });
    const accountId = await ctx.db.insert("accounts", {
      userId,
      provider: args.provider,
      providerAccountId: args.providerAccountId,
      secret: args.secret,
      emailVerified: args.emailVerified ?? false,
    });
    await recordEvent(ctx, { type: "sign_up", userId, data: { provider: args.provider } });
    return { userId, accountId };
  },
});

/**
 * Undoes a sign-up whose verification message could not be sent, so the
 * person can simply try again: deletes the account and its user, but only
 * while the user is unverified, holds no other account and no session.
 * Returns whether it did.
 */
export const rollbackSignUp = mutation({
  args: { accountId: v.id("accounts") },
  returns: v.boolean(),
  handler: async (ctx, { accountId }) => {
    const account = await ctx.db.get(accountId);
    if (account === null) return false;
    const user = await ctx.db.get(account.userId);
    if (user === null || user.emailVerificationTime !== undefined) return false;
    const others = await ctx.db
      .query("accounts")
      .withIndex("by_user_provider", (q) => q.eq("userId", account.userId))
      .take(2);
    const session = await ctx.db
      .query("sessions")
      .withIndex("by_user_ordinal", (q) => q.eq("userId", account.userId))
      .first();
    if (others.length > 1 || session !== null) return false;
    const codes = await ctx.db
      .query("verificationCodes")
      .withIndex("by_account_purpose", (q) => q.eq("accountId", accountId))
      .take(10);
    for (const code of codes) await ctx.db.delete(code._id);
    await ctx.db.delete(accountId);
    await ctx.db.delete(user._id);
    return true;
  },
});

/**
 * The first step of a credentials sign-in, before the secret is checked:
 * leases a token of the identifier's failed-attempt bucket `limit` (in this
 * transaction, so concurrent attempts cannot outnumber it), and only if one
 * was left returns the account with its secret for the server to verify
 * outside any transaction. A wrong password is then recorded with
 * `limits.fail`; a right one writes nothing more (only failures count).
 */
export const beginSignIn = mutation({
  args: { provider: v.string(), providerAccountId: v.string(), limit: limitConfig },
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
  handler: async (ctx, { provider, providerAccountId, limit }) => {
    const taken = await leaseToken(ctx, limit);
    if (!taken.ok) return { account: null, limit: taken };
    const account = await ctx.db
      .query("accounts")
      .withIndex("by_provider_account", (q) =>
        q.eq("provider", provider).eq("providerAccountId", providerAccountId),
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

/** The account of a provider identity (without its secret), or `null`. */
export const getByProvider = query({
  args: { provider: v.string(), providerAccountId: v.string() },
  returns: v.union(accountDoc, v.null()),
  handler: async (ctx, { provider, providerAccountId }) => {
    const account = await ctx.db
      .query("accounts")
      .withIndex("by_provider_account", (q) =>
        q.eq("provider", provider).eq("providerAccountId", providerAccountId),
      )
      .unique();
    return account === null ? null : publicAccount(account);
  },
});

/** The user's accounts (without secrets). */
export const listByUser = query({
  args: { userId: v.id("users") },
  returns: v.array(accountDoc),
  handler: async (ctx, { userId }) => {
    const accounts = await ctx.db
      .query("accounts")
      .withIndex("by_user_provider", (q) => q.eq("userId", userId))
      .take(100);
    return accounts.map(publicAccount);
  },
});

/** The user's account with `provider`, with its secret, for the server to verify. */
export const getSecretByUser = query({
  args: { userId: v.id("users"), provider: v.string() },
  returns: v.union(v.object({ accountId: v.id("accounts"), secret: v.optional(v.string()) }), v.null()),
  handler: async (ctx, { userId, provider }) => {
    const account = await ctx.db
      .query("accounts")
      .withIndex("by_user_provider", (q) => q.eq("userId", userId).eq("provider", provider))
      .first();
    return account === null ? null : { accountId: account._id, secret: account.secret };
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

/** The outcome of redeeming a code; the server then asks `sessions.issue` for a session. */
const codeRedemption = v.union(
  v.object({ status: v.literal("ok"), userId: v.id("users") }),
  v.object({ status: v.literal("invalid") }),
  v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
);

/**
 * Password reset, all or nothing: checks the reset code, sets the new secret
 * and ends every session of the user (`password_reset`). The code proves the
 * mailbox: on the first such proof for a never-verified email, the
 * credentials added before it are removed (see `proveMailbox`). A wrong code
 * changes nothing but the failed-attempt bucket. No session starts here: a
 * user with a second factor must still pass it.
 */
export const resetSecretWithCode = mutation({
  args: {
    accountId: v.id("accounts"),
    purpose: v.string(),
    codeHash: v.string(),
    limit: limitConfig,
    secret: v.string(),
  },
  returns: codeRedemption,
  handler: async (ctx, args) => {
    const check = await consumeCode(ctx, args);
    if (check.status !== "ok") return check;
    await proveMailbox(ctx, check.userId, args.accountId);
    await ctx.db.patch(args.accountId, { secret: args.secret });
    await endSessionsOfUser(ctx, check.userId, "password_reset");
    await recordEvent(ctx, { type: "password_reset", userId: check.userId });
    return { status: "ok" as const, userId: check.userId };
  },
});

/**
 * Email verification, all or nothing: checks the code and marks the account
 * and the user's email verified (the first proof of the mailbox: see
 * `proveMailbox`). No session starts here.
 */
export const verifyEmailWithCode = mutation({
  args: {
    accountId: v.id("accounts"),
    purpose: v.string(),
    codeHash: v.string(),
    limit: limitConfig,
  },
  returns: codeRedemption,
  handler: async (ctx, args) => {
    const check = await consumeCode(ctx, args);
    if (check.status !== "ok") return check;
    await proveMailbox(ctx, check.userId, args.accountId);
    await ctx.db.patch(args.accountId, { emailVerified: true });
    await recordEvent(ctx, { type: "email_verified", userId: check.userId });
    return { status: "ok" as const, userId: check.userId };
  },
});
