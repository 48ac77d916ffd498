/** A user's accounts as they leave the component: never the password hash. */
import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";

/** Accounts of one user read for a list (users have a handful). */
export const MAX_ACCOUNTS_LISTED = 20;

/** An account without its secret. */
export const accountSummary = v.object({
  _id: v.id("accounts"),
  /** When it was made: the sign-up, or when it was linked. */
  _creationTime: v.number(),
  provider: v.string(),
  providerAccountId: v.string(),
  emailVerified: v.optional(v.boolean()),
  /** The address the provider gave with the identity, when it gave one (see `accountFields.email`). */
  email: v.optional(v.string()),
  /** Whether it holds a password hash (the hash itself never leaves). */
  hasSecret: v.boolean(),
});
export type AccountSummary = Infer<typeof accountSummary>;

/** `account` without its secret. */
export function publicAccount(account: Doc<"accounts">): AccountSummary {
  const { _id, _creationTime, provider, providerAccountId, emailVerified, email, secret } = account;
  return {
    _id,
    _creationTime,
    provider,
    providerAccountId,
    ...(emailVerified !== undefined ? { emailVerified } : {}),
    ...(email !== undefined ? { email } : {}),
    hasSecret: secret !== undefined,
  };
}

/** Up to `limit` of the user's accounts, by provider. */
export async function accountsOf(ctx: QueryCtx, userId: Id<"users">, limit: number = MAX_ACCOUNTS_LISTED) {
  return await ctx.db
    .query("accounts")
    .withIndex("by_user_provider", (q) => q.eq("userId", userId))
    .take(limit);
}

/**
 * The account, when it exists and (with `userId`) belongs to that user;
 * `NOT_FOUND` otherwise, also for a string that is no account id.
 */
export async function ownedAccount(ctx: QueryCtx, rawAccountId: string, userId: string | undefined): Promise<Doc<"accounts">> {
  const accountId = ctx.db.normalizeId("accounts", rawAccountId);
  const account = accountId === null ? null : await ctx.db.get(accountId);
  if (account === null || (userId !== undefined && account.userId !== userId)) {
    throw authError("NOT_FOUND", "No such account");
  }
  return account;
}
