import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { normalizeEmail } from "../../shared/email.js";
import { STEP_UP_WINDOW_MS } from "../../shared/windows.js";
import { MAX_ACCOUNTS_LISTED, accountsOf } from "./accounts.js";
import { recordEvent, type Audit } from "./events.js";
import { upgradeGuest } from "./guests.js";
import { checkProfile, nameKeyFields } from "./profile.js";
import { hasSecondFactor } from "./secondFactors.js";
import { liveSession } from "./sessions.js";

/**
 * A provider identity the server has verified: an OAuth account, an email
 * address or phone number proven by a code or link. `emailVerified` /
 * `phoneVerified` say whether the provider vouches for the address.
 */
export const verifiedIdentity = v.object({
  provider: v.string(),
  providerAccountId: v.string(),
  email: v.optional(v.string()),
  emailVerified: v.boolean(),
  phone: v.optional(v.string()),
  phoneVerified: v.boolean(),
  /** Fields for a new (or upgraded anonymous) user; an existing user keeps theirs. */
  profile: v.object({
    name: v.optional(v.string()),
    image: v.optional(v.string()),
    extend: v.optional(v.any()),
  }),
});
export type VerifiedIdentity = Infer<typeof verifiedIdentity>;

/** Whose identity it is, once resolved. */
export type Resolution =
  | { status: "ok"; userId: Id<"users">; accountId: Id<"accounts"> }
  | { status: "account_exists" };

/**
 * Finds or makes the user of a verified identity, in this order:
 * 1. the identity's account exists: its user;
 * 2. the identity's email is verified and a user holds it verified: link to
 *    that user (a new account on it). A user holding the email UNverified, or
 *    an identity whose email is unverified while a user holds it, is refused
 *    (`account_exists`): emails are unique, and linking through an address
 *    nobody proved would hand one person's account to another;
 * 3. the phone is verified and a user holds it verified: link to that user;
 * 4. `linkUserId` (the signed-in caller) is an anonymous user: the account is
 *    attached to them and they stop being anonymous;
 * 5. otherwise a new user.
 */
export async function resolveIdentity(
  ctx: MutationCtx,
  identity: VerifiedIdentity,
  linkUserId?: Id<"users">,
  audit?: Audit,
): Promise<Resolution> {
  checkProfile(identity.profile);
  const now = Date.now();
  const email = identity.email === undefined ? undefined : normalizeEmail(identity.email);
  const account = await ctx.db
    .query("accounts")
    .withIndex("by_provider_account", (q) =>
      q.eq("provider", identity.provider).eq("providerAccountId", identity.providerAccountId),
    )
    .unique();
  if (account !== null) {
    await noteVerification(ctx, account, { ...identity, email }, now, audit);
    return { status: "ok", userId: account.userId, accountId: account._id };
  }

  if (email !== undefined) {
    const holder = await ctx.db
      .query("users")
      .withIndex("by_email", (q) => q.eq("email", email))
      .unique();
    if (holder !== null) {
      if (!identity.emailVerified || holder.emailVerificationTime === undefined) return { status: "account_exists" };
      return await link(ctx, holder._id, identity, audit);
    }
  }
  if (identity.phone !== undefined && identity.phoneVerified) {
    const phone = identity.phone;
    const holder = await ctx.db
      .query("users")
      .withIndex("by_phone", (q) => q.eq("phone", phone))
      .filter((q) => q.neq(q.field("phoneVerificationTime"), undefined))
      .first();
    if (holder !== null) return await link(ctx, holder._id, identity, audit);
  }

  const verifiedFields = {
    ...(email !== undefined ? { email } : {}),
    ...(email !== undefined && identity.emailVerified ? { emailVerificationTime: now } : {}),
    ...(identity.phone !== undefined ? { phone: identity.phone } : {}),
    ...(identity.phone !== undefined && identity.phoneVerified ? { phoneVerificationTime: now } : {}),
  };
  if (linkUserId !== undefined) {
    const caller = await ctx.db.get(linkUserId);
    if (caller !== null && caller.isAnonymous === true) {
      await upgradeGuest(ctx, caller, { set: verifiedFields, profile: identity.profile }, identity.provider, audit);
      const accountId = await insertAccount(ctx, caller._id, identity);
      return { status: "ok", userId: caller._id, accountId };
    }
  }

  const userId = await ctx.db.insert("users", { ...identity.profile, ...nameKeyFields(identity.profile.name), ...verifiedFields });
  const accountId = await insertAccount(ctx, userId, identity);
  await recordEvent(ctx, { type: "sign_up", userId, data: { provider: identity.provider } }, audit);
  return { status: "ok", userId, accountId };
}

async function insertAccount(ctx: MutationCtx, userId: Id<"users">, identity: VerifiedIdentity) {
  return await ctx.db.insert("accounts", {
    userId,
    provider: identity.provider,
    providerAccountId: identity.providerAccountId,
    emailVerified: identity.emailVerified,
    ...(identity.email !== undefined ? { email: normalizeEmail(identity.email) } : {}),
  });
}

/** Adds the identity's account to an existing user (who holds the same verified address). */
async function link(ctx: MutationCtx, userId: Id<"users">, identity: VerifiedIdentity, audit?: Audit): Promise<Resolution> {
  const accountId = await insertAccount(ctx, userId, identity);
  await recordEvent(ctx, { type: "account_linked", userId, data: { provider: identity.provider, accountId } }, audit);
  return { status: "ok", userId, accountId };
}

/**
 * A known identity whose email the provider now vouches for (it did not
 * before): the account, and the user if the email is theirs, become
 * verified (an `email_verified` event naming the provider).
 */
async function noteVerification(
  ctx: MutationCtx,
  account: Doc<"accounts">,
  identity: VerifiedIdentity,
  now: number,
  audit?: Audit,
): Promise<void> {
  if (!identity.emailVerified || account.emailVerified === true) return;
  await ctx.db.patch(account._id, { emailVerified: true });
  const user = await ctx.db.get(account.userId);
  if (user !== null && user.email === identity.email && user.emailVerificationTime === undefined) {
    await ctx.db.patch(user._id, { emailVerificationTime: now });
    await recordEvent(ctx, { type: "email_verified", userId: user._id, data: { provider: identity.provider } }, audit);
  }
}

/** What a sign-in by a verified identity returns to the server. */
export const identitySignIn = v.union(
  v.object({
    status: v.literal("ok"),
    userId: v.id("users"),
    accountId: v.id("accounts"),
    /** The identity's provider. */
    provider: v.string(),
  }),
  v.object({ status: v.literal("invalid") }),
  v.object({ status: v.literal("account_exists") }),
);

/** What linking an identity to the signed-in caller gave (see {@link linkToCaller}). */
export const callerLink = v.union(
  v.object({
    status: v.literal("linked"),
    userId: v.id("users"),
    sessionId: v.id("sessions"),
    provider: v.string(),
    /** The caller was a guest, now a full user: its sessions ended, the sign-in needs a new one. */
    upgraded: v.optional(v.boolean()),
  }),
  v.object({ status: v.literal("linked_elsewhere") }),
  v.object({ status: v.literal("session_ended") }),
  v.object({ status: v.literal("step_up_required") }),
  v.object({ status: v.literal("too_many_accounts") }),
);
export type CallerLink = Infer<typeof callerLink>;

/**
 * Attaches a verified identity to the signed-in caller (`userId` in
 * `sessionId`): "connect GitHub" from an account page. Unlike a sign-in,
 * nothing is resolved by email: the identity goes to the caller or nowhere.
 * In this transaction:
 * - the session must be the user's and live (`session_ended`);
 * - a user with a second factor must have verified one in it within the
 *   step-up window (`step_up_required`);
 * - the identity's account must be the caller's already (then nothing is
 *   written) or nobody's (`linked_elsewhere`: it signs in to another user);
 * - a user holds at most {@link MAX_ACCOUNTS_LISTED} accounts (`too_many_accounts`).
 * Then the account is added (`account_linked`, with `accountId`); a guest
 * also stops being anonymous (`anonymous_upgraded`; its sessions end:
 * `upgraded`). The user's own email and profile are left as they are.
 */
export async function linkToCaller(
  ctx: MutationCtx,
  identity: VerifiedIdentity,
  caller: { userId: Id<"users">; sessionId: Id<"sessions"> },
  audit?: Audit,
): Promise<CallerLink> {
  const now = Date.now();
  const session = liveSession(await ctx.db.get(caller.sessionId), now);
  const user = await ctx.db.get(caller.userId);
  if (session === null || user === null || session.userId !== user._id) return { status: "session_ended" };
  const verifiedAt = session.factorVerifiedTime ?? 0;
  if (verifiedAt < now - STEP_UP_WINDOW_MS && (await hasSecondFactor(ctx, user._id))) return { status: "step_up_required" };
  const linked = { status: "linked" as const, userId: user._id, sessionId: session._id, provider: identity.provider };
  const account = await ctx.db
    .query("accounts")
    .withIndex("by_provider_account", (q) =>
      q.eq("provider", identity.provider).eq("providerAccountId", identity.providerAccountId),
    )
    .unique();
  if (account !== null) return account.userId === user._id ? linked : { status: "linked_elsewhere" };
  if ((await accountsOf(ctx, user._id, MAX_ACCOUNTS_LISTED)).length >= MAX_ACCOUNTS_LISTED) return { status: "too_many_accounts" };
  const accountId = await insertAccount(ctx, user._id, identity);
  await recordEvent(ctx, { type: "account_linked", userId: user._id, data: { provider: identity.provider, accountId } }, audit);
  if (user.isAnonymous !== true) return linked;
  await upgradeGuest(ctx, user, { set: {}, profile: {} }, identity.provider, audit);
  return { ...linked, upgraded: true };
}
