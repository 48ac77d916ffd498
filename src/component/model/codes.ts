/**
 * One-time codes sent to an address: one table, one way to store, one way to
 * check. A code is bound to (provider, address, purpose); only the newest
 * one sent works, once, until it expires. A refused code is recorded
 * (`code_refused`: wrong, expired or replayed), never the code.
 */
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import type { CodePurpose } from "../../shared/codePurposes.js";
import type { Audit } from "./events.js";
import { hashesEqual } from "./hashes.js";
import { peekLimit, takeToken, type BucketConfig } from "./rateLimit.js";
import { recordRefusal, type RefusalReason } from "./refusals.js";

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

/** What a check of a code needs besides its target. */
export type CodeAttempt = {
  codeHash: string;
  limit: BucketConfig;
  /** For a code about an account: the account it must have been sent for. */
  accountId?: Id<"accounts">;
  /** That account's user, the subject of a refusal's event. */
  userId?: Id<"users">;
  /** How a refusal's event is written. */
  audit?: Audit;
};

/**
 * Checks the target's live code against `codeHash` and, when it matches, has
 * not expired, was not used and (for a code about an account) was sent for
 * `accountId`, marks it used (single use; kept until it expires, so a replay
 * is known as one). A miss takes a token from the failed-attempt bucket
 * `limit` and records a `code_refused` event (`wrong`, `expired` or
 * `replayed`); with no token left nothing is checked. Never throws for a
 * wrong code, so the bucket's change and the event commit.
 */
export async function takeCode(ctx: MutationCtx, target: CodeTarget, attempt: CodeAttempt): Promise<CodeCheck> {
  const { codeHash, limit, accountId } = attempt;
  const state = await peekLimit(ctx, limit);
  if (!state.ok) return { status: "rate_limited", retryAfterMs: state.retryAfterMs };
  const [code] = await codesFor(ctx, target);
  const now = Date.now();
  let refused: RefusalReason | null = null;
  // A code about an account works only for the account it was sent for.
  if (code === undefined || !hashesEqual(code.codeHash, codeHash) || code.accountId !== accountId) refused = "wrong";
  else if (code.usedTime !== undefined) refused = "replayed";
  else if (code.expirationTime <= now) refused = "expired";
  if (refused !== null) {
    await takeToken(ctx, limit);
    await recordCodeRefusal(ctx, target, attempt, refused);
    return { status: "invalid" };
  }
  await ctx.db.patch(code!._id, { usedTime: now });
  return { status: "ok" };
}

/** Counts a miss without looking at any code (a code for an account that does not exist), and records it. */
export async function missCode(ctx: MutationCtx, target: CodeTarget, attempt: CodeAttempt): Promise<CodeCheck> {
  const state = await peekLimit(ctx, attempt.limit);
  if (!state.ok) return { status: "rate_limited", retryAfterMs: state.retryAfterMs };
  await takeToken(ctx, attempt.limit);
  await recordCodeRefusal(ctx, target, attempt, "wrong");
  return { status: "invalid" };
}

async function recordCodeRefusal(ctx: MutationCtx, target: CodeTarget, attempt: CodeAttempt, reason: RefusalReason) {
  await recordRefusal(
    ctx,
    {
      method: "code",
      reason,
      provider: target.provider,
      purpose: target.purpose,
      address: target.address,
      ...(attempt.userId !== undefined ? { userId: attempt.userId } : {}),
    },
    attempt.audit,
  );
}
