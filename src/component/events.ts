import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server.js";
import { requireOneOf } from "./model/oneOf.js";
import { eventFields } from "./schema.js";

/** An audit-log event as it leaves the component. */
export const eventDoc = v.object({
  _id: v.id("events"),
  _creationTime: v.number(),
  ...eventFields,
});

/**
 * Audit-log events, newest first, a page at a time: a user's (`userId`,
 * optionally only of `type`) or every user's of one `type`; exactly one of
 * `userId`, `type` leads (`INVALID_ARGUMENT` with neither). `since` and
 * `until` (ms since the epoch, inclusive) bound the time range through the
 * index, so a page costs its size however long the log. None for a string
 * that is no user id.
 */
export const list = query({
  args: {
    userId: v.optional(v.string()),
    type: v.optional(v.string()),
    since: v.optional(v.number()),
    until: v.optional(v.number()),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(eventDoc),
  handler: async (ctx, args) => {
    const { type, paginationOpts } = args;
    const since = args.since ?? 0;
    const until = args.until ?? Number.MAX_SAFE_INTEGER;
    if (args.userId === undefined) {
      requireOneOf(args, "userId", "type");
      return await ctx.db
        .query("events")
        .withIndex("by_type", (q) => q.eq("type", type!).gte("_creationTime", since).lte("_creationTime", until))
        .order("desc")
        .paginate(paginationOpts);
    }
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null) return { page: [], isDone: true, continueCursor: "" };
    const byUser = ctx.db
      .query("events")
      .withIndex("by_user", (q) => q.eq("userId", userId).gte("_creationTime", since).lte("_creationTime", until))
      .order("desc");
    return await (type === undefined ? byUser : byUser.filter((q) => q.eq(q.field("type"), type))).paginate(paginationOpts);
  },
});
