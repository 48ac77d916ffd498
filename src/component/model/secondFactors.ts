import type { Id } from "../_generated/dataModel.js";
import { verifierByHash } from "./verifiers.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";

import type { SecondFactorMethod } from "../../shared/protocol.js";
import { SECOND_FACTOR_VERIFIER } from "../../shared/verifierKinds.js";

/** The kind of verifier a pending second-factor step is stored under (defined in shared). */
export { SECOND_FACTOR_VERIFIER };

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

/**
 * Keeps the user's `hasSecondFactor` flag (what the admin list filters on,
 * through an index) in step with their factors. Call it after any change of
 * a TOTP factor's activation or a passkey's two-factor flag, with `has` when
 * the caller knows the answer (a factor was just added), else it is read.
 * One read of the user; a write only when the flag changes.
 */
export async function syncSecondFactorFlag(ctx: MutationCtx, userId: Id<"users">, has?: boolean): Promise<void> {
  const now = has ?? (await hasSecondFactor(ctx, userId));
  const user = await ctx.db.get(userId);
  if (user === null || (user.hasSecondFactor === true) === now) return;
  await ctx.db.patch(userId, { hasSecondFactor: now ? true : undefined });
}

/**
 * The ways the user can finish a second-factor step, in a fixed order
 * (empty: they have no second factor): `totp` with an active factor,
 * `passkey` with a two-factor passkey, and `recoveryCode` when either is
 * there and an unused recovery code is left. At most three index reads.
 */
export async function secondFactorMethods(ctx: QueryCtx, userId: Id<"users">): Promise<SecondFactorMethod[]> {
  const totp = await ctx.db
    .query("totpFactors")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .filter((q) => q.neq(q.field("activatedTime"), undefined))
    .first();
  const passkey = await ctx.db
    .query("passkeys")
    .withIndex("by_user_second_factor", (q) => q.eq("userId", userId).eq("secondFactor", true))
    .first();
  const methods: SecondFactorMethod[] = [];
  if (totp !== null) methods.push("totp");
  if (passkey !== null) methods.push("passkey");
  if (methods.length === 0) return methods;
  const recovery = await ctx.db
    .query("recoveryCodes")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .filter((q) => q.eq(q.field("usedTime"), undefined))
    .first();
  if (recovery !== null) methods.push("recoveryCode");
  return methods;
}

/**
 * The pending second-factor step with this hash, when it is live and for
 * `userId` (any user when omitted); `null` otherwise. Reads, never deletes.
 */
export async function pendingSecondFactor(ctx: QueryCtx, verifierHash: string, userId?: Id<"users">) {
  const pending = await verifierByHash(ctx, verifierHash);
  if (
    pending === null ||
    pending.kind !== SECOND_FACTOR_VERIFIER ||
    pending.userId === undefined ||
    pending.expirationTime <= Date.now() ||
    (userId !== undefined && pending.userId !== userId)
  ) {
    return null;
  }
  const data = pending.data as { provider?: unknown } | undefined;
  return {
    verifierId: pending._id,
    userId: pending.userId,
    firstFactor: typeof data?.provider === "string" ? data.provider : "unknown",
  };
}

/** Takes (deletes) the pending step if it is live and `userId`'s; its first factor's provider, or `null`. */
export async function takePendingSecondFactor(
  ctx: MutationCtx,
  verifierHash: string,
  userId: Id<"users">,
): Promise<string | null> {
  const pending = await pendingSecondFactor(ctx, verifierHash, userId);
  if (pending === null) return null;
  await ctx.db.delete(pending.verifierId);
  return pending.firstFactor;
}

/**
 * Where the app requires two-factor authentication: call after removing (or
 * disabling) a second factor; throws `LAST_FACTOR`, rolling the change
 * back, when the user had a second factor and now has none. The same rule
 * for TOTP factors and two-factor passkeys.
 */
export async function keepLastSecondFactor(ctx: QueryCtx, userId: Id<"users">): Promise<void> {
  if (!(await hasSecondFactor(ctx, userId))) {
    throw authError("LAST_FACTOR", "Two-factor authentication is required: add another second factor first");
  }
}
