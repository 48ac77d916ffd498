/**
 * The one rule of `LAST_FACTOR` for ways to sign in: a user keeps at least
 * one. Removing a passkey or unlinking an account asks it alike.
 */
import type { Id } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";

/** Accounts looked at for another way to sign in (users have a handful). */
const ACCOUNTS_CHECKED = 20;

/** What is about to go: one of the user's passkeys or accounts. */
export type WayIn = Id<"passkeys"> | Id<"accounts">;

/**
 * Whether `userId` can still sign in without `without`: another passkey, or
 * another account (a password, an OAuth identity, an email or phone login)
 * of a provider not in `ignoreProviders` (anonymous ones: they cannot sign
 * in again). Two index ranges, read in the caller's transaction, so two
 * removals racing for the last two ways conflict and the one retried sees
 * what the other left.
 */
export async function canSignInWithout(
  ctx: QueryCtx,
  userId: Id<"users">,
  without: WayIn,
  ignoreProviders: readonly string[] = [],
): Promise<boolean> {
  const accounts = await ctx.db
    .query("accounts")
    .withIndex("by_user_provider", (q) => q.eq("userId", userId))
    .take(ignoreProviders.length === 0 ? 2 : ACCOUNTS_CHECKED);
  if (accounts.some((account) => account._id !== without && !ignoreProviders.includes(account.provider))) return true;
  const passkeys = await ctx.db
    .query("passkeys")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(2);
  return passkeys.some((passkey) => passkey._id !== without);
}
