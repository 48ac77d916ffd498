import type { Id } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";

/**
 * Whether the user must pass a second factor after the first: they have an
 * active (confirmed) TOTP factor. One index range; reads nothing for users
 * without factors.
 */
export async function hasSecondFactor(ctx: QueryCtx, userId: Id<"users">): Promise<boolean> {
  const active = await ctx.db
    .query("totpFactors")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .filter((q) => q.neq(q.field("activatedTime"), undefined))
    .first();
  return active !== null;
}
