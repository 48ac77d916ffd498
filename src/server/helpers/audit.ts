import type { HooksArg } from "../../shared/hooks.js";
import type { AuthCtx } from "../identity.js";
import { signedIn } from "../identity.js";

/**
 * What the server passes as `audit` to the component functions that write
 * events: the retention (`Auth({ audit })`, resolved) and, with
 * `Auth({ callbacks })`, the handle of the app's `hooks` mutation.
 */
export type AuditArg = { retentionMs: number; hooks?: HooksArg };

/**
 * Where a helper gets its `audit`: as it is, or per call (`Auth()` makes the
 * callbacks' function handle in the function that calls, see hooks/handle.ts).
 */
export type AuditSource = AuditArg | (() => Promise<AuditArg>);

/** `{ audit }` for a component call, or nothing when the helper was built without one (the component's default, 90 days). */
export async function auditArgs(audit: AuditSource | undefined): Promise<{ audit?: AuditArg }> {
  if (audit === undefined) return {};
  return { audit: typeof audit === "function" ? await audit() : audit };
}

/**
 * The caller's user id, recorded as the actor of what a helper does to
 * someone else (an admin, a group's owner); nothing without an identity
 * (the app's own call). Reads nothing: the helpers that record an actor
 * checked the session is live first (helpers/admin.ts, `requireLiveCaller`).
 */
export async function actorOf(ctx: Partial<AuthCtx> | object): Promise<{ actorUserId?: string }> {
  const auth = (ctx as Partial<AuthCtx>).auth;
  if (auth === undefined) return {};
  const who = await signedIn({ auth });
  return who === null ? {} : { actorUserId: who.userId };
}
