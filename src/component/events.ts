import { v } from "convex/values";
import { query } from "./_generated/server.js";
import { eventFields } from "./schema.js";

/** An audit-log event as it leaves the component. */
export const eventDoc = v.object({
  _id: v.id("events"),
  _creationTime: v.number(),
  ...eventFields,
});

/**
 * The user's most recent events, newest first (at most `limit`, default 50,
 * max 500). None for a string that is no user id.
 */
export const list = query({
  args: { userId: v.string(), limit: v.optional(v.number()) },
  returns: v.array(eventDoc),
  handler: async (ctx, args) => {
    const { limit } = args;
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null) return [];
    const n = Math.max(1, Math.min(500, Math.floor(limit ?? 50)));
    return await ctx.db
      .query("events")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .order("desc")
      .take(n);
  },
});
