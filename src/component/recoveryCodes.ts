/**
 * Recovery codes: a set of single-use codes that stand in for a second
 * factor. The component sees only their hashes (the server draws the codes
 * and shows them once).
 */
import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { peekLimit, takeToken } from "./model/rateLimit.js";
import { pendingSecondFactor } from "./model/secondFactors.js";
import { deleteRecoveryCodes, liveSessionOf, MAX_RECOVERY_CODES, recordTotpEvent } from "./model/totp.js";
import { limitConfig } from "./model/validators.js";
import { auditOf, auditPolicy } from "./model/events.js";
import { recordRefusal } from "./model/refusals.js";

/**
 * Replaces the user's recovery codes with a new set (their hashes): every
 * earlier code, used or not, stops working. `NOT_FOUND` for an unknown user
 * (or a string that is no user id).
 */
export const replace = mutation({
  args: { userId: v.string(), codeHashes: v.array(v.string()), audit: v.optional(auditPolicy) },
  returns: v.null(),
  handler: async (ctx, { userId: rawUserId, codeHashes, audit: policy }) => {
    if (codeHashes.length === 0 || codeHashes.length > MAX_RECOVERY_CODES) {
      throw authError("INVALID_ARGUMENT", `A set has 1 to ${MAX_RECOVERY_CODES} recovery codes`);
    }
    if (new Set(codeHashes).size !== codeHashes.length) {
      throw authError("INVALID_ARGUMENT", "Recovery codes must differ");
    }
    const userId = ctx.db.normalizeId("users", rawUserId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    await deleteRecoveryCodes(ctx, userId);
    for (const codeHash of codeHashes) await ctx.db.insert("recoveryCodes", { userId, codeHash });
    await recordTotpEvent(ctx, { type: "recovery_codes_generated", userId, data: { count: codeHashes.length } }, await auditOf(ctx, { audit: policy }));
    return null;
  },
});

/** The most earlier forms of a code's hash `consume` looks up besides `codeHash`. */
const MAX_EARLIER_HASHES = 3;

/**
 * Uses up one of the user's unused recovery codes (by hash: `codeHash`, the
 * form codes are stored in now, else one of `earlierHashes`, forms codes
 * stored before may be in). A miss takes a token from the failed-attempt
 * bucket (`limit`) and records a `code_refused` event (`wrong`, or
 * `replayed` for a code already used); with no token left nothing is
 * checked (`rate_limited`). Never throws for a wrong code, so the bucket's
 * change and the event commit; a string that is no user id is such a miss
 * (without an event: it names no user).
 */
export const consume = mutation({
  args: {
    userId: v.string(),
    codeHash: v.string(),
    /** Earlier forms of the same code's hash (at most 3), for codes stored before recovery codes were keyed. */
    earlierHashes: v.optional(v.array(v.string())),
    limit: limitConfig,
    /** The code was entered in this session (step-up): it must be a live session of the user, and is marked verified. */
    sessionId: v.optional(v.string()),
    /** The pending second-factor step the code finishes: it must be live and the user's (`step_expired` otherwise). */
    stepHash: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.union(
    v.object({ status: v.literal("ok") }),
    v.object({ status: v.literal("invalid") }),
    v.object({ status: v.literal("no_session") }),
    v.object({ status: v.literal("step_expired") }),
    v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
  ),
  handler: async (ctx, args) => {
    const { userId: rawUserId, codeHash, earlierHashes = [], limit, sessionId: rawSessionId, stepHash } = args;
    if (earlierHashes.length > MAX_EARLIER_HASHES) {
      throw authError("INVALID_ARGUMENT", `At most ${MAX_EARLIER_HASHES} earlier hashes`);
    }
    const state = await peekLimit(ctx, limit);
    if (!state.ok) return { status: "rate_limited" as const, retryAfterMs: state.retryAfterMs };
    const userId = ctx.db.normalizeId("users", rawUserId);
    if (stepHash !== undefined && (userId === null || (await pendingSecondFactor(ctx, stepHash, userId)) === null)) {
      return { status: "step_expired" as const };
    }
    // Found by an index equality on the hash (the current form first): no comparison of secrets here.
    let code = null;
    for (const hash of userId === null ? [] : [codeHash, ...earlierHashes]) {
      code = await ctx.db
        .query("recoveryCodes")
        .withIndex("by_user_hash", (q) => q.eq("userId", userId!).eq("codeHash", hash))
        .first();
      if (code !== null) break;
    }
    if (userId === null || code === null || code.usedTime !== undefined) {
      await takeToken(ctx, limit);
      if (userId !== null) {
        const reason = code === null ? "wrong" : "replayed";
        await recordRefusal(ctx, { method: "recovery_code", reason, userId }, await auditOf(ctx, args));
      }
      return { status: "invalid" as const };
    }
    if (rawSessionId !== undefined) {
      // Checked before the code is used up: a code entered in an ended session stays unused.
      const sessionId = ctx.db.normalizeId("sessions", rawSessionId);
      if (sessionId === null || (await liveSessionOf(ctx, userId, sessionId)) === null) {
        return { status: "no_session" as const };
      }
      await ctx.db.patch(sessionId, { factorVerifiedTime: Date.now() });
    }
    await ctx.db.patch(code._id, { usedTime: Date.now() });
    await recordTotpEvent(ctx, { type: "recovery_code_used", userId }, await auditOf(ctx, args));
    return { status: "ok" as const };
  },
});
