/**
 * Live sessions. An access token is trusted until it expires without a
 * read (`auth.user.id`); these read the session (one document, reactive) so
 * an ended session stops working at once where it matters. What they
 * return says whether an admin is impersonating the user, read from the
 * session itself (`impersonatorUserId`).
 */
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import { signedIn, type AuthCtx, type SignedIn } from "../identity.js";
import type { RunQueryCtx } from "../helpers/ctx.js";

/**
 * The caller's user and session, read live: `NOT_SIGNED_IN` without our
 * access token, `SESSION_ENDED` when its session was signed out, revoked or
 * has expired (the token itself may live on until its `exp`), or when it
 * is an impersonation whose admin's session ended.
 */
export async function requireLiveSession(ctx: AuthCtx & RunQueryCtx, component: ComponentApi): Promise<SignedIn> {
  const who = await signedIn(ctx);
  if (who === null) throw authError("NOT_SIGNED_IN", "Sign in first");
  return await assertLive(ctx, component, who);
}

/**
 * {@link requireLiveSession} for what is the user's own to do (their
 * credentials, sessions, sign-in identifiers, deleting the account):
 * `IMPERSONATING` when an admin is impersonating them.
 */
export async function requireLiveSelf(ctx: AuthCtx & RunQueryCtx, component: ComponentApi): Promise<SignedIn> {
  return refuseImpersonation(await requireLiveSession(ctx, component));
}

/** `who`, unless an admin is impersonating the user (`IMPERSONATING`). */
export function refuseImpersonation<T extends SignedIn | null>(who: T): T {
  if (who?.impersonatorUserId !== undefined) {
    throw authError("IMPERSONATING", "Not while impersonating: the user does this themself");
  }
  return who;
}

/**
 * `SESSION_ENDED` unless `who`'s session is live; `who` as the session
 * says (with its `impersonatorUserId`, or without one: the session decides,
 * not the token).
 */
export async function assertLive(ctx: RunQueryCtx, component: ComponentApi, who: SignedIn): Promise<SignedIn> {
  const session = await ctx.runQuery(component.sessions.get, { sessionId: who.sessionId });
  if (session === null || session.userId !== who.userId) {
    throw authError("SESSION_ENDED", "This session has ended; sign in again");
  }
  const { userId, sessionId } = who;
  return session.impersonatorUserId !== undefined ? { userId, sessionId, impersonatorUserId: session.impersonatorUserId } : { userId, sessionId };
}

/**
 * For helpers that take the user as an argument (they also serve admin
 * tools and internal functions, which have no caller): when the call comes
 * with one of our access tokens, its session must be live (`SESSION_ENDED`
 * otherwise). Without an identity it passes: the app vouches for the call.
 */
export async function requireLiveCaller(ctx: Partial<AuthCtx> & RunQueryCtx, component: ComponentApi): Promise<SignedIn | null> {
  if (ctx.auth === undefined) return null;
  const who = await signedIn(ctx as AuthCtx);
  return who === null ? null : await assertLive(ctx, component, who);
}
