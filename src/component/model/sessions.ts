import { v, type Infer } from "convex/values";
import { internal } from "../_generated/api.js";
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { recordEvent, type RevocationReason } from "./events.js";

/** Session lifetimes, passed in by the server on every call (the component keeps no config). */
export const sessionPolicy = v.object({
  /** Absolute lifetime of a session. */
  totalDurationMs: v.number(),
  /** A session not refreshed for this long ends (its refresh tokens expire). */
  inactiveDurationMs: v.number(),
  /** A user keeps at most this many sessions; older ones are evicted. */
  maxSessionsPerUser: v.number(),
});
export type SessionPolicy = Infer<typeof sessionPolicy>;

/** A new session as it leaves the component. */
export const newSession = v.object({
  sessionId: v.id("sessions"),
  expirationTime: v.number(),
});

/** Refresh tokens of a session never outlive it, nor the inactivity window. */
export function refreshTokenExpiry(sessionExpiration: number, policy: SessionPolicy, now: number) {
  return Math.min(sessionExpiration, now + policy.inactiveDurationMs);
}

/**
 * Starts a session for `userId` holding one refresh token (stored as its
 * hash). Evicts the user's sessions that are `maxSessionsPerUser` or more
 * creations old: one index read finds the newest ordinal, and a range over
 * older ordinals (normally empty) finds what to evict, so the cost does not
 * grow with the number of sessions.
 */
export async function createSession(
  ctx: MutationCtx,
  userId: Id<"users">,
  refreshTokenHash: string,
  policy: SessionPolicy,
  options: { factorVerified?: boolean } = {},
) {
  const now = Date.now();
  const newest = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
    .order("desc")
    .first();
  const ordinal = (newest?.ordinal ?? 0) + 1;
  const evicted = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) =>
      q.eq("userId", userId).lte("ordinal", ordinal - policy.maxSessionsPerUser),
    )
    .collect();
  for (const old of evicted) await endSession(ctx, old._id, userId, "evicted");

  const { ip, userAgent } = await ctx.meta.getRequestMetadata();
  const expirationTime = now + policy.totalDurationMs;
  const sessionId = await ctx.db.insert("sessions", {
    userId,
    expirationTime,
    ordinal,
    ...(ip !== null ? { ip } : {}),
    ...(userAgent !== null ? { userAgent } : {}),
    ...(options.factorVerified ? { factorVerifiedTime: now } : {}),
  });
  await ctx.db.insert("refreshTokens", {
    sessionId,
    userId,
    tokenHash: refreshTokenHash,
    expirationTime: refreshTokenExpiry(expirationTime, policy, now),
  });
  return { sessionId, expirationTime };
}

/**
 * Ends a session: deletes it and records why. Its refresh tokens stay until
 * they expire (deleting them would cost a read per token); without the
 * session they are refused.
 */
export async function endSession(
  ctx: MutationCtx,
  sessionId: Id<"sessions">,
  userId: Id<"users">,
  reason: RevocationReason,
): Promise<void> {
  await ctx.db.delete(sessionId);
  await recordEvent(ctx, { type: "session_revoked", userId, sessionId, reason });
}

/** Sessions ended per transaction before the rest continue in the background. */
export const END_SESSIONS_BATCH = 1000;

/**
 * Ends the user's sessions but `exceptSessionId`: up to a batch now, the rest
 * in scheduled transactions (`sessions.revokeAllContinue`), so any number of
 * sessions stays inside transaction limits.
 */
export async function endSessionsOfUser(
  ctx: MutationCtx,
  userId: Id<"users">,
  reason: RevocationReason,
  exceptSessionId?: Id<"sessions">,
): Promise<{ revoked: number; continuing: boolean }> {
  const batch = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
    .take(END_SESSIONS_BATCH + 1);
  const toEnd = batch.filter((s) => s._id !== exceptSessionId).slice(0, END_SESSIONS_BATCH);
  for (const session of toEnd) await endSession(ctx, session._id, userId, reason);
  const continuing = batch.length > END_SESSIONS_BATCH;
  if (continuing) {
    await ctx.scheduler.runAfter(0, internal.sessions.revokeAllContinue, {
      userId,
      reason,
      ...(exceptSessionId ? { exceptSessionId } : {}),
    });
  }
  return { revoked: toEnd.length, continuing };
}
