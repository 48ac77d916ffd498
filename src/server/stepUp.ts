/**
 * Step-up: sensitive changes (removing a factor, new recovery codes, a new
 * password, another authenticator) need a second factor verified in the
 * same session within the last 10 minutes, when the user has one.
 */
import type { ComponentApi } from "../component/_generated/component.js";
import { authError } from "./errors.js";
import type { RunQueryCtx } from "./helpers/ctx.js";
import { STEP_UP_WINDOW_MS } from "../shared/windows.js";

/** Where a session stands for step-up. */
export type StepUpStatus = {
  /** The user has a second factor (an active TOTP factor or a two-factor passkey). */
  hasSecondFactor: boolean;
  /** Until when sensitive changes are allowed without verifying again (`null`: verify first). */
  verifiedUntil: number | null;
  /** An admin is impersonating the user in this session: what needs step-up is refused. */
  impersonated?: boolean;
};

/**
 * The step-up status of the user's session. `SESSION_ENDED` when the session
 * has ended (its access token may live on for a while).
 */
export async function stepUpStatus(
  ctx: RunQueryCtx,
  component: ComponentApi,
  who: { userId: string; sessionId: string },
): Promise<StepUpStatus> {
  const session = await ctx.runQuery(component.sessions.get, { sessionId: who.sessionId, withSecondFactor: true });
  if (session === null || session.userId !== who.userId) {
    throw authError("SESSION_ENDED", "This session has ended; sign in again");
  }
  const until = session.factorVerifiedTime === undefined ? null : session.factorVerifiedTime + STEP_UP_WINDOW_MS;
  return {
    hasSecondFactor: session.userHasSecondFactor === true,
    verifiedUntil: until !== null && until > Date.now() ? until : null,
    ...(session.impersonatorUserId !== undefined ? { impersonated: true } : {}),
  };
}

/**
 * Throws `STEP_UP_REQUIRED` unless the user has no second factor or verified
 * one in this session within the last 10 minutes; `SESSION_ENDED` when the
 * session has ended; `IMPERSONATING` in an impersonation (what needs
 * step-up is the user's own to do).
 */
export async function requireStepUp(
  ctx: RunQueryCtx,
  component: ComponentApi,
  who: { userId: string; sessionId: string },
): Promise<StepUpStatus> {
  const status = await stepUpStatus(ctx, component, who);
  if (status.impersonated) throw authError("IMPERSONATING", "Not while impersonating: the user does this themself");
  if (status.hasSecondFactor && status.verifiedUntil === null) {
    throw authError(
      "STEP_UP_REQUIRED",
      "Confirm it's you: enter a code from your authenticator app (or a recovery code) first",
    );
  }
  return status;
}
