/**
 * The Admin page's functions: accounts administration through `auth.admin.*`.
 *
 * Who is an admin is `Auth({ admin: { isAdmin } })`'s answer (convex/auth.ts:
 * a verified email listed in ADMIN_EMAILS); every `auth.admin.*` helper
 * checks it with the caller's live session and throws `FORBIDDEN` for
 * anyone else. A call without an identity is taken as the app's own (an
 * internal function, a script), so these public functions first require a
 * signed-in caller (`NOT_SIGNED_IN`). Impersonating a user is no function
 * here: the Admin page calls `useAuthActions().impersonate(userId)`
 * (`signIn("impersonate")`), and the client keeps the tokens like any sign-in.
 */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

const filter = v.union(v.literal("banned"), v.literal("unverified"), v.literal("has2fa"));

/** Users for the admin table: newest first, by a filter, or by email / name prefix. */
export const listUsers = query({
  args: { search: v.optional(v.string()), filter: v.optional(filter), paginationOpts: paginationOptsValidator },
  handler: async (ctx, args) => {
    await auth.user.require(ctx);
    const result = await auth.admin.user.list(ctx, args);
    return {
      ...result,
      page: result.page.map((user) => ({
        id: user._id,
        createdAt: user._creationTime,
        name: user.name ?? null,
        email: user.email ?? null,
        emailVerified: user.emailVerificationTime !== undefined,
        isAnonymous: user.isAnonymous === true,
        ban: user.ban ?? null,
        hasSecondFactor: user.hasSecondFactor === true,
      })),
    };
  },
});

/** One user's detail (no secrets; capped lists). */
export const userDetail = query({
  args: { userId: v.string() },
  handler: async (ctx, { userId }) => {
    await auth.user.require(ctx);
    return await auth.admin.user.detail(ctx, { userId });
  },
});

/** Bans a user: their sessions end at once, sign-ins are refused (USER_BANNED). */
export const ban = mutation({
  args: { userId: v.string(), reason: v.string() },
  handler: async (ctx, { userId, reason }) => {
    await auth.user.require(ctx);
    await auth.admin.user.ban(ctx, userId, { reason });
  },
});

/** Lifts a ban. */
export const unban = mutation({
  args: { userId: v.string() },
  handler: async (ctx, { userId }) => {
    await auth.user.require(ctx);
    await auth.admin.user.unban(ctx, userId);
  },
});

/** Signs a user out everywhere. */
export const revokeSessions = mutation({
  args: { userId: v.string() },
  handler: async (ctx, { userId }) => {
    await auth.user.require(ctx);
    return await auth.admin.user.revokeSessions(ctx, { userId });
  },
});

/** Marks a user's email verified. */
export const markEmailVerified = mutation({
  args: { userId: v.string() },
  handler: async (ctx, { userId }) => {
    await auth.user.require(ctx);
    return await auth.admin.user.markEmailVerified(ctx, { userId });
  },
});

/**
 * The live event feed: the newest audit events, everyone's, with the
 * emails of their subject and actor. A query: the Admin page's subscription
 * gets every new event as it is written.
 */
export const recentEvents = query({
  args: { limit: v.optional(v.number()) },
  handler: async (ctx, { limit }) => {
    await auth.user.require(ctx);
    const numItems = Math.min(50, Math.max(1, Math.floor(limit ?? 20)));
    const { page } = await auth.admin.audit.list(ctx, { all: true, paginationOpts: { numItems, cursor: null } });
    const emails = new Map<string, string>();
    const nameOf = async (userId: string | undefined) => {
      if (userId === undefined) return null;
      if (!emails.has(userId)) emails.set(userId, (await auth.user.get(ctx, userId))?.email ?? userId);
      return emails.get(userId)!;
    };
    const events = [];
    for (const event of page) {
      events.push({
        id: event._id,
        time: event._creationTime,
        type: event.type,
        reason: event.reason ?? null,
        user: await nameOf(event.userId),
        actor: await nameOf(event.actorUserId),
      });
    }
    return events;
  },
});

/** Removes one of a user's factors: a TOTP factor or a passkey. */
export const removeFactor = mutation({
  args: { userId: v.string(), kind: v.union(v.literal("totp"), v.literal("passkey")), id: v.string() },
  handler: async (ctx, { userId, kind, id }) => {
    await auth.user.require(ctx);
    await auth.admin.user.removeFactor(ctx, { userId, factor: { kind, id } });
  },
});
