import type { FunctionArgs, FunctionReturnType } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { requireSignedIn, signedIn, type AuthCtx } from "../identity.js";
import type { ReadCtx, WriteCtx } from "./ctx.js";

/** `auth.user.*`: who is signed in, and their user record. */
export function userHelpers(component: ComponentApi) {
  type User = NonNullable<FunctionReturnType<ComponentApi["users"]["get"]>>;
  type Patch = FunctionArgs<ComponentApi["users"]["patch"]>["patch"];
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

    /** A user record: `userId`'s, or the signed-in user's when omitted. `null` if none. */
    async get(ctx: ReadCtx, userId?: string): Promise<User | null> {
      const id = userId ?? (await signedIn(ctx))?.userId;
      if (id === undefined) return null;
      return await ctx.runQuery(component.users.get, { userId: id });
    },

    /** Updates a user's profile fields (`null` unsets one). */
    async update(ctx: WriteCtx, userId: string, patch: Patch): Promise<void> {
      await ctx.runMutation(component.users.patch, { userId, patch });
    },

    /**
     * Deletes a user and everything of theirs (accounts, sessions, tokens,
     * factors, keys...). Large amounts continue in background transactions.
     */
    async delete(ctx: WriteCtx, userId: string): Promise<void> {
      await ctx.runMutation(component.users.delete, { userId });
    },
  };
}
