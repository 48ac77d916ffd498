import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import { normalizeEmail } from "../server/email.js";
import { recordEvent } from "./model/events.js";
import { peekLimit } from "./model/rateLimit.js";
import { consumeCode } from "./model/codes.js";
import { hasSecondFactor } from "./model/secondFactors.js";
import { createSession, endSessionsOfUser, newSession, sessionPolicy } from "./model/sessions.js";
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
 * Creates a user and their first account together, and, when `session` is
 * given, a signed-in session. Refuses (`ACCOUNT_EXISTS`) when the provider
 * account exists or another user holds the email. All or nothing.
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
    session: v.optional(v.object({ refreshTokenHash: v.string(), policy: sessionPolicy })),
  },
  returns: v.object({
    userId: v.id("users"),
    accountId: v.id("accounts"),
    session: v.union(newSession, v.null()),
  }),
  handler: async (ctx, args) => {
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
    const session = args.session
      ? await createSession(ctx, userId, args.session.refreshTokenHash, args.session.policy)
      : null;
    await recordEvent(ctx, {
      type: "sign_up",
      userId,
      ...(session ? { sessionId: session.sessionId } : {}),
      data: { provider: args.provider },
    });
    return { userId, accountId, session };
  },
});

/**
 * What a credentials sign-in needs in one read: the account with its secret
 * (for the server to verify, outside any transaction) and the identifier's
 * failed-attempt bucket.
 */
export const getForSignIn = query({
  args: { provider: v.string(), providerAccountId: v.string(), limit: limitConfig },
  returns: v.object({
    account: v.union(
      v.object({
        accountId: v.id("accounts"),
        userId: v.id("users"),
        secret: v.optional(v.string()),
        emailVerified: v.boolean(),
        /** The user must pass a second factor before a session starts. */
        hasSecondFactor: v.boolean(),
      }),
      v.null(),
    ),
    limit: limitState,
  }),
  handler: async (ctx, { provider, providerAccountId, limit }) => {
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
              hasSecondFactor: await hasSecondFactor(ctx, account.userId),
            },
      limit: await peekLimit(ctx, limit),
    };
  },
});

/**
 * Finishes a verified sign-in: starts the session and, when the server asks
 * (a stronger hash setting), replaces the stored secret in the same
 * transaction.
 */
export const completeSignIn = mutation({
  args: {
    accountId: v.id("accounts"),
    userId: v.id("users"),
    refreshTokenHash: v.string(),
    policy: sessionPolicy,
    upgradedSecret: v.optional(v.string()),
  },
  returns: newSession,
  handler: async (ctx, args) => {
    if (args.upgradedSecret !== undefined) {
      await ctx.db.patch(args.accountId, { secret: args.upgradedSecret });
    }
    const session = await createSession(ctx, args.userId, args.refreshTokenHash, args.policy);
    await recordEvent(ctx, { type: "sign_in", userId: args.userId, sessionId: session.sessionId });
    return session;
  },
});

/**
 * Replaces a stored secret with a stronger hash of the same password (no
 * sessions end). `NOT_FOUND` for an unknown account.
 */
export const upgradeSecret = mutation({
  args: { accountId: v.id("accounts"), secret: v.string() },
  returns: v.null(),
  handler: async (ctx, { accountId, secret }) => {
    if ((await ctx.db.get(accountId)) === null) throw authError("NOT_FOUND", "No such account");
    await ctx.db.patch(accountId, { secret });
    return null;
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

/** The outcome of redeeming a code for a session. */
const codeRedemption = v.union(
  v.object({ status: v.literal("ok"), userId: v.id("users"), session: newSession }),
  v.object({ status: v.literal("invalid") }),
  v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
);

/**
 * Password reset, all or nothing: checks the reset code, sets the new secret,
 * ends every session of the user (`password_reset`) and starts a new one.
 * A wrong code changes nothing but the failed-attempt bucket.
 */
export const resetSecretWithCode = mutation({
  args: {
    accountId: v.id("accounts"),
    purpose: v.string(),
    codeHash: v.string(),
    limit: limitConfig,
    secret: v.string(),
    session: v.object({ refreshTokenHash: v.string(), policy: sessionPolicy }),
  },
  returns: codeRedemption,
  handler: async (ctx, args) => {
    const check = await consumeCode(ctx, args);
    if (check.status !== "ok") return check;
    await ctx.db.patch(args.accountId, { secret: args.secret });
    await endSessionsOfUser(ctx, check.userId, "password_reset");
    await recordEvent(ctx, { type: "password_reset", userId: check.userId });
    const session = await createSession(ctx, check.userId, args.session.refreshTokenHash, args.session.policy);
    return { status: "ok" as const, userId: check.userId, session };
  },
});

/**
 * Email verification, all or nothing: checks the code, marks the account and
 * the user's email verified and starts a session.
 */
export const verifyEmailWithCode = mutation({
  args: {
    accountId: v.id("accounts"),
    purpose: v.string(),
    codeHash: v.string(),
    limit: limitConfig,
    session: v.object({ refreshTokenHash: v.string(), policy: sessionPolicy }),
  },
  returns: codeRedemption,
  handler: async (ctx, args) => {
    const check = await consumeCode(ctx, args);
    if (check.status !== "ok") return check;
    await ctx.db.patch(args.accountId, { emailVerified: true });
    await ctx.db.patch(check.userId, { emailVerificationTime: Date.now() });
    await recordEvent(ctx, { type: "email_verified", userId: check.userId });
    const session = await createSession(ctx, check.userId, args.session.refreshTokenHash, args.session.policy);
    return { status: "ok" as const, userId: check.userId, session };
  },
});
