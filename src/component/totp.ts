/**
 * TOTP second factors. The component stores each secret only as AES-GCM
 * ciphertext (the server holds the key and checks codes); it enforces the
 * invariants: a factor counts only once confirmed, a time step is accepted at
 * most once per factor and never one at or before the last accepted, a factor
 * belongs to one user.
 */
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel.js";
import { mutation, type QueryCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { SETUP_VERIFIER } from "../shared/verifierKinds.js";
import { factorsOf, isActive, liveSessionOf, MAX_TOTP_FACTORS, recordTotpEvent } from "./model/totp.js";
import { verifierByHash } from "./model/verifiers.js";
import { leaseToken, peekLimit } from "./model/rateLimit.js";
import { pendingSecondFactor, syncSecondFactorFlag } from "./model/secondFactors.js";
import { limitConfig, limitState } from "./model/validators.js";
import { auditOf, auditPolicy } from "./model/events.js";

/**
 * Starts enrolling a factor: stores it pending (its encrypted secret) with
 * its set-up, found by the hash of the verifier the client holds
 * (`setupHash`), bound to the session that started it. The factor counts for
 * nothing until `recordUse` confirms it with a correct code. The user's
 * earlier pending factors (abandoned set-ups) are deleted. `NOT_FOUND` for
 * an unknown user (or a string that is no user id); `INVALID_ARGUMENT` when
 * the user already has the most factors allowed.
 */
export const create = mutation({
  args: {
    userId: v.string(),
    sessionId: v.id("sessions"),
    secretCiphertext: v.bytes(),
    secretIv: v.bytes(),
    name: v.optional(v.string()),
    setupHash: v.string(),
    expirationTime: v.number(),
  },
  returns: v.id("totpFactors"),
  handler: async (ctx, { userId: rawUserId, sessionId, setupHash, expirationTime, ...factorFields }) => {
    const userId = ctx.db.normalizeId("users", rawUserId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    let active = 0;
    for (const factor of await factorsOf(ctx, userId)) {
      if (isActive(factor)) active++;
      else await ctx.db.delete(factor._id);
    }
    if (active >= MAX_TOTP_FACTORS) {
      throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_TOTP_FACTORS} authenticators`);
    }
    const totpId = await ctx.db.insert("totpFactors", { ...factorFields, userId });
    await ctx.db.insert("verifiers", {
      kind: SETUP_VERIFIER,
      verifierHash: setupHash,
      userId,
      sessionId,
      data: { totpId },
      expirationTime,
    });
    return totpId;
  },
});

/** The pending factor of the live set-up `setupHash`, if it was started by this user in this session. */
async function pendingSetup(ctx: QueryCtx, setupHash: string, userId: Id<"users">, sessionId: string | undefined) {
  const setup = await verifierByHash(ctx, setupHash);
  const totpId = (setup?.data as { totpId?: Id<"totpFactors"> } | undefined)?.totpId;
  if (
    setup === null ||
    setup.kind !== SETUP_VERIFIER ||
    setup.expirationTime <= Date.now() ||
    setup.userId !== userId ||
    setup.sessionId !== sessionId ||
    totpId === undefined
  ) {
    return null;
  }
  const factor = await ctx.db.get(totpId);
  return factor !== null && factor.userId === userId && !isActive(factor) ? { setup, factor } : null;
}

/**
 * The first step of checking a code, before it is checked: leases a token
 * of the user's failed-attempt bucket `limit` (in this transaction, so
 * concurrent guesses cannot outnumber it) and, only if one was left, returns
 * the candidate factors' encrypted secrets with their last accepted step.
 * A wrong code is then recorded with `limits.settle`; a right one with
 * `recordUse`.
 * Without `setupHash`: the user's active factors (sign-in, step-up).
 * With it: the pending factor of that set-up, if the user started it in
 * `sessionId` and it has not expired (confirmation).
 * With `stepHash` (a second-factor sign-in), that step must still be
 * pending and the user's, else nothing is leased (`stepExpired`).
 */
export const beginCheck = mutation({
  args: {
    userId: v.id("users"),
    limit: limitConfig,
    setupHash: v.optional(v.string()),
    sessionId: v.optional(v.string()),
    /** The pending second-factor step the code finishes: it must be live and the user's. */
    stepHash: v.optional(v.string()),
  },
  returns: v.object({
    /** The step named by `stepHash` was used or expired: nothing leased, nothing returned. */
    stepExpired: v.optional(v.boolean()),
    limit: limitState,
    factors: v.array(
      v.object({
        totpId: v.id("totpFactors"),
        secretCiphertext: v.bytes(),
        secretIv: v.bytes(),
        lastUsedStep: v.optional(v.number()),
      }),
    ),
  }),
  handler: async (ctx, { userId, limit, setupHash, sessionId, stepHash }) => {
    if (stepHash !== undefined && (await pendingSecondFactor(ctx, stepHash, userId)) === null) {
      return { stepExpired: true, limit: await peekLimit(ctx, limit), factors: [] };
    }
    const lease = await leaseToken(ctx, limit);
    if (!lease.ok) return { limit: lease, factors: [] };
    let candidates;
    if (setupHash === undefined) {
      candidates = (await factorsOf(ctx, userId)).filter(isActive);
    } else {
      const pending = await pendingSetup(ctx, setupHash, userId, sessionId);
      candidates = pending === null ? [] : [pending.factor];
    }
    return {
      limit: lease,
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
 * - `setupHash`: the factor must be the pending factor of that set-up
 *   (started by the user in `sessionId`); the set-up is used up and the
 *   factor becomes active (a `totp_added` event). Without it the factor must
 *   be active.
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
    setupHash: v.optional(v.string()),
    sessionId: v.optional(v.string()),
    /** How long the `totp_added` event is kept (`Auth({ audit })`). */
    audit: v.optional(auditPolicy),
  },
  returns: v.object({
    status: v.union(v.literal("ok"), v.literal("replayed"), v.literal("not_found"), v.literal("no_session")),
  }),
  handler: async (ctx, args) => {
    const { step } = args;
    const activate = args.setupHash !== undefined;
    const totpId = ctx.db.normalizeId("totpFactors", args.totpId);
    const userId = ctx.db.normalizeId("users", args.userId);
    const factor = totpId === null ? null : await ctx.db.get(totpId);
    if (totpId === null || userId === null || factor === null || factor.userId !== userId || isActive(factor) === activate) {
      return { status: "not_found" as const };
    }
    if (args.setupHash !== undefined) {
      const pending = await pendingSetup(ctx, args.setupHash, userId, args.sessionId);
      if (pending === null || pending.factor._id !== totpId) return { status: "not_found" as const };
      await ctx.db.delete(pending.setup._id);
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
    if (activate) {
      await syncSecondFactorFlag(ctx, userId, true);
      await recordTotpEvent(ctx, { type: "totp_added", userId, data: { totpId } }, await auditOf(ctx, args));
    }
    return { status: "ok" as const };
  },
});
