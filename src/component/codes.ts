/**
 * What is sent to an email address or phone number to prove it: sign-in
 * codes and links (Email / Phone providers), email verification and
 * password reset codes (Password). The component sees only their hashes.
 * Codes are in model/codes.ts; a link's token is a row of `verifiers`
 * (redeemed with `redirects.redeem`, like an OAuth code).
 */
import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { EMAIL_VERIFICATION, PASSWORD_RESET, SIGN_IN, codePurpose } from "../shared/codePurposes.js";
import { authError } from "../shared/errors.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";
import { missCode, storeCode, takeCode, type CodeTarget } from "./model/codes.js";
import { identitySignIn, resolveIdentity, verifiedIdentity } from "./model/linking.js";
import { proveMailbox } from "./model/mailbox.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { leaseToken } from "./model/rateLimit.js";
import { limitConfig } from "./model/validators.js";
import { MAGIC_LINK } from "../shared/verifierKinds.js";

/** The account a code about an account is for: the provider's account named by the address. */
async function accountFor(ctx: MutationCtx, provider: string, address: string): Promise<Doc<"accounts"> | null> {
  return await ctx.db
    .query("accounts")
    .withIndex("by_provider_account", (q) => q.eq("provider", provider).eq("providerAccountId", address))
    .unique();
}

/**
 * Stores what is sent to `address` for `purpose`: a code (its hash),
 * replacing any earlier one (only the newest code sent works), or, with
 * `link`, a sign-in link's token (its hash). First it leases a token of the
 * address's send bucket `limit` (`rate_limited` when none is left, and
 * nothing is stored); the server settles it once the message is delivered
 * (`limits.settle`), so a send that fails does not count.
 *
 * A sign-in code or link needs no account (asking must not create users);
 * an email verification or reset code needs the provider's account for that
 * address, and without one nothing is stored (`no_account`: the server sends
 * nothing and says nothing).
 */
export const create = mutation({
  args: {
    provider: v.string(),
    address: v.string(),
    purpose: codePurpose,
    codeHash: v.string(),
    expirationTime: v.number(),
    limit: limitConfig,
    /** A sign-in link instead of a code: who asked, and the identity the link proves. */
    link: v.optional(
      v.object({
        /** Hash of the verifier of the browser that asked: opening the link there needs no confirmation. */
        requesterHash: v.string(),
        /** The signed-in (anonymous) user who asked, upgraded when the link is opened there. */
        userId: v.optional(v.id("users")),
        identity: verifiedIdentity,
      }),
    ),
  },
  returns: v.union(
    v.object({ status: v.literal("stored") }),
    v.object({ status: v.literal("no_account") }),
    v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
  ),
  handler: async (ctx, { provider, address, purpose, codeHash, expirationTime, limit, link }) => {
    if (link !== undefined && purpose !== SIGN_IN) throw authError("INVALID_ARGUMENT", "Only a sign-in can be a link");
    const lease = await leaseToken(ctx, limit);
    if (!lease.ok) return { status: "rate_limited" as const, retryAfterMs: lease.retryAfterMs };
    const target = { provider, address, purpose };
    if (link !== undefined) {
      await ctx.db.insert("verifiers", {
        kind: MAGIC_LINK,
        verifierHash: codeHash,
        challenge: link.requesterHash,
        ...(link.userId !== undefined ? { userId: link.userId } : {}),
        data: link.identity,
        expirationTime,
      });
    } else if (purpose === SIGN_IN) {
      await storeCode(ctx, target, { codeHash, expirationTime });
    } else {
      const account = await accountFor(ctx, provider, address);
      if (account === null) return { status: "no_account" as const };
      await storeCode(ctx, target, { codeHash, expirationTime, accountId: account._id, userId: account.userId });
    }
    return { status: "stored" as const };
  },
});

/**
 * Redeems a code, all or nothing: checks it (a miss takes a token from the
 * failed-attempt bucket `limit` and records a `code_refused` event; with none
 * left nothing is checked) and
 * applies what it was sent for. Outcomes are returned, not thrown, so the
 * bucket's change commits. No session starts here: the server asks
 * `sessions.issue` for one, and a user with a second factor must pass it.
 *
 * - `sign_in` (needs `identity`): the address is proven; finds, links or
 *   makes its user (see `resolveIdentity`; `linkUserId` is the signed-in
 *   caller, upgraded if anonymous).
 * - `email_verification`: the account's email is verified (the first proof
 *   of the mailbox: see `proveMailbox`).
 * - `password_reset` (needs `newSecret`): as a proof of the mailbox, then
 *   `newSecret` replaces the account's secret and every session of the user
 *   ends (`password_reset`).
 *
 * A purpose without the field it needs, or with another purpose's field, is
 * `INVALID_ARGUMENT` (thrown before anything is read).
 */
export const redeem = mutation({
  args: {
    provider: v.string(),
    address: v.string(),
    purpose: codePurpose,
    codeHash: v.string(),
    limit: limitConfig,
    identity: v.optional(verifiedIdentity),
    linkUserId: v.optional(v.id("users")),
    newSecret: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.union(identitySignIn, v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() })),
  handler: async (ctx, args) => {
    const target: CodeTarget = { provider: args.provider, address: args.address, purpose: args.purpose };
    const signIn = args.purpose === SIGN_IN;
    if (signIn !== (args.identity !== undefined) || (args.linkUserId !== undefined && !signIn)) {
      throw authError("INVALID_ARGUMENT", "A sign-in code, and only one, carries the identity");
    }
    if ((args.purpose === PASSWORD_RESET) !== (args.newSecret !== undefined)) {
      throw authError("INVALID_ARGUMENT", "A reset code, and only one, carries the new secret");
    }
    const audit = await auditOf(ctx, args);
    if (args.identity !== undefined) {
      const check = await takeCode(ctx, target, { codeHash: args.codeHash, limit: args.limit, audit });
      if (check.status !== "ok") return check;
      const resolved = await resolveIdentity(ctx, args.identity, args.linkUserId, audit);
      return resolved.status === "ok" ? { ...resolved, provider: args.provider } : resolved;
    }
    const account = await accountFor(ctx, args.provider, args.address);
    const attempt = { codeHash: args.codeHash, limit: args.limit, audit };
    const check =
      account === null
        ? await missCode(ctx, target, attempt)
        : await takeCode(ctx, target, { ...attempt, accountId: account._id, userId: account.userId });
    if (check.status !== "ok" || account === null) return check.status === "ok" ? { status: "invalid" as const } : check;
    const userId = account.userId;
    await proveMailbox(ctx, userId, account._id, audit);
    if (args.purpose === EMAIL_VERIFICATION) {
      await ctx.db.patch(account._id, { emailVerified: true });
      await recordEvent(ctx, { type: "email_verified", userId }, audit);
    } else {
      await ctx.db.patch(account._id, { secret: args.newSecret! });
      await endSessionsOfUser(ctx, userId, "password_reset", undefined, audit);
      await recordEvent(ctx, { type: "password_reset", userId }, audit);
    }
    return { status: "ok" as const, userId, accountId: account._id, provider: args.provider };
  },
});
