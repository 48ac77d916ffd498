import type { FunctionReturnType } from "convex/server";
import { requireLiveCaller, requireLiveSelf } from "../session/live.js";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import { requireSignedIn } from "../identity.js";
import type { ReadCtx, RunMutationCtx, RunQueryCtx, WriteCtx } from "./ctx.js";
import { actorOf, auditArgs, type AuditSource } from "./audit.js";

/** A passkey as helpers return it: no key material, counter or user handle. */
export type Passkey = FunctionReturnType<ComponentApi["credentials"]["list"]>["passkeys"][number];

/** What `Auth()` tells the helpers about its providers. */
export type PasskeyHelperOptions = {
  /** Ids of anonymous providers: their accounts are no way to sign in again (for `LAST_FACTOR`). */
  anonymousProviders?: string[];
  /** The app requires two-factor authentication (`TOTP({ required: true })`): a user's last second factor stays. */
  secondFactorRequired?: boolean;
  /** What to pass as `audit` (`Auth({ audit })`, resolved). */
  audit?: AuditSource;
};

const NAME_MAX = 100;

function checkName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw authError("INVALID_ARGUMENT", `A passkey name has 1 to ${NAME_MAX} characters`);
  }
  return trimmed;
}

/**
 * The operations on one user's passkeys (`userId`) or anyone's (`undefined`,
 * admin: the caller, when it has an identity, is recorded as the actor).
 */
function passkeyOperations(component: ComponentApi, options: PasskeyHelperOptions) {
  const ignoreProviders = options.anonymousProviders ?? [];
  const keep = options.secondFactorRequired ? { keepSecondFactor: true } : {};
  const scope = (userId: string | undefined) => (userId !== undefined ? { userId } : {});
  const audited = async (ctx: RunMutationCtx, userId: string | undefined) => ({
    ...(userId === undefined ? await actorOf(ctx) : {}),
    ...(await auditArgs(options.audit)),
  });
  return {
    async list(ctx: RunQueryCtx, userId: string): Promise<Passkey[]> {
      return (await ctx.runQuery(component.credentials.list, { userId })).passkeys;
    },
    async rename(ctx: RunMutationCtx, passkeyId: string, name: string, userId?: string): Promise<void> {
      await ctx.runMutation(component.credentials.update, { passkeyId, name: checkName(name), ...scope(userId), ...(await audited(ctx, userId)) });
    },
    async setSecondFactor(ctx: RunMutationCtx, passkeyId: string, enabled: boolean, userId?: string): Promise<boolean> {
      return await ctx.runMutation(component.credentials.update, {
        passkeyId,
        secondFactor: enabled,
        ...scope(userId),
        ...keep,
        ...(await audited(ctx, userId)),
      });
    },
    async remove(ctx: RunMutationCtx, passkeyId: string, userId?: string): Promise<void> {
      await ctx.runMutation(component.credentials.remove, {
        passkeyId,
        ...scope(userId),
        ...(ignoreProviders.length > 0 ? { ignoreProviders } : {}),
        ...keep,
        ...(await audited(ctx, userId)),
      });
    },
  };
}

/**
 * `auth.passkey.*`: the signed-in user's passkeys. Registering and signing
 * in go through `signIn("passkey", ...)` (the Passkey provider); these
 * manage what is registered. Someone else's passkey is `NOT_FOUND`. Reads
 * trust the access token (`NOT_SIGNED_IN` without one); writes need a live
 * session (`SESSION_ENDED` once it ended) that is no impersonation
 * (`IMPERSONATING`). For another user's passkeys (an
 * admin tool) use `auth.admin.passkey`.
 */
export function passkeyHelpers(component: ComponentApi, options: PasskeyHelperOptions = {}) {
  const ops = passkeyOperations(component, options);
  return {
    /**
     * The signed-in user's passkeys, oldest first (at most 100 per user).
     *
     * @example
     * ```ts
     * export const myPasskeys = query({ args: {}, handler: async (ctx) => await auth.passkey.list(ctx) });
     * ```
     */
    async list(ctx: ReadCtx): Promise<Passkey[]> {
      return await ops.list(ctx, (await requireSignedIn(ctx)).userId);
    },

    /** Renames one of the user's passkeys (1 to 100 characters). `NOT_FOUND` for an unknown (or someone else's) passkey. */
    async rename(ctx: WriteCtx, passkeyId: string, name: string): Promise<void> {
      await ops.rename(ctx, passkeyId, name, (await requireLiveSelf(ctx, component)).userId);
    },

    /**
     * Makes one of the user's passkeys count as a second factor (or stop
     * counting). While a user has one, signing in with a password needs a
     * second factor (the `secondFactor` step names `"passkey"` among its
     * methods). With `TOTP({ required: true })`, turning off the last
     * second factor fails with `LAST_FACTOR`. Returns whether it changed.
     */
    async setSecondFactor(ctx: WriteCtx, passkeyId: string, enabled: boolean): Promise<boolean> {
      return await ops.setSecondFactor(ctx, passkeyId, enabled, (await requireLiveSelf(ctx, component)).userId);
    },

    /**
     * Removes one of the user's passkeys: it can no longer sign in.
     * `LAST_FACTOR` when it is their last way to sign in (no other passkey,
     * no password or other account); `NOT_FOUND` for an unknown (or someone
     * else's) passkey, also for a string that is no passkey id.
     */
    async remove(ctx: WriteCtx, passkeyId: string): Promise<void> {
      await ops.remove(ctx, passkeyId, (await requireLiveSelf(ctx, component)).userId);
    },
  };
}

/**
 * `auth.admin.passkey.*`: any user's passkeys, for admin tools. No caller
 * check of its own beyond a live session when called with one of our access
 * tokens; as `auth.admin.passkey`, `Auth()` checks the caller is an admin
 * (see helpers/admin.ts).
 */
export function passkeyAdminHelpers(component: ComponentApi, options: PasskeyHelperOptions = {}) {
  const ops = passkeyOperations(component, options);
  return {
    /** The user's passkeys, oldest first. */
    async list(ctx: RunQueryCtx, userId: string): Promise<Passkey[]> {
      return await ops.list(ctx, userId);
    },
    /** Renames any passkey. `NOT_FOUND` for an unknown one. */
    async rename(ctx: RunMutationCtx, passkeyId: string, name: string): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ops.rename(ctx, passkeyId, name);
    },
    /** Turns "for two-factor" on or off for any passkey (same rules as `auth.passkey.setSecondFactor`). */
    async setSecondFactor(ctx: RunMutationCtx, passkeyId: string, enabled: boolean): Promise<boolean> {
      await requireLiveCaller(ctx, component);
      return await ops.setSecondFactor(ctx, passkeyId, enabled);
    },
    /** Removes any passkey (same `LAST_FACTOR` rules as `auth.passkey.remove`). */
    async remove(ctx: RunMutationCtx, passkeyId: string): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ops.remove(ctx, passkeyId);
    },
  };
}
