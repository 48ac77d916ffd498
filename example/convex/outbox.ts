import { v } from "convex/values";
import { internalMutation, query } from "./_generated/server";
import { requireDevTools } from "./devTools";

/** Stores a message instead of sending it (development only: see schema.ts). */
export const deliver = internalMutation({
  args: { to: v.string(), subject: v.string(), code: v.string(), expiresAt: v.number() },
  handler: async (ctx, message) => {
    await ctx.db.insert("outbox", message);
  },
});

/**
 * The newest message sent to `to`. A development mail catcher: it shows
 * codes to whoever asks, so a real app has no such query; here it answers
 * only with `EXAMPLE_DEV_TOOLS=1` (see devTools.ts) and throws `FORBIDDEN`
 * otherwise.
 */
export const latest = query({
  args: { to: v.string() },
  handler: async (ctx, { to }) => {
    requireDevTools("outbox.latest");
    const message = await ctx.db
      .query("outbox")
      .withIndex("by_to", (q) => q.eq("to", to.trim().toLowerCase()))
      .order("desc")
      .first();
    return message === null ? null : { subject: message.subject, code: message.code, expiresAt: message.expiresAt };
  },
});
