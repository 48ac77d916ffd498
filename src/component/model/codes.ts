import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { hashesEqual } from "./hashes.js";
import { takeToken, peekLimit, type BucketConfig } from "./rateLimit.js";

/** The outcome of checking a one-time code. */
export type CodeCheck =
  | { status: "ok"; userId: Id<"users">; address?: string }
  | { status: "invalid" }
  | { status: "rate_limited"; retryAfterMs: number };

/**
 * Checks the account's live code for `purpose` against `codeHash` and, when
 * it matches and has not expired, deletes it (single use). A miss takes a
 * token from the identifier's failed-attempt bucket; with none left, nothing
 * is checked. Never throws for a wrong code, so the bucket's change commits.
 */
export async function consumeCode(
  ctx: MutationCtx,
  args: { accountId: Id<"accounts">; purpose: string; codeHash: string; address?: string; limit: BucketConfig },
): Promise<CodeCheck> {
  const limit = await peekLimit(ctx, args.limit);
  if (!limit.ok) return { status: "rate_limited", retryAfterMs: limit.retryAfterMs };
  const code = await ctx.db
    .query("verificationCodes")
    .withIndex("by_account_purpose", (q) => q.eq("accountId", args.accountId).eq("purpose", args.purpose))
    .first();
  const matches =
    code !== null &&
    hashesEqual(code.codeHash, args.codeHash) &&
    code.expirationTime > Date.now() &&
    (args.address === undefined || code.address === args.address) &&
    code.userId !== undefined;
  if (!matches) {
    await takeToken(ctx, args.limit);
    return { status: "invalid" };
  }
  await ctx.db.delete(code._id);
  return { status: "ok", userId: code.userId!, ...(code.address ? { address: code.address } : {}) };
}
