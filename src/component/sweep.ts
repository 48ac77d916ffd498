import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation, type MutationCtx } from "./_generated/server.js";
import { RESUME_AFTER_MS, dueMarkers } from "./model/deletions.js";
import { DEFAULT_RETENTION_MS } from "./model/events.js";

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

/**
 * Audit events deleted per transaction: each costs one read and one write
 * (an event is under 2 KB: its user agent is cut to 512 characters), so a
 * batch stays far inside Convex's limits (32,000 documents scanned, 16,000
 * written, 16 MiB each way). More continue in a scheduled follow-up.
 */
export const EVENTS_SWEEP_BATCH = 1000;

/**
 * Deletes audit events past their retention: those whose `expirationTime`
 * (their time + the retention the server passed when they were written,
 * `Auth({ audit: { retentionDays } })`, 90 days by default) has passed, and
 * events from before retention existed (no `expirationTime`) older than the
 * default 90 days. One index range each, oldest first, at most
 * {@link EVENTS_SWEEP_BATCH} in all; reschedules itself at once while a
 * batch comes back full. Runs hourly from `crons.ts`. Returns how many it
 * deleted.
 */
export const events = internalMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    const now = Date.now();
    const legacy = await ctx.db
      .query("events")
      .withIndex("by_expiration", (q) => q.eq("expirationTime", undefined).lte("_creationTime", now - DEFAULT_RETENTION_MS))
      .take(EVENTS_SWEEP_BATCH);
    const expired =
      legacy.length === EVENTS_SWEEP_BATCH
        ? []
        : await ctx.db
            .query("events")
            .withIndex("by_expiration", (q) => q.gte("expirationTime", 0).lte("expirationTime", now))
            .take(EVENTS_SWEEP_BATCH - legacy.length);
    for (const event of legacy) await ctx.db.delete(event._id);
    for (const event of expired) await ctx.db.delete(event._id);
    const deleted = legacy.length + expired.length;
    if (deleted === EVENTS_SWEEP_BATCH) await ctx.scheduler.runAfter(0, internal.sweep.events, {});
    return deleted;
  },
});

/** Stalled deletions resumed per transaction; more continue in the next one. */
const RESUME_BATCH = 100;

/**
 * Resumes deletions that stalled: every pending-deletion marker (see
 * model/deletions.ts) whose resume time has passed, i.e. no batch ran for
 * a few minutes because a continuation was lost or failed. Each gets its
 * next batch scheduled as its own transaction (so one failing deletion does
 * not hold up the others) and its resume time moved on. Runs from
 * `crons.ts`; reschedules itself while more markers are due.
 */
export const resumeDeletions = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const now = Date.now();
    const due = await dueMarkers(ctx, now, RESUME_BATCH);
    for (const marker of due) {
      const scheduled =
        marker.kind === "user"
          ? await resumeUser(ctx, marker.targetId)
          : await resumeGroup(ctx, marker.targetId);
      if (scheduled) {
        await ctx.db.patch(marker._id, { resumeTime: now + RESUME_AFTER_MS, attempts: (marker.attempts ?? 0) + 1 });
      } else {
        await ctx.db.delete(marker._id);
      }
    }
    if (due.length === RESUME_BATCH) await ctx.scheduler.runAfter(0, internal.sweep.resumeDeletions, {});
    return null;
  },
});

/** Schedules the next batch of a user's deletion; false for a marker that names no user id. */
async function resumeUser(ctx: MutationCtx, targetId: string): Promise<boolean> {
  const userId = ctx.db.normalizeId("users", targetId);
  if (userId === null) return false;
  await ctx.scheduler.runAfter(0, internal.users.deleteDataContinue, { userId });
  return true;
}

/** Schedules the next batch of a group's deletion; false for a marker that names no group id. */
async function resumeGroup(ctx: MutationCtx, targetId: string): Promise<boolean> {
  const groupId = ctx.db.normalizeId("groups", targetId);
  if (groupId === null) return false;
  await ctx.scheduler.runAfter(0, internal.groups.deleteContinue, { groupId });
  return true;
}
