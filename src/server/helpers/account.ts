import type { ComponentApi } from "../../component/_generated/component.js";
import { requireSignedIn } from "../identity.js";
import type { AuthProvider, ProviderType } from "../provider.js";
import { requireStepUp } from "../stepUp.js";
import type { ReadCtx, WriteCtx } from "./ctx.js";
import { auditArgs, type AuditSource } from "./audit.js";
import { requireString } from "./user.js";

/** One of the signed-in user's ways to sign in by a provider, as `auth.account.list` returns it. */
export type LinkedAccount = {
  accountId: string;
  /** The provider's id (`"github"`, `"password"`, `"email"`). */
  provider: string;
  /** The kind of provider (`"oauth"`, `"credentials"`, ...), `null` when `Auth()` no longer has it. */
  type: ProviderType | null;
  /** When it was made: the sign-up, or when it was linked (ms since the epoch). */
  linkedTime: number;
  /** The address it goes with, where known: a password's or email login's, the one an OAuth provider gave. */
  email: string | null;
  /** A phone login's number. */
  phone: string | null;
};

/** What `Auth()` tells `auth.account` about its providers. */
export type AccountHelperOptions = {
  /** The configured providers (for each account's type; anonymous ones are no way to sign in). */
  providers?: readonly AuthProvider[];
  /** What to pass as `audit` (`Auth({ audit })`, resolved). */
  audit?: AuditSource;
  /** `Auth({ reauthenticateWithinMs })`, resolved: the fresh-proof window of step-up. */
  reauthenticateWithinMs?: number | null;
};

/**
 * `auth.account.*`: the signed-in user's accounts (a password, OAuth
 * identities, email and phone logins), as an account page lists them, and
 * disconnecting one. Connecting another is a sign-in in link mode:
 * `signIn("github", { link: true })` while signed in (see
 * docs/oauth-email-phone.md, "Linking while signed in").
 */
export function accountHelpers(component: ComponentApi, options: AccountHelperOptions = {}) {
  const types = new Map((options.providers ?? []).map((p) => [p.id, p.type]));
  const anonymous = [...types].filter(([, type]) => type === "anonymous").map(([id]) => id);
  const audit = () => auditArgs(options.audit);
  return {
    /**
     * The signed-in user's accounts, by provider (at most 20): never a
     * secret or hash. Guest (anonymous) accounts are left out: they are no
     * way to sign in. Trusts the access token (`NOT_SIGNED_IN` without one),
     * like the other lists.
     *
     * @example
     * ```ts
     * export const linkedAccounts = query({ args: {}, handler: async (ctx) => await auth.account.list(ctx) });
     * ```
     */
    async list(ctx: ReadCtx): Promise<LinkedAccount[]> {
      const { userId } = await requireSignedIn(ctx);
      const { accounts = [] } = await ctx.runQuery(component.credentials.list, { userId, withAccounts: true });
      return accounts
        .filter((account) => !anonymous.includes(account.provider))
        .map((account) => {
          const type = types.get(account.provider) ?? null;
          return {
            accountId: account._id,
            provider: account.provider,
            type,
            linkedTime: account._creationTime,
            email: account.email ?? (type === "credentials" || type === "email" ? account.providerAccountId : null),
            phone: type === "phone" ? account.providerAccountId : null,
          };
        });
    },

    /**
     * Disconnects one of the signed-in user's accounts: it no longer signs
     * in to them. `LAST_FACTOR` when it is their last way to sign in (no
     * other account but guest ones, no passkey: the same rule as removing a
     * passkey, decided in the component's transaction, so two disconnects
     * at once cannot take both of the last two ways). Needs a live session
     * (`SESSION_ENDED`) and, when the user has a second factor, a step-up
     * (`STEP_UP_REQUIRED`). `NOT_FOUND` when it is not theirs (also for a
     * string that is no account id). Audited as `account_unlinked`.
     *
     * @example
     * ```ts
     * export const unlink = mutation({
     *   args: { accountId: v.string() },
     *   handler: async (ctx, { accountId }) => await auth.account.unlink(ctx, accountId),
     * });
     * ```
     */
    async unlink(ctx: WriteCtx, accountId: string): Promise<void> {
      const id = requireString(accountId, "accountId");
      const who = await requireSignedIn(ctx);
      await requireStepUp(ctx, component, who, options.reauthenticateWithinMs);
      await ctx.runMutation(component.credentials.remove, {
        accountId: id,
        userId: who.userId,
        ...(anonymous.length > 0 ? { ignoreProviders: anonymous } : {}),
        ...(await audit()),
      });
    },
  };
}
