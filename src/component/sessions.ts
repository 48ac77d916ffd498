import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel.js";
import { internalMutation, mutation, query } from "./_generated/server.js";
import { recordEvent } from "./model/events.js";
import {
  createSession,
  END_SESSIONS_BATCH,
  endSession,
  endSessionsOfUser,
  newSession,
  refreshTokenExpiry,
  sessionPolicy,
} from "./model/sessions.js";
import { revocationReason } from "./model/validators.js";
import { sessionFields } from "./schema.js";

/** A session as it leaves the component. */
export const sessionDoc = v.object({
  _id: v.id("sessions"),
  _creationTime: v.number(),
  ...sessionFields,
});

/**
 * Starts a session for a user whose identity the server has verified, with
 * one refresh token (its SHA-256 hash; the raw token never reaches the
 * component). Records a `sign_in` event.
 */
export const create = mutation({
  args: {
    userId: v.id("users"),
    refreshTokenHash: v.string(),
    policy: sessionPolicy,
    provider: v.string(),
    /** A second factor was verified to start it (counts for step-up). */
    factorVerified: v.optional(v.boolean()),
  },
  returns: newSession,
  handler: async (ctx, { userId, refreshTokenHash, policy, provider, factorVerified }) => {
    const session = await createSession(ctx, userId, refreshTokenHash, policy, { factorVerified });
    await recordEvent(ctx, { type: "sign_in", userId, sessionId: session.sessionId, data: { provider } });
    return session;
  },
});

function live(session: Doc<"sessions"> | null): Doc<"sessions"> | null {
  return session !== null && session.expirationTime > Date.now() ? session : null;
}

/** The session, or `null` when it ended or expired. */
export const get = query({
  args: { sessionId: v.id("sessions") },
  returns: v.union(sessionDoc, v.null()),
  handler: async (ctx, { sessionId }) => live(await ctx.db.get(sessionId)),
});

/**
 * The user's live sessions, newest first: not expired, and refreshed within
 * the inactivity window (their newest refresh token is still valid).
 */
export const list = query({
  args: { userId: v.id("users") },
  returns: v.array(sessionDoc),
  handler: async (ctx, { userId }) => {
    const now = Date.now();
    const sessions = await ctx.db
      .query("sessions")
      .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
      .order("desc")
      .take(END_SESSIONS_BATCH);
    const live = [];
    for (const session of sessions) {
      if (session.expirationTime <= now) continue;
      const newestToken = await ctx.db
        .query("refreshTokens")
        .withIndex("by_session", (q) => q.eq("sessionId", session._id))
        .order("desc")
        .first();
      if (newestToken !== null && newestToken.expirationTime > now) live.push(session);
    }
    return live;
  },
});

/**
 * Exchanges a refresh token (by hash) for a new one (`newTokenHash`).
 *
 * - `ok`: the token was valid; the new token is stored. A token already
 *   exchanged less than `reuseWindowMs` ago also gets `ok` (two tabs racing).
 * - `reused`: the token was exchanged before the window: it may be stolen, so
 *   the whole session is revoked (`refresh_reuse`).
 * - `invalid`: unknown or expired token, or the session is gone.
 */
export const refresh = mutation({
  args: {
    tokenHash: v.string(),
    newTokenHash: v.string(),
    policy: sessionPolicy,
    reuseWindowMs: v.number(),
  },
  returns: v.union(
    v.object({ status: v.literal("ok"), userId: v.id("users"), sessionId: v.id("sessions") }),
    v.object({ status: v.literal("reused") }),
    v.object({ status: v.literal("invalid") }),
  ),
  handler: async (ctx, { tokenHash, newTokenHash, policy, reuseWindowMs }) => {
    const now = Date.now();
    const token = await ctx.db
      .query("refreshTokens")
      .withIndex("by_hash", (q) => q.eq("tokenHash", tokenHash))
      .unique();
    if (token === null || token.expirationTime <= now) return { status: "invalid" as const };
    // A deleted user has no sessions left: `users.delete` removes them first,
    // in its own transaction (the per-user cap keeps them few).
    const session = await ctx.db.get(token.sessionId);
    if (session === null || session.expirationTime <= now) return { status: "invalid" as const };
    if (token.firstUsedTime !== undefined && now - token.firstUsedTime > reuseWindowMs) {
      await endSession(ctx, session._id, session.userId, "refresh_reuse");
      return { status: "reused" as const };
    }
    if (token.firstUsedTime === undefined) {
      await ctx.db.patch(token._id, { firstUsedTime: now });
    }
    await ctx.db.insert("refreshTokens", {
      sessionId: session._id,
      userId: session.userId,
      tokenHash: newTokenHash,
      expirationTime: refreshTokenExpiry(session.expirationTime, policy, now),
    });
    return { status: "ok" as const, userId: session.userId, sessionId: session._id };
  },
});

/** Ends one session, recording `reason`. Returns false when it had already ended. */
export const revoke = mutation({
  args: { sessionId: v.id("sessions"), reason: revocationReason },
  returns: v.boolean(),
  handler: async (ctx, { sessionId, reason }) => {
    const session = await ctx.db.get(sessionId);
    if (session === null) return false;
    await endSession(ctx, sessionId, session.userId, reason);
    return true;
  },
});

const revokeAllArgs = {
  userId: v.id("users"),
  exceptSessionId: v.optional(v.id("sessions")),
  reason: revocationReason,
};

/**
 * Ends all the user's sessions but `exceptSessionId`. Ends up to 1,000 at
 * once and the rest in background transactions, so any number of sessions
 * stays inside transaction limits. Returns how many ended now.
 */
export const revokeAll = mutation({
  args: revokeAllArgs,
  returns: v.object({ revoked: v.number(), continuing: v.boolean() }),
  handler: async (ctx, { userId, reason, exceptSessionId }) =>
    await endSessionsOfUser(ctx, userId, reason, exceptSessionId),
});

/** Background continuation of `revokeAll`. */
export const revokeAllContinue = internalMutation({
  args: revokeAllArgs,
  returns: v.null(),
  handler: async (ctx, { userId, reason, exceptSessionId }) => {
    await endSessionsOfUser(ctx, userId, reason, exceptSessionId);
    return null;
  },
});

/** Records that a second factor was just verified in this session (step-up). */
export const markFactorVerified = mutation({
  args: { sessionId: v.id("sessions") },
  returns: v.boolean(),
  handler: async (ctx, { sessionId }) => {
    if ((await ctx.db.get(sessionId)) === null) return false;
    await ctx.db.patch(sessionId, { factorVerifiedTime: Date.now() });
    return true;
  },
});
