import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { recordEvent } from "./model/events.js";
import { checkProfile } from "./model/profile.js";
import { hashesEqual } from "./model/hashes.js";
import { identitySignIn, resolveIdentity, verifiedIdentity } from "./model/linking.js";
import { peekLimit, takeToken } from "./model/rateLimit.js";
import { limitConfig } from "./model/validators.js";

/**
 * Sign-in without a password: one-time codes sent to an email address or a
 * phone number (Email / Phone providers), and anonymous users.
 *
 * A sign-in code is stored before any user or account exists (asking for a
 * code must not create users), so it is bound to the provider and the
 * address rather than to an account: `accountId` unset, `purpose`
 * `sign_in:<provider>:<address>` (one index range finds it), `address` set.
 */
function signInPurpose(provider: string, address: string): string {
  return `sign_in:${provider}:${address}`;
}

/**
 * Stores a sign-in code (its hash) for an address, replacing any earlier
 * one: only the newest code sent works.
 */
export const storeCode = mutation({
  args: { provider: v.string(), address: v.string(), codeHash: v.string(), expirationTime: v.number() },
  returns: v.null(),
  handler: async (ctx, { provider, address, codeHash, expirationTime }) => {
    const purpose = signInPurpose(provider, address);
    const earlier = await ctx.db
      .query("verificationCodes")
      .withIndex("by_account_purpose", (q) => q.eq("accountId", undefined).eq("purpose", purpose))
      .take(10);
    for (const code of earlier) await ctx.db.delete(code._id);
    await ctx.db.insert("verificationCodes", { provider, purpose, codeHash, address, expirationTime });
    return null;
  },
});

/**
 * Checks a sign-in code for an address and, if right and unexpired, uses it
 * up and signs the identity in (finds, links or creates its user; see
 * `resolveIdentity`). A wrong code takes a token from the failed-attempt
 * bucket `limit`; with none left nothing is checked. Outcomes are returned,
 * not thrown, so the bucket's change commits.
 */
export const verifyCode = mutation({
  args: {
    provider: v.string(),
    address: v.string(),
    codeHash: v.string(),
    limit: limitConfig,
    identity: verifiedIdentity,
    linkUserId: v.optional(v.id("users")),
  },
  returns: v.union(identitySignIn, v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() })),
  handler: async (ctx, { provider, address, codeHash, limit, identity, linkUserId }) => {
    const state = await peekLimit(ctx, limit);
    if (!state.ok) return { status: "rate_limited" as const, retryAfterMs: state.retryAfterMs };
    const purpose = signInPurpose(provider, address);
    const code = await ctx.db
      .query("verificationCodes")
      .withIndex("by_account_purpose", (q) => q.eq("accountId", undefined).eq("purpose", purpose))
      .first();
    const matches =
      code !== null &&
      hashesEqual(code.codeHash, codeHash) &&
      code.expirationTime > Date.now() &&
      code.address === address;
    if (!matches) {
      await takeToken(ctx, limit);
      return { status: "invalid" as const };
    }
    await ctx.db.delete(code._id);
    const resolved = await resolveIdentity(ctx, identity, linkUserId);
    if (resolved.status !== "ok") return resolved;
    return { ...resolved, provider };
  },
});

/** Creates an anonymous user (`isAnonymous: true`) with its account; the server then issues its session. */
export const createAnonymous = mutation({
  args: {
    provider: v.string(),
    providerAccountId: v.string(),
    profile: v.object({ name: v.optional(v.string()), image: v.optional(v.string()), extend: v.optional(v.any()) }),
  },
  returns: v.object({ userId: v.id("users") }),
  handler: async (ctx, { provider, providerAccountId, profile }) => {
    checkProfile(profile);
    const userId = await ctx.db.insert("users", { ...profile, isAnonymous: true });
    await ctx.db.insert("accounts", { userId, provider, providerAccountId, emailVerified: false });
    await recordEvent(ctx, { type: "sign_up", userId, data: { provider } });
    return { userId };
  },
});
