import type { Id } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";

/**
 * Whether the user must pass a second factor after the first (a password):
 * they have an active (confirmed) TOTP factor, or a passkey registered for
 * two-factor (`secondFactor: true`). A passkey registered only to sign in
 * with does not turn two-factor on: a user who adds one for convenience is
 * not locked out of password sign-in when they lose the device.
 *
 * Two index ranges; reads nothing for users without factors, at most one
 * document of each kind otherwise.
 */
export async function hasSecondFactor(ctx: QueryCtx, userId: Id<"users">): Promise<boolean> {
  const active = await ctx.db
    .query("totpFactors")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .filter((q) => q.neq(q.field("activatedTime"), undefined))
    .first();
  if (active !== null) return true;
  const passkey = await ctx.db
    .query("passkeys")
    .withIndex("by_user_second_factor", (q) => q.eq("userId", userId).eq("secondFactor", true))
    .first();
  return passkey !== null;
}
