import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import {
  internalMutation,
  mutation,
  query,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server.js";
import { recordEvent } from "./model/events.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { guardUserOwnerships } from "./model/groups.js";
import { checkProfile } from "./model/profile.js";
import { deleteUserData } from "./model/userData.js";
import { userFields } from "./schema.js";
import { normalizeEmail } from "../shared/email.js";
import { authError } from "../shared/errors.js";
import { requireOneOf } from "./model/oneOf.js";

/** A user document as it leaves the component. */
export const userDoc = v.object({
  _id: v.id("users"),
  _creationTime: v.number(),
  ...userFields,
});

/** Fields a caller may set on a user; `null` unsets an optional string. */
const userPatch = v.object({
  name: v.optional(v.union(v.string(), v.null())),
  email: v.optional(v.union(v.string(), v.null())),
  emailVerificationTime: v.optional(v.union(v.number(), v.null())),
  phone: v.optional(v.union(v.string(), v.null())),
  phoneVerificationTime: v.optional(v.union(v.number(), v.null())),
  image: v.optional(v.union(v.string(), v.null())),
  isAnonymous: v.optional(v.boolean()),
  extend: v.optional(v.any()),
});

async function findByEmail(ctx: QueryCtx, email: string) {
  return await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .unique();
}

async function claimEmail(
  ctx: MutationCtx,
  email: string,
  forUserId?: Id<"users">,
): Promise<string> {
  const normalized = normalizeEmail(email);
  const holder = await findByEmail(ctx, normalized);
  if (holder !== null && holder._id !== forUserId) {
    throw authError("EMAIL_TAKEN", "Another user has this email address");
  }
  return normalized;
}

/**
 * Creates a user, with their first account when `account` is given (a
 * sign-up; no session: the server asks `sessions.issue` for one). All or
 * nothing. The email, if any, is normalised and must be free: `EMAIL_TAKEN`
 * without an account; with one, `ACCOUNT_EXISTS`, as when the provider
 * account exists (a sign-up says the same whichever it was). `name`, `image`
 * and `extend` must be within the profile bounds (`INVALID_ARGUMENT`, see
 * model/profile.ts); an anonymous user (`isAnonymous`) has no email
 * (`INVALID_ARGUMENT`). An account's `emailVerified` marks the email
 * verified now. Returns the new user's id.
 */
export const create = mutation({
  args: {
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    emailVerificationTime: v.optional(v.number()),
    phone: v.optional(v.string()),
    phoneVerificationTime: v.optional(v.number()),
    image: v.optional(v.string()),
    isAnonymous: v.optional(v.boolean()),
    extend: v.optional(v.any()),
    account: v.optional(
      v.object({
        provider: v.string(),
        providerAccountId: v.string(),
        secret: v.optional(v.string()),
        emailVerified: v.optional(v.boolean()),
      }),
    ),
  },
  returns: v.id("users"),
  handler: async (ctx, { account, ...fields }) => {
    checkProfile(fields);
    if (fields.isAnonymous && fields.email !== undefined) {
      throw authError("INVALID_ARGUMENT", "An anonymous user has no email");
    }
    if (account === undefined) {
      const email = fields.email === undefined ? undefined : await claimEmail(ctx, fields.email);
      return await ctx.db.insert("users", { ...fields, email });
    }
    const existing = await ctx.db
      .query("accounts")
      .withIndex("by_provider_account", (q) =>
        q.eq("provider", account.provider).eq("providerAccountId", account.providerAccountId),
      )
      .unique();
    if (existing !== null) throw authError("ACCOUNT_EXISTS", "An account with these details exists");
    const email = fields.email === undefined ? undefined : normalizeEmail(fields.email);
    if (email !== undefined && (await findByEmail(ctx, email)) !== null) {
      throw authError("ACCOUNT_EXISTS", "An account with this email exists");
    }
    const userId = await ctx.db.insert("users", {
      ...fields,
      email,
      ...(account.emailVerified && email !== undefined ? { emailVerificationTime: Date.now() } : {}),
    });
    await ctx.db.insert("accounts", {
      userId,
      provider: account.provider,
      providerAccountId: account.providerAccountId,
      secret: account.secret,
      emailVerified: account.emailVerified ?? false,
    });
    await recordEvent(ctx, { type: "sign_up", userId, data: { provider: account.provider } });
    return userId;
  },
});

/**
 * A user by one of its unique keys: its id, or its email address (compared
 * normalised): exactly one of `userId`, `email` (`INVALID_ARGUMENT`
 * otherwise). `null` when there is none (also for a string that is no user
 * id).
 */
export const get = query({
  args: { userId: v.optional(v.string()), email: v.optional(v.string()) },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, args) => {
    requireOneOf(args, "userId", "email");
    if (args.email !== undefined) return await findByEmail(ctx, normalizeEmail(args.email));
    const userId = ctx.db.normalizeId("users", args.userId!);
    return userId === null ? null : await ctx.db.get(userId);
  },
});

/**
 * Updates a user's fields. `null` unsets an optional field; a new email must
 * be free (`EMAIL_TAKEN`); `name`, `image` and `extend` must be within the
 * profile bounds (`INVALID_ARGUMENT`).
 *
 * A changed (or unset) `email` or `phone` is unverified: its
 * `emailVerificationTime` / `phoneVerificationTime` is cleared, unless the
 * same patch sets it. Saving the same address again (the email compared
 * normalised) keeps its verification. Throws `NOT_FOUND` for an unknown user
 * or a string that is no user id; nothing is written when it throws.
 */
export const update = mutation({
  args: { userId: v.string(), patch: userPatch },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { patch } = args;
    const user = await requireUser(ctx, args.userId);
    checkProfile(patch);
    const update: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) {
      update[field] = value === null ? undefined : value;
    }
    if (typeof patch.email === "string") {
      update.email = await claimEmail(ctx, patch.email, user._id);
    }
    if (patch.email !== undefined && update.email !== user.email && patch.emailVerificationTime === undefined) {
      update.emailVerificationTime = undefined;
    }
    if (patch.phone !== undefined && update.phone !== user.phone && patch.phoneVerificationTime === undefined) {
      update.phoneVerificationTime = undefined;
    }
    await ctx.db.patch(user._id, update);
    return null;
  },
});

/** The user with this id (given as any string), or `NOT_FOUND`. */
async function requireUser(ctx: QueryCtx, id: string) {
  const userId = ctx.db.normalizeId("users", id);
  const user = userId === null ? null : await ctx.db.get(userId);
  if (user === null) throw authError("NOT_FOUND", "No such user");
  return user;
}

const MAX_BAN_REASON_LENGTH = 500;
/** Keys suspended with a ban in its transaction: the list cap of `apiKeys.list`. */
const MAX_KEYS_SUSPENDED = 1000;

/**
 * Bans a user (an admin function): records `reason` (1 to 500 characters)
 * and, with `expirationTime`, when the ban lapses. In the same transaction
 * every session of the user ends (`banned`) and their API keys are
 * suspended; `sessions.issue` refuses them any new session (`banned`) while
 * the ban lasts. Banning again replaces the ban. `NOT_FOUND` for an unknown
 * user; `INVALID_ARGUMENT` for a blank or long reason or an expiry in the
 * past. Nothing is written when it throws.
 */
export const ban = mutation({
  args: { userId: v.string(), reason: v.string(), expirationTime: v.optional(v.number()) },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const reason = args.reason.trim();
    if (reason === "" || reason.length > MAX_BAN_REASON_LENGTH) {
      throw authError("INVALID_ARGUMENT", `A ban's reason has 1 to ${MAX_BAN_REASON_LENGTH} characters`);
    }
    const now = Date.now();
    if (args.expirationTime !== undefined && !(args.expirationTime > now)) {
      throw authError("INVALID_ARGUMENT", "A ban's expirationTime must be in the future");
    }
    const expiry: { expirationTime?: number } = args.expirationTime === undefined ? {} : { expirationTime: args.expirationTime };
    await ctx.db.patch(user._id, { ban: { reason, time: now, ...expiry } });
    await endSessionsOfUser(ctx, user._id, "banned");
    for (const key of await keysOf(ctx, user._id)) await ctx.db.patch(key._id, { suspension: expiry });
    await recordEvent(ctx, {
      type: "user_banned",
      userId: user._id,
      data: { reason, ...(args.expirationTime !== undefined ? { until: args.expirationTime } : {}) },
    });
    return null;
  },
});

/** Lifts a user's ban (an admin function): they may sign in again and their API keys work again. `NOT_FOUND` for an unknown user. */
export const unban = mutation({
  args: { userId: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    if (user.ban === undefined) return null;
    await ctx.db.patch(user._id, { ban: undefined });
    for (const key of await keysOf(ctx, user._id)) await ctx.db.patch(key._id, { suspension: undefined });
    await recordEvent(ctx, { type: "user_unbanned", userId: user._id });
    return null;
  },
});

async function keysOf(ctx: QueryCtx, userId: Id<"users">) {
  return await ctx.db
    .query("apiKeys")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_KEYS_SUSPENDED);
}

/**
 * Deletes a user and everything of theirs: accounts, sessions, refresh
 * tokens, codes, factors, keys, memberships, audit events. The user is gone at
 * once (their refresh tokens stop working), and so are their `"owner"`
 * memberships; the rest is deleted in bounded batches, continuing in
 * background transactions for users with thousands of sessions. A deletion
 * whose continuation is lost or fails is resumed by the hourly sweep, so
 * nothing of the user stays for good.
 *
 * Refuses with `LAST_OWNER`, deleting nothing, when the user is the only
 * `"owner"` of a group: the app must first make another member owner or
 * delete the group. (`INVALID_ARGUMENT` when the user owns more than
 * 1,000 groups, more than one transaction can check.) Throws `NOT_FOUND` for
 * an unknown user or a string that is no user id. Returns whether it
 * deleted (false only when `onlyUnusedSignUp` declined).
 */
const deleteUser = mutation({
  args: {
    userId: v.string(),
    /**
     * Undo a sign-up whose verification message could not be sent, so the
     * person can simply try again: delete only while the user is
     * unverified and holds one account and no session.
     */
    onlyUnusedSignUp: v.optional(v.boolean()),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const userId = user._id;
    if (args.onlyUnusedSignUp && !(await isUnusedSignUp(ctx, user))) return false;
    const owned = await guardUserOwnerships(ctx, userId);
    // Without them, a remaining co-owner could be removed before the
    // background batches reach these memberships, leaving a group ownerless.
    for (const member of owned) await ctx.db.delete(member._id);
    await ctx.db.delete(userId);
    await deleteUserData(ctx, userId);
    return true;
  },
});

/** A user never verified, with one account and no session: a sign-up nobody used yet. */
async function isUnusedSignUp(ctx: QueryCtx, user: Doc<"users">): Promise<boolean> {
  if (user.emailVerificationTime !== undefined) return false;
  const accounts = await ctx.db
    .query("accounts")
    .withIndex("by_user_provider", (q) => q.eq("userId", user._id))
    .take(2);
  const session = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) => q.eq("userId", user._id))
    .first();
  return accounts.length === 1 && session === null;
}
export { deleteUser as delete };

/**
 * Background continuation of `delete` (also run by the sweep for a deletion
 * whose marker stalled). Deleting what is already gone is a no-op.
 */
export const deleteDataContinue = internalMutation({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { userId }) => {
    await deleteUserData(ctx, userId);
    return null;
  },
});
