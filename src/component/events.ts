import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { query } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { requireOneOf } from "./model/oneOf.js";
import { eventFields } from "./schema.js";

/** An audit-log event as it leaves the component. */
export const eventDoc = v.object({
  _id: v.id("events"),
  _creationTime: v.number(),
  ...eventFields,
});

/**
 * Audit-log events, newest first, a page at a time: a user's (`userId`:
 * the events about them), or an actor's (`actorUserId`: what they did to
 * others, an admin's actions), either optionally only of `type`; or
 * everyone's of one `type`; or, with `all: true` alone, every event (an
 * admin's live feed). `userId` and `actorUserId` exclude each other, and
 * one of the three, or `all`, must lead (`INVALID_ARGUMENT` otherwise). `since`
 * and `until` (ms since the epoch, inclusive) bound the time range through
 * the index, so a page costs its size however long the log (a `type`
 * besides a user or an actor filters that range). None for a string that
 * is no user id.
 */
export const list = query({
  args: {
    userId: v.optional(v.string()),
    actorUserId: v.optional(v.string()),
    type: v.optional(v.string()),
    /** Every event, whoever it is about (no `userId`, `actorUserId` or `type` with it). */
    all: v.optional(v.boolean()),
    since: v.optional(v.number()),
    until: v.optional(v.number()),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(eventDoc),
  handler: async (ctx, args) => {
    const { type, paginationOpts } = args;
    const since = args.since ?? 0;
    const until = args.until ?? Number.MAX_SAFE_INTEGER;
    if (args.userId !== undefined && args.actorUserId !== undefined) {
      throw authError("INVALID_ARGUMENT", "Give either userId or actorUserId");
    }
    if (args.all === true) {
      if (args.userId !== undefined || args.actorUserId !== undefined || type !== undefined) {
        throw authError("INVALID_ARGUMENT", "all: true lists every event: give no userId, actorUserId or type with it");
      }
      return await ctx.db
        .query("events")
        .withIndex("by_creation_time", (q) => q.gte("_creationTime", since).lte("_creationTime", until))
        .order("desc")
        .paginate(paginationOpts);
    }
    const person = args.userId ?? args.actorUserId;
    if (person === undefined) {
      requireOneOf(args, "userId", "actorUserId", "type");
      return await ctx.db
        .query("events")
        .withIndex("by_type", (q) => q.eq("type", type!).gte("_creationTime", since).lte("_creationTime", until))
        .order("desc")
        .paginate(paginationOpts);
    }
    const id = ctx.db.normalizeId("users", person);
    if (id === null) return { page: [], isDone: true, continueCursor: "" };
    const range = (args.userId !== undefined
      ? ctx.db.query("events").withIndex("by_user", (q) => q.eq("userId", id).gte("_creationTime", since).lte("_creationTime", until))
      : ctx.db.query("events").withIndex("by_actor", (q) => q.eq("actorUserId", id).gte("_creationTime", since).lte("_creationTime", until))
    ).order("desc");
    return await (type === undefined ? range : range.filter((q) => q.eq(q.field("type"), type))).paginate(paginationOpts);
  },
});
