import { v, type Infer } from "convex/values";
import { recordEvent, type Audit, type EventType } from "./events.js";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";

/**
 * Factors a user may hold (active and pending together). Setting one up
 * deletes the user's earlier pending ones, so the range read by user stays
 * this small.
 */
export const MAX_TOTP_FACTORS = 10;

/** A factor as lists show it: never its secret. */
export const totpFactorDoc = v.object({
  _id: v.id("totpFactors"),
  _creationTime: v.number(),
  userId: v.id("users"),
  name: v.optional(v.string()),
  activatedTime: v.optional(v.number()),
  lastUsedStep: v.optional(v.number()),
});

/** The factor without its secret. */
export function publicTotpFactor(f: Doc<"totpFactors">): Infer<typeof totpFactorDoc> {
  return {
    _id: f._id,
    _creationTime: f._creationTime,
    userId: f.userId,
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.activatedTime !== undefined ? { activatedTime: f.activatedTime } : {}),
    ...(f.lastUsedStep !== undefined ? { lastUsedStep: f.lastUsedStep } : {}),
  };
}

/** Recovery codes one set may hold; `replace` refuses more. */
export const MAX_RECOVERY_CODES = 20;

/** Audit-log events of TOTP and recovery codes (never carrying a secret). */
export type TotpEventType = Extract<EventType, "totp_added" | "totp_removed" | `recovery_code${string}`>;

/** Appends a TOTP event to the audit log. */
export async function recordTotpEvent(
  ctx: MutationCtx,
  event: {
    type: TotpEventType;
    userId: Id<"users">;
    data?: Record<string, string | number | boolean | null>;
  },
  audit?: Audit,
): Promise<void> {
  await recordEvent(ctx, event, audit);
}

/** The user's factors, active and pending: one index range, at most a few rows. */
export async function factorsOf(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"totpFactors">[]> {
  return await ctx.db
    .query("totpFactors")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_TOTP_FACTORS + 1);
}

/** A factor confirmed with a correct code. */
export function isActive(factor: Doc<"totpFactors">): boolean {
  return factor.activatedTime !== undefined;
}

/** The live session `sessionId` of `userId`, or `null`. */
export async function liveSessionOf(
  ctx: QueryCtx,
  userId: Id<"users">,
  sessionId: Id<"sessions">,
): Promise<Doc<"sessions"> | null> {
  const session = await ctx.db.get(sessionId);
  return session !== null && session.userId === userId && session.expirationTime > Date.now() ? session : null;
}

/** Deletes every recovery code of the user (a set holds at most MAX_RECOVERY_CODES). */
export async function deleteRecoveryCodes(ctx: MutationCtx, userId: Id<"users">): Promise<number> {
  const codes = await ctx.db
    .query("recoveryCodes")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_RECOVERY_CODES * 2);
  for (const code of codes) await ctx.db.delete(code._id);
  return codes.length;
}

/** How many of the user's recovery codes are still unused. */
export async function countUnusedRecoveryCodes(ctx: QueryCtx, userId: Id<"users">): Promise<number> {
  const codes = await ctx.db
    .query("recoveryCodes")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_RECOVERY_CODES * 2);
  return codes.filter((c) => c.usedTime === undefined).length;
}
