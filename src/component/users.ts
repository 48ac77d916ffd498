import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import {
  internalMutation,
  mutation,
  query,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";
import { endSessionsOfUser } from "./model/sessions.js";
import { guardUserOwnerships } from "./model/groups.js";
import { checkProfile, nameKeyFields } from "./model/profile.js";
import { deleteUserData } from "./model/userData.js";
import { userFields } from "./schema.js";
import { normalizeEmail } from "../shared/email.js";
import { normalizeUsername } from "../shared/username.js";
import { authError } from "../shared/errors.js";
import { requireOneOf } from "./model/oneOf.js";
import { listUsers, userListFilter } from "./model/userList.js";
import { detailFields, userDetail } from "./model/userDetail.js";
import { removePasskey, removeTotpFactor } from "./model/credentialRemoval.js";
import { ownedPasskey } from "./model/passkeys.js";
import { guestOf, signedInCaller, upgradeGuest } from "./model/guests.js";

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
  /** Normalised and checked (`INVALID_USERNAME`), unique (`USERNAME_TAKEN`); `null` removes it. */
  username: v.optional(v.union(v.string(), v.null())),
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

async function findByUsername(ctx: QueryCtx, username: string) {
  return await ctx.db
    .query("users")
    .withIndex("by_username", (q) => q.eq("username", username))
    .unique();
}

/**
 * `username` normalised (`INVALID_USERNAME` when it breaks the rules) and
 * free, or held by `forUserId` (`USERNAME_TAKEN` otherwise). Read in the
 * caller's transaction, so two writers of one username conflict and the
 * retried one finds it taken.
 */
async function claimUsername(ctx: QueryCtx, username: string, forUserId?: Id<"users">): Promise<string> {
  const normalized = normalizeUsername(username);
  const holder = await findByUsername(ctx, normalized);
  if (holder !== null && holder._id !== forUserId) {
    throw authError("USERNAME_TAKEN", "Another user has this username");
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
 * (`INVALID_ARGUMENT`). A `username` is normalised and must follow the
 * rules (`INVALID_USERNAME`, src/shared/username.ts) and be free
 * (`USERNAME_TAKEN`, also with an account: a taken username is no
 * account's secret, the sign-up form must say to pick another). An
 * account's `emailVerified` marks the email verified now. Nothing is
 * written when it throws. Returns the new user's id. Recorded as
 * `sign_up` (with an account) or `user_created`, with `actorUserId` (who
 * made the user, when given; `INVALID_ARGUMENT` for a string that is no
 * user id).
 *
 * `caller` (with `account` only; `INVALID_ARGUMENT` otherwise): the
 * signed-in user making the sign-up. When they are a guest (anonymous),
 * the account and the fields are attached to the guest instead of a new
 * user: the guest keeps its id, gets the email, username and account,
 * keeps its own name, image and `extend` (the sign-up's fill what it
 * lacks), stops being anonymous (`anonymous_upgraded`), and its id is
 * returned. The same checks apply, with the same answers (`ACCOUNT_EXISTS`
 * for a taken email or provider account, `USERNAME_TAKEN`). A guest whose
 * session is not live is refused (`SESSION_ENDED`); a caller who is no
 * guest changes nothing (a new user, as without `caller`).
 */
export const create = mutation({
  args: {
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    /** A name to sign in with besides the email (see `username` in schema.ts). */
    username: v.optional(v.string()),
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
    /** The signed-in caller of a sign-up: a guest is upgraded instead of a new user made (see above). */
    caller: v.optional(signedInCaller),
    /** Who creates the user (an admin), for the audit log (`user_created`). */
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.id("users"),
  handler: async (ctx, { account, caller, actorUserId, audit: policy, ...fields }) => {
    const audit = await auditOf(ctx, { audit: policy, actorUserId });
    checkProfile(fields);
    if (fields.isAnonymous && fields.email !== undefined) {
      throw authError("INVALID_ARGUMENT", "An anonymous user has no email");
    }
    if (account === undefined && caller !== undefined) {
      throw authError("INVALID_ARGUMENT", "caller goes with a sign-up (an account)");
    }
    if (account === undefined) {
      const email = fields.email === undefined ? undefined : await claimEmail(ctx, fields.email);
      const username = fields.username === undefined ? undefined : await claimUsername(ctx, fields.username);
      const userId = await ctx.db.insert("users", { ...fields, email, username, ...nameKeyFields(fields.name) });
      await recordEvent(ctx, { type: "user_created", userId }, audit);
      return userId;
    }
    const existing = await ctx.db
      .query("accounts")
      .withIndex("by_provider_account", (q) =>
        q.eq("provider", account.provider).eq("providerAccountId", account.providerAccountId),
      )
      .unique();
    if (existing !== null) throw authError("ACCOUNT_EXISTS", "An account with these details exists");
    const guest = (await guestOf(ctx, caller))?.user ?? null;
    const email = fields.email === undefined ? undefined : normalizeEmail(fields.email);
    const holder = email === undefined ? null : await findByEmail(ctx, email);
    if (holder !== null && holder._id !== guest?._id) {
      throw authError("ACCOUNT_EXISTS", "An account with this email exists");
    }
    const username = fields.username === undefined ? undefined : await claimUsername(ctx, fields.username, guest?._id);
    if (guest !== null) {
      const { name, image, extend, phone, phoneVerificationTime } = fields;
      const emailVerificationTime = fields.emailVerificationTime ?? (account.emailVerified && email !== undefined ? Date.now() : undefined);
      await upgradeGuest(
        ctx,
        guest,
        {
          set: {
            ...(email !== undefined ? { email } : {}),
            ...(username !== undefined ? { username } : {}),
            ...(emailVerificationTime !== undefined ? { emailVerificationTime } : {}),
            ...(phone !== undefined ? { phone } : {}),
            ...(phoneVerificationTime !== undefined ? { phoneVerificationTime } : {}),
          },
          profile: { name, image, extend },
        },
        account.provider,
        audit,
      );
      await insertAccount(ctx, guest._id, account);
      return guest._id;
    }
    const userId = await ctx.db.insert("users", {
      ...fields,
      email,
      username,
      ...nameKeyFields(fields.name),
      ...(account.emailVerified && email !== undefined ? { emailVerificationTime: Date.now() } : {}),
    });
    await insertAccount(ctx, userId, account);
    await recordEvent(ctx, { type: "sign_up", userId, data: { provider: account.provider } }, audit);
    return userId;
  },
});

/** A sign-up's first account. */
async function insertAccount(
  ctx: MutationCtx,
  userId: Id<"users">,
  account: { provider: string; providerAccountId: string; secret?: string; emailVerified?: boolean },
) {
  await ctx.db.insert("accounts", {
    userId,
    provider: account.provider,
    providerAccountId: account.providerAccountId,
    secret: account.secret,
    emailVerified: account.emailVerified ?? false,
  });
}

/**
 * A user by one of its unique keys: its id, its email address, its
 * username (both compared normalised) or its `legacyId` (the id it had in
 * the auth system it was imported from): exactly one of `userId`, `email`,
 * `username`, `legacyId` (`INVALID_ARGUMENT` otherwise). `null` when there
 * is none (also for a string that is no user id, or that no username can be).
 */
export const get = query({
  args: {
    userId: v.optional(v.string()),
    email: v.optional(v.string()),
    username: v.optional(v.string()),
    legacyId: v.optional(v.string()),
  },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, args) => {
    requireOneOf(args, "userId", "email", "username", "legacyId");
    if (args.legacyId !== undefined) {
      const legacyId = args.legacyId;
      return await ctx.db
        .query("users")
        .withIndex("by_legacy_id", (q) => q.eq("legacyId", legacyId))
        .unique();
    }
    if (args.email !== undefined) return await findByEmail(ctx, normalizeEmail(args.email));
    if (args.username !== undefined) {
      const username = usernameOrNull(args.username);
      return username === null ? null : await findByUsername(ctx, username);
    }
    const userId = ctx.db.normalizeId("users", args.userId!);
    return userId === null ? null : await ctx.db.get(userId);
  },
});

/**
 * Updates a user's fields. `null` unsets an optional field; a new email must
 * be free (`EMAIL_TAKEN`); a new username must follow the rules
 * (`INVALID_USERNAME`) and be free (`USERNAME_TAKEN`; read in this
 * transaction, so of two users taking one username at once exactly one
 * gets it); `name`, `image` and `extend` must be within the profile bounds
 * (`INVALID_ARGUMENT`).
 *
 * A changed (or unset) `email` or `phone` is unverified: its
 * `emailVerificationTime` / `phoneVerificationTime` is cleared, unless the
 * same patch sets it. Saving the same address again (the email compared
 * normalised) keeps its verification. Throws `NOT_FOUND` for an unknown user
 * or a string that is no user id; nothing is written when it throws.
 * Recorded as `user_updated` with the names of the fields that changed
 * (never their values), and `actorUserId` (who changed them, an admin).
 */
export const update = mutation({
  args: {
    userId: v.string(),
    patch: userPatch,
    /** Who changes it when not the user (an admin), for the audit log (`user_updated`). */
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { patch } = args;
    const user = await requireUser(ctx, args.userId);
    const audit = await auditOf(ctx, args);
    checkProfile(patch);
    const update: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) {
      update[field] = value === null ? undefined : value;
    }
    Object.assign(update, nameKeyFields(patch.name));
    if (typeof patch.email === "string") {
      update.email = await claimEmail(ctx, patch.email, user._id);
    }
    if (typeof patch.username === "string") {
      update.username = await claimUsername(ctx, patch.username, user._id);
    }
    if (patch.email !== undefined && update.email !== user.email && patch.emailVerificationTime === undefined) {
      update.emailVerificationTime = undefined;
    }
    if (patch.phone !== undefined && update.phone !== user.phone && patch.phoneVerificationTime === undefined) {
      update.phoneVerificationTime = undefined;
    }
    await ctx.db.patch(user._id, update);
    const changed = Object.keys(update).filter(
      (field) => field !== "nameKey" && JSON.stringify(update[field]) !== JSON.stringify(user[field as keyof typeof user]),
    );
    // The names of the fields only: the audit log keeps no profile values.
    if (changed.length > 0) {
      const previous = { ...(user.email !== undefined ? { email: user.email } : {}), ...(user.phone !== undefined ? { phone: user.phone } : {}) };
      await recordEvent(ctx, { type: "user_updated", userId: user._id, data: { fields: changed.join(",") } }, audit, undefined, previous);
    }
    return null;
  },
});

/** `username` normalised, or `null` when no username can be it. */
function usernameOrNull(username: string): string | null {
  try {
    return normalizeUsername(username);
  } catch {
    return null;
  }
}

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
 * user; `INVALID_ARGUMENT` for a blank or long reason, an expiry in the
 * past or an `actorUserId` that is no user id. `actorUserId`, the admin,
 * is recorded on the `user_banned` and `session_revoked` events. Nothing is
 * written when it throws.
 */
export const ban = mutation({
  args: {
    userId: v.string(),
    reason: v.string(),
    expirationTime: v.optional(v.number()),
    /** The admin who bans, recorded on the events (see `auditOf` in model/events.ts). */
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const audit = await auditOf(ctx, args);
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
    await endSessionsOfUser(ctx, user._id, "banned", undefined, audit);
    for (const key of await keysOf(ctx, user._id)) await ctx.db.patch(key._id, { suspension: expiry });
    await recordEvent(ctx, {
      type: "user_banned",
      userId: user._id,
      data: { reason, ...(args.expirationTime !== undefined ? { until: args.expirationTime } : {}) },
    }, audit);
    return null;
  },
});

/**
 * Lifts a user's ban (an admin function): they may sign in again and their
 * API keys work again. `NOT_FOUND` for an unknown user; `INVALID_ARGUMENT`
 * for an `actorUserId` that is no user id.
 */
export const unban = mutation({
  args: { userId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const audit = await auditOf(ctx, args);
    if (user.ban === undefined) return null;
    await ctx.db.patch(user._id, { ban: undefined });
    for (const key of await keysOf(ctx, user._id)) await ctx.db.patch(key._id, { suspension: undefined });
    await recordEvent(ctx, { type: "user_unbanned", userId: user._id }, audit);
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
 * Users for an admin's list, a page at a time (an admin function), every
 * page one index range (see model/userList.ts): newest first; or with
 * `filter` (`banned`: most recently banned first, lapsed bans left out;
 * `unverified`: no `emailVerificationTime`; `has2fa`: an active TOTP factor
 * or a two-factor passkey); or with `search`, users whose email starts with
 * it (compared normalised, as emails are stored) in email order, then those
 * whose name does (case-insensitive) in name order. With both `search` and
 * `filter`, a page of the search keeps the users the filter takes, so it
 * may hold fewer than asked before the end. `INVALID_ARGUMENT` for a
 * search over 320 characters, `numItems` outside 1..200 or a cursor of
 * another list.
 */
export const list = query({
  args: {
    search: v.optional(v.string()),
    filter: v.optional(userListFilter),
    paginationOpts: paginationOptsValidator,
  },
  returns: v.object({ page: v.array(userDoc), isDone: v.boolean(), continueCursor: v.string() }),
  handler: async (ctx, args) => await listUsers(ctx, args),
});

/**
 * One user as an admin looks at them (an admin function): the user, their
 * accounts by provider (no password hash: `hasSecret` says whether there is
 * one), sessions newest first with device, IP (when stored), start, last use
 * and whether live, TOTP factors (never a secret), passkeys (no key
 * material), how many recovery codes are left, API keys (metadata, no
 * hash) and group memberships with their role. Each list is capped
 * (accounts 20, sessions 50, TOTP factors 10, API keys 50, groups 50;
 * passkeys are at most 100 anyway) and `truncated` says which were cut.
 * `NOT_FOUND` for an unknown user or a string that is no user id.
 */
export const detail = query({
  args: { userId: v.string() },
  returns: v.object({ user: userDoc, ...detailFields }),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    return { user, ...(await userDetail(ctx, user)) };
  },
});

/**
 * Ends every session of the user (an admin function): each ends
 * `admin_revoke`, up to 1,000 now and the rest in background transactions;
 * connected clients sign out at once. Recorded as `sessions_revoked` (with
 * `ended` and whether more follow) and one `session_revoked` per session,
 * each with `actorUserId`, the admin. `NOT_FOUND` for an unknown user,
 * `INVALID_ARGUMENT` for an `actorUserId` that is no user id; nothing is
 * written when it throws.
 */
export const revokeSessions = mutation({
  args: { userId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.object({ ended: v.number(), continuing: v.boolean() }),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const audit = await auditOf(ctx, args);
    const { revoked, continuing } = await endSessionsOfUser(ctx, user._id, "admin_revoke", undefined, audit);
    await recordEvent(ctx, { type: "sessions_revoked", userId: user._id, data: { ended: revoked, continuing } }, audit);
    return { ended: revoked, continuing };
  },
});

/**
 * Marks the user's email verified now (an admin function): the admin
 * vouches for the address, so unlike a first proof of the mailbox
 * (model/mailbox.ts) nothing of the user is cleared. Recorded as
 * `email_verified` with `actorUserId`. Returns `false`, writing nothing,
 * when it was verified already. `NOT_FOUND` for an unknown user,
 * `INVALID_ARGUMENT` for a user without an email or an `actorUserId` that
 * is no user id.
 */
export const markEmailVerified = mutation({
  args: { userId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const audit = await auditOf(ctx, args);
    if (user.email === undefined) throw authError("INVALID_ARGUMENT", "The user has no email address");
    if (user.emailVerificationTime !== undefined) return false;
    await ctx.db.patch(user._id, { emailVerificationTime: Date.now() });
    await recordEvent(ctx, { type: "email_verified", userId: user._id, data: { byAdmin: true } }, audit);
    return true;
  },
});

/**
 * Removes one of the user's factors (an admin function): a TOTP factor or
 * a passkey, by id, which must be the user's (`NOT_FOUND` otherwise, also
 * for a string that is no id). A passkey that is the user's last way to
 * sign in stays (`LAST_FACTOR`); the last second factor may go even where
 * the app requires two factors (that is what an admin is asked for when a
 * device is lost: the user signs in with their first factor and enrols
 * again), and the recovery codes go with it. Recorded as `totp_removed` /
 * `passkey_removed` with `actorUserId`. Nothing is written when it throws.
 */
export const removeFactor = mutation({
  args: {
    userId: v.string(),
    factor: v.object({ kind: v.union(v.literal("totp"), v.literal("passkey")), id: v.string() }),
    ignoreProviders: v.optional(v.array(v.string())),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const options = { ignoreProviders: args.ignoreProviders, audit: await auditOf(ctx, args) };
    if (args.factor.kind === "passkey") {
      await removePasskey(ctx, await ownedPasskey(ctx, args.factor.id, user._id), options);
      return null;
    }
    const totpId = ctx.db.normalizeId("totpFactors", args.factor.id);
    const factor = totpId === null ? null : await ctx.db.get(totpId);
    if (factor === null || factor.userId !== user._id) throw authError("NOT_FOUND", "No such authenticator");
    await removeTotpFactor(ctx, factor, options);
    return null;
  },
});

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
 * deleted (false only when `onlyUnusedSignUp` declined). Recorded as
 * `user_deleted`, under no user (the user's own events go with them) with
 * their id in `data` and `actorUserId`, whoever deleted them.
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
    /** Who deletes the user (the user themself, an admin), for the audit log (`user_deleted`). */
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx, args.userId);
    const userId = user._id;
    const audit = await auditOf(ctx, args);
    if (args.onlyUnusedSignUp && !(await isUnusedSignUp(ctx, user))) return false;
    const owned = await guardUserOwnerships(ctx, userId);
    // Without them, a remaining co-owner could be removed before the
    // background batches reach these memberships, leaving a group ownerless.
    for (const member of owned) await ctx.db.delete(member._id);
    await ctx.db.delete(userId);
    await deleteUserData(ctx, userId);
    // Not under the user's id: their own events go with them; this one stays for its retention.
    await recordEvent(
      ctx,
      { type: "user_deleted", data: { userId, ...(args.onlyUnusedSignUp ? { unusedSignUp: true } : {}) } },
      audit,
    );
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
