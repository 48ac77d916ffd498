/**
 * Attempt buckets (failed attempts and sends), as leases: the first step of
 * each check or send leases a token in its own transaction
 * (`accounts.beginSignIn`, `totp.beginCheck`, `codes.create`), before a
 * secret is checked or a message goes out; the lease returns by itself
 * after 5 s unless the attempt counts, which is recorded here. See
 * model/rateLimit.ts.
 */
import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { releaseLease, settleLease } from "./model/rateLimit.js";
import { limitConfig } from "./model/validators.js";

/**
 * Settles a leased attempt: `counts` (a wrong secret, a delivered message)
 * and the token stays taken; or not (a send that failed) and the token
 * returns now rather than when the lease runs out.
 */
export const settle = mutation({
  args: { limit: limitConfig, counts: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { limit, counts }) => {
    if (counts) await settleLease(ctx, limit);
    else await releaseLease(ctx, limit);
    return null;
  },
});
