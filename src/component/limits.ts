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
import { authError } from "../shared/errors.js";
import { auditOf, auditPolicy } from "./model/events.js";
import { releaseLease, settleLease } from "./model/rateLimit.js";
import { recordRefusal, refusedCheck } from "./model/refusals.js";
import { limitConfig } from "./model/validators.js";

/**
 * Settles a leased attempt: `counts` (a wrong secret, a delivered message)
 * and the token stays taken; or not (a send that failed) and the token
 * returns now rather than when the lease runs out. With `refused` (a TOTP
 * code the server checked and refused: wrong or replayed, never the code),
 * a `code_refused` event is recorded in this same transaction, which
 * commits whatever the caller throws next; it needs `counts`.
 */
export const settle = mutation({
  args: {
    limit: limitConfig,
    counts: v.boolean(),
    refused: v.optional(refusedCheck),
    /** How long the `code_refused` event is kept (`Auth({ audit })`). */
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { limit, counts, refused } = args;
    if (refused !== undefined && !counts) throw authError("INVALID_ARGUMENT", "A refused code counts as an attempt");
    if (counts) await settleLease(ctx, limit);
    else await releaseLease(ctx, limit);
    if (refused !== undefined) await recordRefusal(ctx, refused, await auditOf(ctx, args));
    return null;
  },
});
