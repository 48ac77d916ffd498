/**
 * TOTP second factors. The component stores each secret only as AES-GCM
 * ciphertext (the server holds the key and checks codes); it enforces the
 * invariants: a factor counts only once confirmed, a time step is accepted at
 * most once per factor and never one at or before the last accepted, a factor
 * belongs to one user.
 */
import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { hasSecondFactor, keepLastSecondFactor } from "./model/secondFactors.js";
import {
  deleteRecoveryCodes,
  factorsOf,
  isActive,
  liveSessionOf,
  MAX_TOTP_FACTORS,
  recordTotpEvent,
} from "./model/totp.js";
import { limitConfig } from "./model/validators.js";

/** A factor as lists show it: never its secret. */
export const totpFactorDoc = v.object({
  _id: v.id("totpFactors"),
  _creationTime: v.number(),
  userId: v.id("users"),
  name: v.optional(v.string()),
  activatedTime: v.optional(v.number()),
  lastUsedStep: v.optional(v.number()),
});

/**
 * Stores a new, pending factor (its encrypted secret). It counts for nothing
 * until `recordUse` activates it with a correct code. The user's earlier
 * pending factors (abandoned set-ups) are deleted. `NOT_FOUND` for an unknown
 * user (or a string that is no user id); `INVALID_ARGUMENT` when the user
 * already has the most factors allowed.
 */
export const create = mutation({
  args: {
    userId: v.string(),
    secretCiphertext: v.bytes(),
    secretIv: v.bytes(),
    name: v.optional(v.string()),
  },
  returns: v.id("totpFactors"),
  handler: async (ctx, args) => {
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    let active = 0;
    for (const factor of await factorsOf(ctx, userId)) {
      if (isActive(factor)) active++;
      else await ctx.db.delete(factor._id);
    }
    if (active >= MAX_TOTP_FACTORS) {
      throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_TOTP_FACTORS} authenticators`);
    }
    return await ctx.db.insert("totpFactors", { ...args, userId });
  },
});

/**
 * What checking a code needs, in one read: the candidate factors' encrypted
 * secrets with their last accepted step. (The server takes the attempt token
 * with `limits.take` first.)
 * Without `pendingTotpId`: the user's active factors (sign-in, step-up).
 * With it: that factor, if it is the user's and still pending (confirmation).
 */
export const forVerification = query({
  args: { userId: v.id("users"), pendingTotpId: v.optional(v.id("totpFactors")) },
  returns: v.object({
    factors: v.array(
      v.object({
        totpId: v.id("totpFactors"),
        secretCiphertext: v.bytes(),
        secretIv: v.bytes(),
        lastUsedStep: v.optional(v.number()),
      }),
    ),
  }),
  handler: async (ctx, { userId, pendingTotpId }) => {
    let candidates;
    if (pendingTotpId === undefined) {
      candidates = (await factorsOf(ctx, userId)).filter(isActive);
    } else {
      const factor = await ctx.db.get(pendingTotpId);
      candidates = factor !== null && factor.userId === userId && !isActive(factor) ? [factor] : [];
    }
    return {
      factors: candidates.map((f) => ({
        totpId: f._id,
        secretCiphertext: f.secretCiphertext,
        secretIv: f.secretIv,
        ...(f.lastUsedStep !== undefined ? { lastUsedStep: f.lastUsedStep } : {}),
      })),
    };
  },
});

/**
 * Records a correct code for time step `step`, atomically refusing a step at
 * or before the last accepted one (`replayed`: another request used it).
 *
 * - `activate`: the factor must be pending; it becomes active (a `totp_added`
 *   event). Without it the factor must be active.
 * - `sessionId`: the code was entered in this session, which must be a live
 *   session of the user (`no_session` otherwise, and nothing changes); its
 *   `factorVerifiedTime` is set (step-up).
 *
 * Ids are taken as any string: one that is no factor or user id is
 * `not_found`, one that is no session id `no_session`.
 */
export const recordUse = mutation({
  args: {
    totpId: v.string(),
    userId: v.string(),
    step: v.number(),
    activate: v.optional(v.boolean()),
    sessionId: v.optional(v.string()),
  },
  returns: v.object({
    status: v.union(v.literal("ok"), v.literal("replayed"), v.literal("not_found"), v.literal("no_session")),
  }),
  handler: async (ctx, args) => {
    const { step, activate } = args;
    const totpId = ctx.db.normalizeId("totpFactors", args.totpId);
    const userId = ctx.db.normalizeId("users", args.userId);
    const factor = totpId === null ? null : await ctx.db.get(totpId);
    if (
      totpId === null ||
      userId === null ||
      factor === null ||
      factor.userId !== userId ||
      isActive(factor) === (activate ?? false)
    ) {
      return { status: "not_found" as const };
    }
    if (factor.lastUsedStep !== undefined && step <= factor.lastUsedStep) return { status: "replayed" as const };
    if (args.sessionId !== undefined) {
      const sessionId = ctx.db.normalizeId("sessions", args.sessionId);
      if (sessionId === null || (await liveSessionOf(ctx, userId, sessionId)) === null) {
        return { status: "no_session" as const };
      }
      await ctx.db.patch(sessionId, { factorVerifiedTime: Date.now() });
    }
    await ctx.db.patch(totpId, { lastUsedStep: step, ...(activate ? { activatedTime: Date.now() } : {}) });
    if (activate) await recordTotpEvent(ctx, { type: "totp_added", userId, data: { totpId } });
    return { status: "ok" as const };
  },
});

/** The user's active factors, oldest first (no secrets). None for a string that is no user id. */
export const list = query({
  args: { userId: v.string() },
  returns: v.array(totpFactorDoc),
  handler: async (ctx, args) => {
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null) return [];
    return (await factorsOf(ctx, userId)).filter(isActive).map((f) => ({
      _id: f._id,
      _creationTime: f._creationTime,
      userId: f.userId,
      ...(f.name !== undefined ? { name: f.name } : {}),
      ...(f.activatedTime !== undefined ? { activatedTime: f.activatedTime } : {}),
      ...(f.lastUsedStep !== undefined ? { lastUsedStep: f.lastUsedStep } : {}),
    }));
  },
});

/**
 * Deletes one of the user's factors (`NOT_FOUND` if it is not theirs, also
 * for a string that is no id).
 * With `keepOne` (the app requires two-factor authentication), refuses with
 * `LAST_FACTOR` when the user would have no second factor left. When none is
 * left, the user's recovery codes go too (they only stand in for a factor).
 */
export const remove = mutation({
  args: { userId: v.string(), totpId: v.string(), keepOne: v.boolean() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { keepOne } = args;
    const totpId = ctx.db.normalizeId("totpFactors", args.totpId);
    const userId = ctx.db.normalizeId("users", args.userId);
    const factor = totpId === null ? null : await ctx.db.get(totpId);
    if (totpId === null || userId === null || factor === null || factor.userId !== userId) {
      throw authError("NOT_FOUND", "No such authenticator");
    }
    await ctx.db.delete(totpId);
    if (!isActive(factor)) return null;
    // Thrown, so the deletion above rolls back.
    if (keepOne) await keepLastSecondFactor(ctx, userId);
    if (!(await hasSecondFactor(ctx, userId))) await deleteRecoveryCodes(ctx, userId);
    await recordTotpEvent(ctx, { type: "totp_removed", userId, data: { totpId } });
    return null;
  },
});

/**
 * What a step-up check needs: whether `sessionId` is a live session of the
 * user, when a second factor was last verified in it, and whether the user
 * has a second factor at all. Ids are taken as any string (one that is no
 * id: no live session, no second factor).
 */
export const stepUpState = query({
  args: { userId: v.string(), sessionId: v.string() },
  returns: v.object({
    sessionLive: v.boolean(),
    factorVerifiedTime: v.union(v.number(), v.null()),
    hasSecondFactor: v.boolean(),
  }),
  handler: async (ctx, args) => {
    const userId = ctx.db.normalizeId("users", args.userId);
    const sessionId = ctx.db.normalizeId("sessions", args.sessionId);
    const session = userId === null || sessionId === null ? null : await liveSessionOf(ctx, userId, sessionId);
    return {
      sessionLive: session !== null,
      factorVerifiedTime: session?.factorVerifiedTime ?? null,
      hasSecondFactor: userId === null ? false : await hasSecondFactor(ctx, userId),
    };
  },
});
