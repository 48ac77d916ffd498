import type { FunctionArgs, FunctionReturnType } from "convex/server";
import { requireLiveCaller, requireLiveSession } from "../session/live.js";
import type { ComponentApi } from "../../component/_generated/component.js";
import { requireSignedIn, signedIn, type AuthCtx } from "../identity.js";
import type { ReadCtx, RunMutationCtx, WriteCtx } from "./ctx.js";

/** `auth.user.*`: who is signed in, and their user record. */
export function userHelpers(component: ComponentApi) {
  type User = NonNullable<FunctionReturnType<ComponentApi["users"]["get"]>>;
  type Patch = FunctionArgs<ComponentApi["users"]["update"]>["patch"];
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
     * deleted: the record goes first).
     */
    async get(ctx: ReadCtx, userId?: string): Promise<User | null> {
      const id = userId ?? (await signedIn(ctx))?.userId;
      if (id === undefined) return null;
      return await ctx.runQuery(component.users.get, { userId: id });
    },

    /**
     * Updates the signed-in user's profile fields (`null` unsets one). A
     * changed (or unset) `email` or `phone` is unverified: its
     * `emailVerificationTime` / `phoneVerificationTime` is cleared unless
     * the patch sets it; saving the same address again keeps it.
     * `EMAIL_TAKEN` when another user has the new email; `INVALID_ARGUMENT`
     * for a `name` over 200 characters, an `image` over 2,048 or an `extend`
     * whose JSON is over 8 KiB. Needs a live session (`NOT_SIGNED_IN`,
     * `SESSION_ENDED`). Nothing is written when it throws. Another user's
     * record: `auth.admin.user.update`.
     *
     * @example
     * ```ts
     * await auth.user.update(ctx, { name: "Ada Lovelace", image: null });
     * ```
     */
    async update(ctx: WriteCtx, patch: Patch): Promise<void> {
      const { userId } = await requireLiveSession(ctx, component);
      await ctx.runMutation(component.users.update, { userId, patch });
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
     * Another user: `auth.admin.user.delete`.
     *
     * @example
     * ```ts
     * await auth.user.delete(ctx);
     * ```
     */
    async delete(ctx: WriteCtx): Promise<void> {
      const { userId } = await requireLiveSession(ctx, component);
      await ctx.runMutation(component.users.delete, { userId });
    },
  };
}

/**
 * `auth.admin.user.*`: any user's record, for admin tools. No check of its
 * own beyond a live session when called with one of our access tokens: the
 * caller must be an admin, checked by `Auth()` (see helpers/admin.ts).
 */
export function userAdminHelpers(component: ComponentApi) {
  type Patch = FunctionArgs<ComponentApi["users"]["update"]>["patch"];
  return {
    /** Updates `userId`'s profile fields, as `auth.user.update` does; `NOT_FOUND` for an unknown user (or a string that is no user id). */
    async update(ctx: RunMutationCtx, userId: string, patch: Patch): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.update, { userId, patch });
    },

    /**
     * Bans `userId`: every session ends at once (a connected client signs
     * out), and every sign-in, refresh and API key of theirs is refused
     * with `USER_BANNED` until `expirationTime` (ms since the epoch), or
     * until `unban` without one. `reason` (1 to 500 characters) is kept
     * and audited. `NOT_FOUND` for an unknown user.
     */
    async ban(ctx: RunMutationCtx, userId: string, ban: { reason: string; expirationTime?: number }): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.ban, { userId, ...ban });
    },

    /** Lifts `userId`'s ban: they may sign in again, their API keys work again. */
    async unban(ctx: RunMutationCtx, userId: string): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.unban, { userId });
    },

    /** Deletes `userId` and everything of theirs, as `auth.user.delete` does; `NOT_FOUND` for an unknown user. */
    async delete(ctx: RunMutationCtx, userId: string): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.users.delete, { userId });
    },
  };
}
