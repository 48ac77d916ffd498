import type { AuthCtx } from "../identity.js";
import { signedIn } from "../identity.js";

/** What the server passes as `audit` to the component functions that write events (`Auth({ audit })`, resolved). */
export type AuditArg = { retentionMs: number };

/** `{ audit }` for a component call, or nothing when the helper was built without one (the component's default, 90 days). */
export function auditArgs(audit: AuditArg | undefined): { audit?: AuditArg } {
  return audit === undefined ? {} : { audit };
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
