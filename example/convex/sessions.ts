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
