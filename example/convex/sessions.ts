import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

/** The signed-in user's devices. */
export const list = query({
  args: {},
  handler: async (ctx) => {
    const current = await auth.session.current(ctx);
    const sessions = await auth.session.list(ctx);
    return sessions.map((s) => ({
      id: s._id,
      createdAt: s._creationTime,
      expiresAt: s.expirationTime,
      userAgent: s.userAgent ?? null,
      current: s._id === current?._id,
    }));
  },
});

/**
 * For the app's banner: `null`, or who an admin is impersonating in this
 * session, who the admin is, and when the impersonation ends (at most an
 * hour after it started). Reactive: it turns `null` when it ends.
 */
export const impersonation = query({
  args: {},
  handler: async (ctx) => {
    const session = await auth.session.current(ctx);
    if (session === null || session.impersonatorUserId === undefined) return null;
    const user = await auth.user.get(ctx, session.userId);
    const admin = await auth.user.get(ctx, session.impersonatorUserId);
    return {
      user: user?.email ?? user?.name ?? session.userId,
      admin: admin?.email ?? session.impersonatorUserId,
      expiresAt: session.expirationTime,
    };
  },
});

/** Signs one of my devices out. */
export const revoke = mutation({
  args: { sessionId: v.string() },
  handler: async (ctx, { sessionId }) => {
    await auth.session.revoke(ctx, sessionId);
  },
});

/** Signs out every other device. */
export const revokeOthers = mutation({
  args: {},
  handler: async (ctx) => await auth.session.revokeAll(ctx, { except: "current" }),
});
