import type { FunctionArgs, FunctionReturnType, PaginationOptions } from "convex/server";
import { requireLiveCaller, requireLiveSelf, requireLiveSession } from "../session/live.js";
import type { ComponentApi } from "../../component/_generated/component.js";
import { requireSignedIn, signedIn, type AuthCtx } from "../identity.js";
import { authError } from "../errors.js";
import type { ReadCtx, RunMutationCtx, RunQueryCtx, WriteCtx } from "./ctx.js";
import { actorOf, auditArgs, type AuditSource } from "./audit.js";
import { requireStepUp } from "../stepUp.js";

/** Fields of `auth.user.update` that change how the user signs in or is reached: they need a recent proof. */
const SIGN_IN_FIELDS = ["email", "username", "phone", "emailVerificationTime", "phoneVerificationTime"] as const;

/**
 * The profile fields an admin impersonating a user may change for them:
 * what the user shows, not how they sign in (email, phone, username,
 * verification, guest status are theirs to change).
 */
const IMPERSONATION_PROFILE_FIELDS: readonly string[] = ["name", "image", "extend"];

/** `auth.user.*`: who is signed in, and their user record. */
export function userHelpers(component: ComponentApi, options: { audit?: AuditSource; reauthenticateWithinMs?: number | null } = {}) {
  const audit = () => auditArgs(options.audit);
  type User = NonNullable<FunctionReturnType<ComponentApi["users"]["get"]>>;
  type Patch = FunctionArgs<ComponentApi["users"]["update"]>["patch"];
  /** The caller, whose session holds a recent proof (`STEP_UP_REQUIRED` otherwise; `SESSION_ENDED` once it ended). */
  async function requireProof(ctx: ReadCtx) {
    const who = await requireSignedIn(ctx);
    await requireStepUp(ctx, component, who, options.reauthenticateWithinMs);
    return who;
  }
  return {
    /**
     * The signed-in user's id, or `null`. Reads no document: it comes from
     * the verified access token.
     *
     * @example
     * ```ts
     * const userId = await auth.user.id(ctx);
     * if (userId === null) return [];
     * ```
     */
    async id(ctx: AuthCtx): Promise<string | null> {
      return (await signedIn(ctx))?.userId ?? null;
    },

    /** The signed-in user's id; throws `NOT_SIGNED_IN` when nobody is signed in. */
    async require(ctx: AuthCtx): Promise<string> {
      return (await requireSignedIn(ctx)).userId;
    },

    /**
     * A user record: `userId`'s, or the signed-in user's when omitted. `null`
     * if none, also for a string that is no user id (and for a user being
     * deleted: the record goes first). `userId` may also be the id a user
     * imported from @convex-dev/auth had there (their `users` document in
     * the app's tables, `legacyId`): an id that is none of ours is looked
     * up as that (a second read).
     */
    async get(ctx: ReadCtx, userId?: string): Promise<User | null> {
      const id = userId ?? (await signedIn(ctx))?.userId;
      if (id === undefined) return null;
      const user = await ctx.runQuery(component.users.get, { userId: id });
      if (user !== null || userId === undefined) return user;
      return await ctx.runQuery(component.users.get, { legacyId: userId });
    },

    /**
     * The signed-in user's id in @convex-dev/auth, for a user imported from
     * it (docs/migrating-from-convex-auth.md): the `users` document id the
     * app's own tables still point at. `null` when nobody is signed in or
     * the user was not imported (signed up since). One read.
     *
     * @example
     * ```ts
     * const legacyId = await auth.user.legacyId(ctx);
     * const owner = legacyId === null ? null : ctx.db.normalizeId("users", legacyId);
     * ```
     */
    async legacyId(ctx: ReadCtx): Promise<string | null> {
      const who = await signedIn(ctx);
      if (who === null) return null;
      const user = await ctx.runQuery(component.users.get, { userId: who.userId });
      return user?.legacyId ?? null;
    },

    /**
     * Updates the signed-in user's profile fields (`null` unsets one). A
     * changed (or unset) `email` or `phone` is unverified: its
     * `emailVerificationTime` / `phoneVerificationTime` is cleared unless
     * the patch sets it; saving the same address again keeps it.
     * `EMAIL_TAKEN` when another user has the new email. A `username` (a
     * second name to sign in with, docs/password.md) is normalised and must
     * follow the rules (`INVALID_USERNAME`) and be free (`USERNAME_TAKEN`,
     * decided in the transaction: of two users taking one at once, one gets
     * it); `null` removes it. `INVALID_ARGUMENT`
     * for a `name` over 200 characters, an `image` over 2,048 or an `extend`
     * whose JSON is over 8 KiB. Changing `email`, `username` or `phone`
     * (or their verification) needs a recent proof in the session
     * (`STEP_UP_REQUIRED`, see `auth.stepUp`). An admin impersonating the
     * user may change `name`, `image` and `extend` only (`IMPERSONATING` for
     * the rest), recorded with the admin as actor. Needs a live session (`NOT_SIGNED_IN`,
     * `SESSION_ENDED`). Nothing is written when it throws. Another user's
     * record: `auth.admin.user.update`.
     *
     * @example
     * ```ts
     * await auth.user.update(ctx, { name: "Ada Lovelace", image: null });
     * await auth.user.update(ctx, { username: "lovelace" });
     * ```
     */
    async update(ctx: WriteCtx, patch: Patch): Promise<void> {
      const { userId, impersonatorUserId } = await requireLiveSession(ctx, component);
      if (impersonatorUserId !== undefined && typeof patch === "object" && patch !== null) {
        const theirs = Object.keys(patch).filter((field) => !IMPERSONATION_PROFILE_FIELDS.includes(field));
        if (theirs.length > 0) throw authError("IMPERSONATING", `Not while impersonating: ${theirs.join(", ")} is the user's own to change`);
      }
      const touchesSignIn =
        typeof patch === "object" && patch !== null && SIGN_IN_FIELDS.some((field) => (patch as Record<string, unknown>)[field] !== undefined);
      if (touchesSignIn) await requireProof(ctx);
      await ctx.runMutation(component.users.update, {
        userId,
        patch,
        ...(impersonatorUserId !== undefined ? { actorUserId: impersonatorUserId } : {}),
        ...(await audit()),
      });
    },

    /**
     * Deletes the signed-in user and everything of theirs (accounts,
     * sessions, tokens, factors, keys, memberships...). The user record goes
     * at once; large amounts continue in background transactions, which the
     * hourly sweep resumes should one be lost or fail. Needs a live session.
     *
     * Refuses with `LAST_OWNER`, deleting nothing, when the user is the only
     * `"owner"` of a group: first make another member owner
     * (`auth.member.updateRole`) or delete the group (`auth.group.delete`).
     * Another user: `auth.admin.user.delete`. Needs a recent proof in the
     * session (`STEP_UP_REQUIRED`, see `auth.stepUp`).
     * `IMPERSONATING` for an admin impersonating the user.
     *
     * @example
     * ```ts
     * await auth.user.delete(ctx);
     * ```
     */
    async delete(ctx: WriteCtx): Promise<void> {
      const { userId } = await requireProof(ctx);
      // The user is the actor: `user_deleted` is kept under no user, so it says who did it.
      await ctx.runMutation(component.users.delete, { userId, actorUserId: userId, ...(await audit()) });
    },
  };
}

/** The filters of `auth.admin.user.list`. */
export type UserListFilter = NonNullable<FunctionArgs<ComponentApi["users"]["list"]>["filter"]>;
/** A page of `auth.admin.user.list`. */
export type UserListPage = FunctionReturnType<ComponentApi["users"]["list"]>;
/** What `auth.admin.user.detail` returns. */
export type UserDetail = FunctionReturnType<ComponentApi["users"]["detail"]>;
/** A factor `auth.admin.user.removeFactor` removes. */
export type AdminFactorRef = { kind: "totp" | "passkey"; id: string };

const LIST_FILTERS: readonly unknown[] = ["banned", "unverified", "has2fa"];
const FACTOR_KINDS: readonly unknown[] = ["totp", "passkey"];

/** `INVALID_ARGUMENT` unless `value` is a string (a caller's `v.any()` or an untyped call). */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") throw authError("INVALID_ARGUMENT", `${name} must be a string`);
  return value;
}

/** The user id argument of the admin helpers, checked before any call. */
function userIdOf(args: unknown): string {
  if (typeof args !== "object" || args === null) throw authError("INVALID_ARGUMENT", "Give { userId }");
  return requireString((args as { userId?: unknown }).userId, "userId");
}

/**
 * Pagination options as Convex's validator takes them, or `INVALID_ARGUMENT`
 * (so a malformed one is a coded error, not the component's validator error).
 */
export function paginationOptsOf(value: unknown): PaginationOptions {
  if (typeof value !== "object" || value === null) throw authError("INVALID_ARGUMENT", "paginationOpts is required");
  const { numItems, cursor, endCursor, id, maximumRowsRead, maximumBytesRead } = value as Record<string, unknown>;
  const number = (x: unknown) => x === undefined || (typeof x === "number" && Number.isFinite(x));
  if (typeof numItems !== "number" || !(cursor === null || typeof cursor === "string")) {
    throw authError("INVALID_ARGUMENT", "paginationOpts needs numItems and a cursor (null for the first page)");
  }
  if (!(endCursor === undefined || endCursor === null || typeof endCursor === "string") || ![id, maximumRowsRead, maximumBytesRead].every(number)) {
    throw authError("INVALID_ARGUMENT", "Malformed paginationOpts");
  }
  return {
    numItems,
    cursor,
    ...(typeof endCursor === "string" || endCursor === null ? { endCursor } : {}),
    ...(id !== undefined ? { id: id as number } : {}),
    ...(maximumRowsRead !== undefined ? { maximumRowsRead: maximumRowsRead as number } : {}),
    ...(maximumBytesRead !== undefined ? { maximumBytesRead: maximumBytesRead as number } : {}),
  };
}

/**
 * `auth.admin.user.*`: any user's record, for admin tools. No check of its
 * own beyond a live session when called with one of our access tokens: the
 * caller must be an admin, checked by `Auth()` (see helpers/admin.ts). What
 * an admin does to a user is recorded with the admin as `actorUserId`.
 */
export function userAdminHelpers(component: ComponentApi, options: { anonymousProviders?: string[]; audit?: AuditSource } = {}) {
  type Patch = FunctionArgs<ComponentApi["users"]["update"]>["patch"];
  const ignoreProviders = options.anonymousProviders ?? [];
  const audit = () => auditArgs(options.audit);
  return {
    /** Updates `userId`'s profile fields, as `auth.user.update` does; `NOT_FOUND` for an unknown user (or a string that is no user id). */
    async update(ctx: RunMutationCtx & Partial<AuthCtx>, userId: string, patch: Patch): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.update, { userId, patch, ...(await actorOf(ctx)), ...(await audit()) });
    },

    /**
     * Bans `userId`: every session ends at once (a connected client signs
     * out), and every sign-in, refresh and API key of theirs is refused
     * with `USER_BANNED` until `expirationTime` (ms since the epoch), or
     * until `unban` without one. `reason` (1 to 500 characters) is kept
     * and audited, with the admin as actor. `NOT_FOUND` for an unknown user.
     */
    async ban(ctx: RunMutationCtx & Partial<AuthCtx>, userId: string, ban: { reason: string; expirationTime?: number }): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.ban, { userId, ...ban, ...(who !== null ? { actorUserId: who.userId } : {}), ...(await audit()) });
    },

    /** Lifts `userId`'s ban: they may sign in again, their API keys work again. */
    async unban(ctx: RunMutationCtx & Partial<AuthCtx>, userId: string): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.unban, { userId, ...(who !== null ? { actorUserId: who.userId } : {}), ...(await audit()) });
    },

    /** Deletes `userId` and everything of theirs, as `auth.user.delete` does; `NOT_FOUND` for an unknown user. */
    async delete(ctx: RunMutationCtx & Partial<AuthCtx>, userId: string): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.delete, { userId, ...(await actorOf(ctx)), ...(await audit()) });
    },

    /**
     * Users, a page at a time (for `usePaginatedQuery`), each page one index
     * range, so a page costs the same however many users there are:
     * - no `search` or `filter`: newest first;
     * - `filter`: `"banned"` (banned now; most recently banned first),
     *   `"unverified"` (no `emailVerificationTime`; users without an email,
     *   guests and phone-only users, count too), `"has2fa"` (an active TOTP
     *   factor or a two-factor passkey); the last two newest first;
     * - `search`: users whose email starts with it (compared as emails are
     *   stored: trimmed, lower case), in email order, then users whose name
     *   starts with it (case-insensitive), in name order. A prefix range
     *   cannot also be in creation order. The page where the emails end may
     *   be short;
     * - `search` and `filter`: the search's pages, keeping the users the
     *   filter takes: the cost stays flat, but a page may hold fewer users
     *   than asked, even none, before the end (no index holds both).
     * `isDone` is what ends the list. `INVALID_ARGUMENT` for a search over
     * 320 characters, an unknown filter, `numItems` outside 1..200 or a
     * cursor of another search or filter.
     *
     * @example
     * ```ts
     * export const users = query({
     *   args: { search: v.optional(v.string()), paginationOpts: paginationOptsValidator },
     *   handler: async (ctx, args) => {
     *     await auth.session.require(ctx); // a public function: no signed-out callers
     *     return await auth.admin.user.list(ctx, args);
     *   },
     * });
     * ```
     */
    async list(
      ctx: RunQueryCtx,
      args: { search?: string; filter?: UserListFilter; paginationOpts: PaginationOptions },
    ): Promise<UserListPage> {
      if (typeof args !== "object" || args === null) throw authError("INVALID_ARGUMENT", "Give { paginationOpts }");
      const { search, filter } = args;
      if (search !== undefined) requireString(search, "search");
      if (filter !== undefined && !LIST_FILTERS.includes(filter)) {
        throw authError("INVALID_ARGUMENT", `filter is one of ${LIST_FILTERS.join(", ")}`);
      }
      return await ctx.runQuery(component.users.list, {
        ...(search !== undefined ? { search } : {}),
        ...(filter !== undefined ? { filter } : {}),
        paginationOpts: paginationOptsOf(args.paginationOpts),
      });
    },

    /**
     * Everything about `userId` for an admin: the user, accounts by provider
     * (`hasSecret` in place of a password hash), sessions (device, IP when
     * stored, start, last use, live), TOTP factors, passkeys, recovery codes
     * left, API keys (metadata only) and groups with the role. No secret or
     * hash ever. Lists are capped (accounts 20, sessions 50, TOTP factors
     * 10, API keys 50, groups 50; passkeys are at most 100) and `truncated`
     * says which were cut. `NOT_FOUND` for an unknown user or a string that
     * is no user id.
     */
    async detail(ctx: RunQueryCtx, args: { userId: string }): Promise<UserDetail> {
      return await ctx.runQuery(component.users.detail, { userId: userIdOf(args) });
    },

    /**
     * Signs `userId` out everywhere: every session ends (`admin_revoke`), a
     * connected client signs out at once. Returns how many ended now
     * (`continuing`: more than 1,000, the rest end in the background).
     * Audited with the admin as actor. `NOT_FOUND` for an unknown user.
     */
    async revokeSessions(ctx: RunMutationCtx & Partial<AuthCtx>, args: { userId: string }): Promise<{ ended: number; continuing: boolean }> {
      const userId = userIdOf(args);
      return await ctx.runMutation(component.users.revokeSessions, { userId, ...(await actorOf(ctx)), ...(await audit()) });
    },

    /**
     * Marks `userId`'s email verified now (the admin vouches for it:
     * nothing of the user is cleared, unlike a first proof of the
     * mailbox). Returns `false`, writing nothing, when it was verified
     * already. Audited (`email_verified`) with the admin as actor.
     * `NOT_FOUND` for an unknown user, `INVALID_ARGUMENT` for a user
     * without an email.
     */
    async markEmailVerified(ctx: RunMutationCtx & Partial<AuthCtx>, args: { userId: string }): Promise<boolean> {
      const userId = userIdOf(args);
      return await ctx.runMutation(component.users.markEmailVerified, { userId, ...(await actorOf(ctx)), ...(await audit()) });
    },

    /**
     * Removes one of `userId`'s factors: `{ kind: "totp", id }` (a TOTP
     * factor) or `{ kind: "passkey", id }`, which must be theirs
     * (`NOT_FOUND` otherwise). A passkey that is their last way to sign in
     * stays (`LAST_FACTOR`); the last second factor may go even with
     * `TOTP({ required: true })` (a lost device: the user signs in with
     * their first factor and enrols again), and their recovery codes go
     * with it. Audited (`totp_removed` / `passkey_removed`) with the admin
     * as actor. `INVALID_ARGUMENT` for another `kind`.
     */
    async removeFactor(ctx: RunMutationCtx & Partial<AuthCtx>, args: { userId: string; factor: AdminFactorRef }): Promise<void> {
      const userId = userIdOf(args);
      const factor: unknown = args.factor;
      if (typeof factor !== "object" || factor === null || !FACTOR_KINDS.includes((factor as { kind?: unknown }).kind)) {
        throw authError("INVALID_ARGUMENT", 'factor is { kind: "totp" | "passkey", id }');
      }
      const { kind, id } = factor as { kind: "totp" | "passkey"; id: unknown };
      await ctx.runMutation(component.users.removeFactor, {
        userId,
        factor: { kind, id: requireString(id, "factor.id") },
        ...(ignoreProviders.length > 0 ? { ignoreProviders } : {}),
        ...(await actorOf(ctx)),
        ...(await audit()),
      });
    },
  };
}
