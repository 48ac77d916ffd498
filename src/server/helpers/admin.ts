import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import type { AuthCtx } from "../identity.js";
import { refuseImpersonation, requireLiveCaller } from "../session/live.js";
import type { RunQueryCtx } from "./ctx.js";

/** Who is an admin: the app decides (a flag on its own profile row, a role in a group, a list of emails). */
export type AdminOptions = {
  isAdmin: (ctx: RunQueryCtx & Partial<AuthCtx>, userId: string) => boolean | Promise<boolean>;
  /**
   * Lets admins impersonate users (`signIn("impersonate", { userId })`; see
   * docs/sessions.md, "Impersonation"): `true`, or how long one lasts
   * (`durationMs`, 1 s to 1 hour; default 1 hour). Off without it.
   */
  impersonation?: boolean | { durationMs?: number };
};

type Helpers = Record<string, (ctx: never, ...args: never[]) => Promise<unknown>>;

/**
 * `auth.admin.*`: every helper first checks the caller. Called with one of
 * our access tokens, its session must be live (`SESSION_ENDED`), no
 * impersonation (`IMPERSONATING`: an admin acting as a user is that user,
 * and users are no admins), and the
 * user an admin by the app's `admin.isAdmin` (`FORBIDDEN` otherwise, and
 * for everyone when the app configured no admin check). Called without an
 * identity (an internal function, a script, a cron) the app vouches for
 * the call and it goes ahead.
 */
export function guardedAdmin<T extends Record<string, Helpers>>(
  component: ComponentApi,
  options: AdminOptions | undefined,
  namespaces: T,
): T {
  async function requireAdmin(ctx: RunQueryCtx & Partial<AuthCtx>): Promise<void> {
    const who = refuseImpersonation(await requireLiveCaller(ctx, component));
    if (who === null) return;
    if (!options || !(await options.isAdmin(ctx, who.userId))) throw authError("FORBIDDEN", "Only an admin may do this");
  }
  const guarded: Record<string, Record<string, unknown>> = {};
  for (const [name, helpers] of Object.entries(namespaces)) {
    guarded[name] = Object.fromEntries(
      Object.entries(helpers).map(([method, run]) => [
        method,
        async (ctx: RunQueryCtx & Partial<AuthCtx>, ...args: never[]) => {
          await requireAdmin(ctx);
          return await (run as (ctx: unknown, ...args: never[]) => Promise<unknown>)(ctx, ...args);
        },
      ]),
    );
  }
  return guarded as T;
}
