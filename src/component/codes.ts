import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import { consumeCode } from "./model/codes.js";
import { limitConfig } from "./model/validators.js";

/** The outcome of checking a code, as it leaves the component. */
export const codeCheck = v.union(
  v.object({ status: v.literal("ok"), userId: v.id("users"), address: v.optional(v.string()) }),
  v.object({ status: v.literal("invalid") }),
  v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
);

/**
 * Stores a one-time code (its hash) for an account and purpose, replacing any
 * earlier one: only the newest code sent works.
 */
export const create = mutation({
  args: {
    accountId: v.id("accounts"),
    provider: v.string(),
    purpose: v.string(),
    codeHash: v.string(),
    address: v.optional(v.string()),
    expirationTime: v.number(),
  },
  returns: v.id("verificationCodes"),
  handler: async (ctx, args) => {
    const account = await ctx.db.get(args.accountId);
    if (account === null) throw authError("NOT_FOUND", "No such account");
    const earlier = await ctx.db
      .query("verificationCodes")
      .withIndex("by_account_purpose", (q) => q.eq("accountId", args.accountId).eq("purpose", args.purpose))
      .collect();
    for (const code of earlier) await ctx.db.delete(code._id);
    return await ctx.db.insert("verificationCodes", { ...args, userId: account.userId });
  },
});

/**
 * Checks a code and, if right, uses it up. A wrong code counts against the
 * identifier's failed-attempt bucket (`limit`).
 */
export const consume = mutation({
  args: {
    accountId: v.id("accounts"),
    purpose: v.string(),
    codeHash: v.string(),
    address: v.optional(v.string()),
    limit: limitConfig,
  },
  returns: codeCheck,
  handler: async (ctx, args) => await consumeCode(ctx, args),
});
