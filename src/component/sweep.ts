import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation } from "./_generated/server.js";

/** Rows deleted per table per transaction; more continue in the next one. */
const SWEEP_BATCH = 500;

/**
 * Deletes what has expired: refresh tokens, sessions (with any tokens left),
 * one-time codes, verifiers and failed-attempt buckets that have refilled. Runs from
 * `crons.ts`; reschedules itself while a table still has expired rows.
 */
export const expired = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const now = Date.now();
    let more = false;
    const tokens = await ctx.db
      .query("refreshTokens")
      .withIndex("by_expiration", (q) => q.lte("expirationTime", now))
      .take(SWEEP_BATCH);
    for (const row of tokens) await ctx.db.delete(row._id);
    more ||= tokens.length === SWEEP_BATCH;

    const sessions = await ctx.db
      .query("sessions")
      .withIndex("by_expiration", (q) => q.lte("expirationTime", now))
      .take(SWEEP_BATCH / 10);
    for (const session of sessions) await ctx.db.delete(session._id);
    more ||= sessions.length === SWEEP_BATCH / 10;

    const codes = await ctx.db
      .query("verificationCodes")
      .withIndex("by_expiration", (q) => q.lte("expirationTime", now))
      .take(SWEEP_BATCH);
    for (const row of codes) await ctx.db.delete(row._id);
    more ||= codes.length === SWEEP_BATCH;

    const verifiers = await ctx.db
      .query("verifiers")
      .withIndex("by_expiration", (q) => q.lte("expirationTime", now))
      .take(SWEEP_BATCH);
    for (const row of verifiers) await ctx.db.delete(row._id);
    more ||= verifiers.length === SWEEP_BATCH;

    // A full bucket is the same as none.
    const buckets = await ctx.db
      .query("rateLimits")
      .withIndex("by_full_time", (q) => q.lte("fullTime", now))
      .take(SWEEP_BATCH);
    for (const row of buckets) await ctx.db.delete(row._id);
    more ||= buckets.length === SWEEP_BATCH;

    if (more) await ctx.scheduler.runAfter(0, internal.sweep.expired, {});
    return null;
  },
});
