import type { FunctionReturnType } from "convex/server";
import { requireLiveCaller } from "../session/live.js";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import type { RunMutationCtx, RunQueryCtx } from "./ctx.js";

/** A passkey as helpers return it: no key material, counter or user handle. */
export type Passkey = FunctionReturnType<ComponentApi["passkeys"]["list"]>[number];

/**
 * Restricts a call to one user's passkeys: with `userId`, a passkey of
 * anyone else is `NOT_FOUND` (`null` for `get`). Pass the signed-in user's id
 * in functions the public can call.
 */
export type PasskeyOwnerOption = { userId?: string };

/** What `Auth()` tells the helpers about its providers. */
export type PasskeyHelperOptions = {
  /** Ids of anonymous providers: their accounts are no way to sign in again (for `LAST_FACTOR`). */
  anonymousProviders?: string[];
  /** The app requires two-factor authentication (`TOTP({ required: true })`): a user's last second factor stays. */
  secondFactorRequired?: boolean;
};

const NAME_MAX = 100;

function checkName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw authError("INVALID_ARGUMENT", `A passkey name has 1 to ${NAME_MAX} characters`);
  }
  return trimmed;
}

function owner(option: PasskeyOwnerOption): { userId?: string } {
  return option.userId !== undefined ? { userId: option.userId } : {};
}

/**
 * `auth.passkey.*`: the passkeys of a user. Registering and signing in go
 * through `signIn("passkey", ...)` (the Passkey provider); these manage
 * what is registered. Reads work in queries, mutations and actions; writes
 * in mutations and actions.
 */
export function passkeyHelpers(component: ComponentApi, options: PasskeyHelperOptions = {}) {
  const ignoreProviders = options.anonymousProviders ?? [];
  return {
    /**
     * The user's passkeys, oldest first (at most 100 per user).
     *
     * @example
     * ```ts
     * export const myPasskeys = query({
     *   args: {},
     *   handler: async (ctx) => auth.passkey.list(ctx, { userId: await auth.user.require(ctx) }),
     * });
     * ```
     */
    async list(ctx: RunQueryCtx, { userId }: { userId: string }): Promise<Passkey[]> {
      return await ctx.runQuery(component.passkeys.list, { userId });
    },

    /** One passkey, or `null` (also for a string that is no passkey id, and for someone else's with `{ userId }`). */
    async get(ctx: RunQueryCtx, passkeyId: string, option: PasskeyOwnerOption = {}): Promise<Passkey | null> {
      const passkey = await ctx.runQuery(component.passkeys.get, { passkeyId });
      if (passkey === null || (option.userId !== undefined && passkey.userId !== option.userId)) return null;
      return passkey;
    },

    /** Renames a passkey (1 to 100 characters). `NOT_FOUND` for an unknown (or someone else's) passkey. */
    async rename(ctx: RunMutationCtx, passkeyId: string, name: string, option: PasskeyOwnerOption = {}): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.passkeys.rename, { passkeyId, name: checkName(name), ...owner(option) });
    },

    /**
     * Makes a passkey count as a second factor (or stop counting). While a
     * user has one, signing in with a password needs a second factor:
     * `signIn("passkey", { flow: "second-factor" }, verifier)`. Returns
     * whether it changed.
     */
    async setSecondFactor(
      ctx: RunMutationCtx,
      passkeyId: string,
      enabled: boolean,
      option: PasskeyOwnerOption = {},
    ): Promise<boolean> {
      await requireLiveCaller(ctx, component);
      return await ctx.runMutation(component.passkeys.setSecondFactor, {
        passkeyId,
        enabled,
        ...owner(option),
        ...(options.secondFactorRequired ? { keepSecondFactor: true } : {}),
      });
    },

    /**
     * Removes a passkey: it can no longer sign in. `LAST_FACTOR` when it is
     * the user's last way to sign in (no other passkey, no password or other
     * account); `NOT_FOUND` for an unknown (or someone else's) passkey, also
     * for a string that is no passkey id.
     */
    async remove(ctx: RunMutationCtx, passkeyId: string, option: PasskeyOwnerOption = {}): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.passkeys.remove, {
        passkeyId,
        ...owner(option),
        ...(ignoreProviders.length > 0 ? { ignoreProviders } : {}),
        ...(options.secondFactorRequired ? { keepSecondFactor: true } : {}),
      });
    },
  };
}
