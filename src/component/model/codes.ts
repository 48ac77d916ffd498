/**
 * One-time codes sent to an address: one table, one way to store, one way to
 * check. A code is bound to (provider, address, purpose); only the newest
 * one sent works, once, until it expires.
 */
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import type { CodePurpose } from "../../shared/codePurposes.js";
import { hashesEqual } from "./hashes.js";
import { peekLimit, takeToken, type BucketConfig } from "./rateLimit.js";

/** Where a code was sent and what for. */
export type CodeTarget = { provider: string; address: string; purpose: CodePurpose };

/** The outcome of checking a code. */
export type CodeCheck =
  | { status: "ok" }
  | { status: "invalid" }
  | { status: "rate_limited"; retryAfterMs: number };

async function codesFor(ctx: MutationCtx, { provider, address, purpose }: CodeTarget) {
  return await ctx.db
    .query("verificationCodes")
    .withIndex("by_address", (q) => q.eq("provider", provider).eq("address", address).eq("purpose", purpose))
    .take(10);
}

/** Stores a code (its hash), deleting any earlier one for the same target. */
export async function storeCode(
  ctx: MutationCtx,
  target: CodeTarget,
  code: { codeHash: string; expirationTime: number; accountId?: Id<"accounts">; userId?: Id<"users"> },
): Promise<void> {
  for (const earlier of await codesFor(ctx, target)) await ctx.db.delete(earlier._id);
  await ctx.db.insert("verificationCodes", { ...target, ...code });
}

/**
 * Checks the target's live code against `codeHash` and, when it matches, has
 * not expired and (for a code about an account) was sent for `accountId`,
 * deletes it (single use). A miss takes a token from the
 * failed-attempt bucket `limit`; with none left nothing is checked. Never
 * throws for a wrong code, so the bucket's change commits.
 */
export async function takeCode(
  ctx: MutationCtx,
  target: CodeTarget,
  { codeHash, limit, accountId }: { codeHash: string; limit: BucketConfig; accountId?: Id<"accounts"> },
): Promise<CodeCheck> {
  const state = await peekLimit(ctx, limit);
  if (!state.ok) return { status: "rate_limited", retryAfterMs: state.retryAfterMs };
  const [code] = await codesFor(ctx, target);
  const matches =
    code !== undefined &&
    hashesEqual(code.codeHash, codeHash) &&
    code.expirationTime > Date.now() &&
    // A code about an account works only for the account it was sent for.
    code.accountId === accountId;
  if (!matches) {
    await takeToken(ctx, limit);
    return { status: "invalid" };
  }
  await ctx.db.delete(code._id);
  return { status: "ok" };
}

/** Counts a miss without looking at any code (a code for an account that does not exist). */
export async function missCode(ctx: MutationCtx, limit: BucketConfig): Promise<CodeCheck> {
  const state = await peekLimit(ctx, limit);
  if (!state.ok) return { status: "rate_limited", retryAfterMs: state.retryAfterMs };
  await takeToken(ctx, limit);
  return { status: "invalid" };
}
