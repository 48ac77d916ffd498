/**
 * Removing a passkey, a TOTP factor or a linked account, for
 * `credentials.remove` (the user's own security page, or an app's tools)
 * and `users.removeFactor` (an admin): the same invariants either way.
 * Throws roll the whole transaction back.
 */
import type { Doc, Id } from "../_generated/dataModel.js";
import type { Audit } from "./events.js";
import type { MutationCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { recordEvent } from "./events.js";
import { recordPasskeyEvent } from "./passkeys.js";
import { canSignInWithout } from "./waysIn.js";
import { hasSecondFactor, keepLastSecondFactor, syncSecondFactorFlag } from "./secondFactors.js";
import { deleteRecoveryCodes, isActive, recordTotpEvent } from "./totp.js";

export type RemovalOptions = {
  /** Providers whose accounts do not count as a way to sign in (anonymous ones). */
  ignoreProviders?: string[];
  /** The app requires two factors: the user's last second factor stays (`LAST_FACTOR`). */
  keepSecondFactor?: boolean;
  /** How the removal is audited: who removes it when it is not the user (an admin), from where, kept how long. */
  audit?: Audit;
};

/**
 * After a second factor went: the last one takes the recovery codes with it
 * (they only stand in for one), and the user's flag follows.
 */
async function afterSecondFactorRemoved(ctx: MutationCtx, userId: Id<"users">, keepSecondFactor: boolean | undefined) {
  // Thrown, so the deletion before rolls back.
  if (keepSecondFactor) await keepLastSecondFactor(ctx, userId);
  const left = await hasSecondFactor(ctx, userId);
  if (!left) await deleteRecoveryCodes(ctx, userId);
  await syncSecondFactorFlag(ctx, userId, left);
}

/**
 * Deletes `passkey`. `LAST_FACTOR` when it is the user's last way to sign
 * in (no other passkey, no account of a provider outside `ignoreProviders`),
 * or, with `keepSecondFactor`, their last second factor.
 */
export async function removePasskey(ctx: MutationCtx, passkey: Doc<"passkeys">, options: RemovalOptions = {}): Promise<void> {
  if (!(await canSignInWithout(ctx, passkey.userId, passkey._id, options.ignoreProviders))) {
    throw authError("LAST_FACTOR", "This is the only way to sign in to this account; add another first");
  }
  await ctx.db.delete(passkey._id);
  if (passkey.secondFactor === true) await afterSecondFactorRemoved(ctx, passkey.userId, options.keepSecondFactor);
  await recordPasskeyEvent(ctx, "passkey_removed", passkey.userId, { passkeyId: passkey._id, name: passkey.name }, options.audit);
}

/**
 * Deletes `factor` (active or still pending). With `keepSecondFactor`, an
 * active one that is the user's last second factor stays (`LAST_FACTOR`).
 * Removing a pending factor records nothing (it never counted).
 */
export async function removeTotpFactor(ctx: MutationCtx, factor: Doc<"totpFactors">, options: RemovalOptions = {}): Promise<void> {
  await ctx.db.delete(factor._id);
  if (!isActive(factor)) return;
  await afterSecondFactorRemoved(ctx, factor.userId, options.keepSecondFactor);
  await recordTotpEvent(ctx, { type: "totp_removed", userId: factor.userId, data: { totpId: factor._id } }, options.audit);
}

/**
 * Unlinks `account` (a password, an OAuth identity, an email or phone
 * login) from its user: it can no longer sign in. `LAST_FACTOR` when it is
 * the user's last way to sign in (no other account of a provider outside
 * `ignoreProviders`, no passkey). Recorded as `account_unlinked`.
 */
export async function removeAccount(ctx: MutationCtx, account: Doc<"accounts">, options: RemovalOptions = {}): Promise<void> {
  if (!(await canSignInWithout(ctx, account.userId, account._id, options.ignoreProviders))) {
    throw authError("LAST_FACTOR", "This is the only way to sign in to this account; add another first");
  }
  await ctx.db.delete(account._id);
  await recordEvent(
    ctx,
    { type: "account_unlinked", userId: account.userId, data: { provider: account.provider, accountId: account._id } },
    options.audit,
  );
}
