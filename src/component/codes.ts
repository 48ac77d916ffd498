import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { consumeCode } from "./model/codes.js";
import { peekLimit, takeToken } from "./model/rateLimit.js";
import { limitConfig } from "./model/validators.js";

/** The outcome of checking a code, as it leaves the component. */
export const codeCheck = v.union(
  v.object({ status: v.literal("ok"), userId: v.id("users"), address: v.optional(v.string()) }),
  v.object({ status: v.literal("invalid") }),
  v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
);

/**
 * Stores a one-time code (its hash) for an account and purpose, replacing any
 * earlier one: only the newest code sent works. `NOT_FOUND` for an unknown
 * account (or a string that is no account id).
 */
export const create = mutation({
  args: {
    accountId: v.string(),
    provider: v.string(),
    purpose: v.string(),
    codeHash: v.string(),
    address: v.optional(v.string()),
    expirationTime: v.number(),
  },
  returns: v.id("verificationCodes"),
  handler: async (ctx, args) => {
    const accountId = ctx.db.normalizeId("accounts", args.accountId);
    const account = accountId === null ? null : await ctx.db.get(accountId);
    if (accountId === null || account === null) throw authError("NOT_FOUND", "No such account");
    const earlier = await ctx.db
      .query("verificationCodes")
      .withIndex("by_account_purpose", (q) => q.eq("accountId", accountId).eq("purpose", args.purpose))
      .collect();
    for (const code of earlier) await ctx.db.delete(code._id);
    return await ctx.db.insert("verificationCodes", { ...args, accountId, userId: account.userId });
  },
});

/**
 * Checks a code and, if right, uses it up. A wrong code counts against the
 * identifier's failed-attempt bucket (`limit`); so does a string that is no
 * account id.
 */
export const consume = mutation({
  args: {
    accountId: v.string(),
    purpose: v.string(),
    codeHash: v.string(),
    address: v.optional(v.string()),
    limit: limitConfig,
  },
  returns: codeCheck,
  handler: async (ctx, args) => {
    const accountId = ctx.db.normalizeId("accounts", args.accountId);
    if (accountId !== null) return await consumeCode(ctx, { ...args, accountId });
    const state = await peekLimit(ctx, args.limit);
    if (!state.ok) return { status: "rate_limited" as const, retryAfterMs: state.retryAfterMs };
    await takeToken(ctx, args.limit);
    return { status: "invalid" as const };
  },
});
