import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { giveBack, leaseToken, peekLimit, resetLimit, settleFailure, takeToken } from "./model/rateLimit.js";
import { limitConfig, limitState } from "./model/validators.js";

/** The bucket's state now, without changing it. */
export const check = query({
  args: { limit: limitConfig },
  returns: limitState,
  handler: async (ctx, { limit }) => await peekLimit(ctx, limit),
});

/**
 * Records one failed attempt (takes a token). Returns the state before: `ok`
 * false means the bucket was already empty and nothing changed.
 */
export const consume = mutation({
  args: { limit: limitConfig },
  returns: limitState,
  handler: async (ctx, { limit }) => await takeToken(ctx, limit),
});

/**
 * Leases one token BEFORE a secret is checked outside a transaction, in its
 * own transaction, so concurrent attempts cannot outnumber the bucket: at
 * most `max` secrets are checked per period whatever the concurrency. A
 * right secret needs nothing more (the lease returns by itself after 5 s);
 * a wrong one is recorded with `fail`. `ok` false: refused, nothing leased.
 */
export const take = mutation({
  args: { limit: limitConfig },
  returns: limitState,
  handler: async (ctx, { limit }) => await leaseToken(ctx, limit),
});

/** The attempt whose token was leased with `take` failed: the token stays taken. */
export const fail = mutation({
  args: { limit: limitConfig },
  returns: v.null(),
  handler: async (ctx, { limit }) => {
    await settleFailure(ctx, limit);
    return null;
  },
});

/** Gives back a token taken with `consume` (a send that failed). */
export const refund = mutation({
  args: { limit: limitConfig },
  returns: v.null(),
  handler: async (ctx, { limit }) => {
    await giveBack(ctx, limit);
    return null;
  },
});

/** Empties the record for `key` (a full bucket again). */
export const reset = mutation({
  args: { key: v.string() },
  returns: v.null(),
  handler: async (ctx, { key }) => {
    await resetLimit(ctx, key);
    return null;
  },
});
