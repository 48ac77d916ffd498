import { v, type Infer } from "convex/values";
import { internal } from "../_generated/api.js";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { recordEvent, type Audit, type RevocationReason } from "./events.js";

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

/** Refresh tokens of a session never outlive it, nor the inactivity window. */
export function refreshTokenExpiry(sessionExpiration: number, policy: SessionPolicy, now: number) {
  return Math.min(sessionExpiration, now + policy.inactiveDurationMs);
}

/** A session that has neither ended nor expired, or `null`. */
export function liveSession(session: Doc<"sessions"> | null, now = Date.now()): Doc<"sessions"> | null {
  return session !== null && session.expirationTime > now ? session : null;
}

/**
 * `session` if it is live ({@link liveSession}) and, for an impersonation,
 * while the admin session that started it is live too: ending the admin's
 * session (signed out, revoked, banned) ends their impersonation at once.
 * One more read, for impersonations only.
 */
export async function liveSessionOf(
  ctx: QueryCtx,
  session: Doc<"sessions"> | null,
  now = Date.now(),
): Promise<Doc<"sessions"> | null> {
  const live = liveSession(session, now);
  if (live?.impersonatorSessionId === undefined) return live;
  const admin = liveSession(await ctx.db.get(live.impersonatorSessionId), now);
  return admin !== null && admin.userId === live.impersonatorUserId ? live : null;
}

/** Exchanges of one refresh token allowed inside the reuse window (two racing tabs need 2). */
export const MAX_EXCHANGES_PER_TOKEN = 3;

/** What exchanging a refresh token gave. */
export type Rotation =
  | {
      status: "ok";
      userId: Id<"users">;
      sessionId: Id<"sessions">;
      expirationTime: number;
      /** Set for an impersonation: the admin (the token's actor). */
      impersonatorUserId?: Id<"users">;
    }
  | { status: "reused" }
  | { status: "invalid" };

/**
 * Exchanges `token` for a successor with hash `newTokenHash`:
 * - an expired token, or one whose session ended (for an impersonation,
 *   also the admin's session: {@link liveSessionOf}): `invalid`;
 * - a token exchanged before, more than `reuseWindowMs` ago, or more than
 *   {@link MAX_EXCHANGES_PER_TOKEN} times, or whose sibling chain already
 *   won: `reused`, and the whole session ends (`refresh_reuse`), unless it
 *   is a lost response ({@link lostResponse}: no successor of it was ever
 *   used), which re-rotates instead;
 * - otherwise `ok`. The first use of a token invalidates its unused
 *   siblings (the other successors of its parent), so however many
 *   exchanges happened inside a window, at most one chain lives on past it;
 *   a sibling already in use means two chains: the session ends.
 */
export async function rotate(
  ctx: MutationCtx,
  token: Doc<"refreshTokens">,
  newTokenHash: string,
  policy: SessionPolicy,
  reuseWindowMs: number,
  audit?: Audit,
): Promise<Rotation> {
  const now = Date.now();
  if (token.expirationTime <= now) return { status: "invalid" };
  const session = await liveSessionOf(ctx, await ctx.db.get(token.sessionId), now);
  if (session === null) return { status: "invalid" };
  const exchanges = token.exchanges ?? (token.firstUsedTime !== undefined ? 1 : 0);
  const reused =
    token.invalidatedTime !== undefined ||
    (token.firstUsedTime !== undefined && now - token.firstUsedTime > reuseWindowMs) ||
    exchanges >= MAX_EXCHANGES_PER_TOKEN;
  const stolen = reused && !(await lostResponse(ctx, token, exchanges, now));
  if (stolen) {
    await endSession(ctx, session._id, session.userId, "refresh_reuse", audit);
    return { status: "reused" };
  }
  if (token.firstUsedTime === undefined && token.parentId !== undefined) {
    const parentId = token.parentId;
    const siblings = await ctx.db
      .query("refreshTokens")
      .withIndex("by_parent", (q) => q.eq("parentId", parentId))
      .take(MAX_EXCHANGES_PER_TOKEN + 1);
    for (const sibling of siblings) {
      if (sibling._id === token._id) continue;
      if (sibling.firstUsedTime !== undefined) {
        // Another chain grew from the same parent and is in use: one of them is a thief's.
        await endSession(ctx, session._id, session.userId, "refresh_reuse", audit);
        return { status: "reused" };
      }
      await ctx.db.patch(sibling._id, { invalidatedTime: now });
    }
  }
  await ctx.db.patch(token._id, { firstUsedTime: token.firstUsedTime ?? now, exchanges: exchanges + 1 });
  await ctx.db.insert("refreshTokens", {
    sessionId: session._id,
    userId: session.userId,
    tokenHash: newTokenHash,
    parentId: token._id,
    expirationTime: refreshTokenExpiry(session.expirationTime, policy, now),
  });
  return {
    status: "ok",
    userId: session.userId,
    sessionId: session._id,
    expirationTime: session.expirationTime,
    ...(session.impersonatorUserId !== undefined ? { impersonatorUserId: session.impersonatorUserId } : {}),
  };
}

/**
 * Whether a reuse of `token` is a client that never got its successor (the
 * response was lost) rather than a thief: the token itself was not
 * invalidated, it was exchanged fewer than {@link MAX_EXCHANGES_PER_TOKEN}
 * times in all (re-rotations count), and none of its successors was ever
 * used. Then those successors
 * are invalidated here (whoever holds one can no longer use it), and the
 * caller re-rotates: one chain lives on, never two. A successor already
 * used means the token was used after its successor took over: a thief
 * (or the victim after the thief), and the session ends.
 */
async function lostResponse(ctx: MutationCtx, token: Doc<"refreshTokens">, exchanges: number, now: number): Promise<boolean> {
  if (token.invalidatedTime !== undefined || exchanges >= MAX_EXCHANGES_PER_TOKEN) return false;
  const successors = await ctx.db
    .query("refreshTokens")
    .withIndex("by_parent", (q) => q.eq("parentId", token._id))
    .take(MAX_EXCHANGES_PER_TOKEN + 1);
  if (successors.some((successor) => successor.firstUsedTime !== undefined)) return false;
  for (const successor of successors) {
    if (successor.invalidatedTime === undefined) await ctx.db.patch(successor._id, { invalidatedTime: now });
  }
  return true;
}

/**
 * A live session goes on with a fresh refresh token (a passkey added, a
 * step-up): the session's newest token counts as exchanged for it, so the
 * old chain dies after the reuse window like any rotated token.
 */
export async function continueSession(
  ctx: MutationCtx,
  session: Doc<"sessions">,
  newTokenHash: string,
  policy: SessionPolicy,
): Promise<void> {
  const now = Date.now();
  const current = await ctx.db
    .query("refreshTokens")
    .withIndex("by_session", (q) => q.eq("sessionId", session._id))
    .order("desc")
    .first();
  if (current !== null && current.firstUsedTime === undefined) {
    await ctx.db.patch(current._id, { firstUsedTime: now, exchanges: 1 });
  }
  await ctx.db.insert("refreshTokens", {
    sessionId: session._id,
    userId: session.userId,
    tokenHash: newTokenHash,
    ...(current !== null ? { parentId: current._id } : {}),
    expirationTime: refreshTokenExpiry(session.expirationTime, policy, now),
  });
}

/**
 * Ends a session: deletes it and records why (`audit`: who, from where,
 * kept how long; see model/events.ts). Its refresh tokens stay until
 * they expire (deleting them would cost a read per token); without the
 * session they are refused.
 */
export async function endSession(
  ctx: MutationCtx,
  sessionId: Id<"sessions">,
  userId: Id<"users">,
  reason: RevocationReason,
  audit?: Audit,
): Promise<void> {
  await ctx.db.delete(sessionId);
  await recordEvent(ctx, { type: "session_revoked", userId, sessionId, reason }, audit);
}

/** Sessions ended per transaction before the rest continue in the background. */
export const END_SESSIONS_BATCH = 1000;

/**
 * Ends the user's sessions but `exceptSessionId`: up to a batch now, the rest
 * in scheduled transactions (`sessions.revokeContinue`), so any number of
 * sessions stays inside transaction limits. `audit` (the actor, the
 * request, the retention) goes on every `session_revoked`, the later
 * batches' too.
 */
export async function endSessionsOfUser(
  ctx: MutationCtx,
  userId: Id<"users">,
  reason: RevocationReason,
  exceptSessionId?: Id<"sessions">,
  audit?: Audit,
): Promise<{ revoked: number; continuing: boolean }> {
  const batch = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
    .take(END_SESSIONS_BATCH + 1);
  const toEnd = batch.filter((s) => s._id !== exceptSessionId).slice(0, END_SESSIONS_BATCH);
  for (const session of toEnd) await endSession(ctx, session._id, userId, reason, audit);
  const continuing = batch.length > END_SESSIONS_BATCH;
  if (continuing) {
    await ctx.scheduler.runAfter(0, internal.sessions.revokeContinue, {
      userId,
      reason,
      ...(exceptSessionId ? { exceptSessionId } : {}),
      ...(audit ? { audit } : {}),
    });
  }
  return { revoked: toEnd.length, continuing };
}
