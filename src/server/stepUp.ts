/**
 * Step-up: sensitive changes (a new way in, removing a factor, new recovery
 * codes, a new email or username, an API key, deleting the account) need a
 * recent proof in the same session, for every user:
 * - a user with a second factor must have verified it within the last
 *   10 minutes (a password alone does not count for them);
 * - any other user must have signed in, proved their password again
 *   (`signIn("password", { flow: "reauthenticate" })`) or used a passkey
 *   within the fresh-proof window (`Auth({ reauthenticateWithinMs })`,
 *   default 10 minutes);
 * - guests (anonymous users) have nothing to prove again and are exempt.
 * A stolen access token alone therefore cannot plant a lasting way in.
 */
import type { ComponentApi } from "../component/_generated/component.js";
import { authError } from "./errors.js";
import type { RunQueryCtx } from "./helpers/ctx.js";
import { STEP_UP_WINDOW_MS } from "../shared/windows.js";

/** Where a session stands for step-up. */
export type StepUpStatus = {
  /** The user has a second factor (an active TOTP factor or a two-factor passkey). */
  hasSecondFactor: boolean;
  /** A proof is needed before the next sensitive change: the second factor when `hasSecondFactor`, else the password, a passkey or a new sign-in. */
  required: boolean;
  /** Until when the session's latest proof allows sensitive changes (`null`: none does, or no proof is ever needed: see `required`). */
  verifiedUntil: number | null;
  /** An admin is impersonating the user in this session: what needs step-up is refused. */
  impersonated?: boolean;
};

/** The session fields the rule reads (`sessions.get` with `withSecondFactor`). */
type SessionProofs = {
  _creationTime: number;
  factorVerifiedTime?: number;
  authTime?: number;
  userHasSecondFactor?: boolean;
  userIsAnonymous?: boolean;
};

/**
 * The module's rule, pure: until when the session's proofs allow sensitive
 * changes (`"always"` for guests, and for users without a second factor
 * when `freshWithinMs` is `null`), or `null` when a proof is needed now.
 */
export function proofValidUntil(session: SessionProofs, freshWithinMs: number | null, now: number): number | "always" | null {
  if (session.userIsAnonymous === true) return "always";
  let until: number;
  if (session.userHasSecondFactor === true) {
    if (session.factorVerifiedTime === undefined) return null;
    until = session.factorVerifiedTime + STEP_UP_WINDOW_MS;
  } else {
    if (freshWithinMs === null) return "always";
    until = Math.max(session._creationTime, session.authTime ?? 0, session.factorVerifiedTime ?? 0) + freshWithinMs;
  }
  return until > now ? until : null;
}

/**
 * The step-up status of the user's session. `SESSION_ENDED` when the session
 * has ended (its access token may live on for a while). `freshWithinMs`: the
 * fresh-proof window for users without a second factor (`null`: none).
 */
export async function stepUpStatus(
  ctx: RunQueryCtx,
  component: ComponentApi,
  who: { userId: string; sessionId: string },
  freshWithinMs: number | null | undefined = STEP_UP_WINDOW_MS,
): Promise<StepUpStatus> {
  const session = await ctx.runQuery(component.sessions.get, { sessionId: who.sessionId, withSecondFactor: true });
  if (session === null || session.userId !== who.userId) {
    throw authError("SESSION_ENDED", "This session has ended; sign in again");
  }
  const until = proofValidUntil(session, freshWithinMs, Date.now());
  return {
    hasSecondFactor: session.userHasSecondFactor === true,
    required: until === null,
    verifiedUntil: typeof until === "number" ? until : null,
    ...(session.impersonatorUserId !== undefined ? { impersonated: true } : {}),
  };
}

/**
 * Throws `STEP_UP_REQUIRED` unless the session holds a recent enough proof
 * (the module's rule); `SESSION_ENDED` when the session has ended.
 * `IMPERSONATING` in an impersonation (what needs step-up is the user's own
 * to do).
 */
export async function requireStepUp(
  ctx: RunQueryCtx,
  component: ComponentApi,
  who: { userId: string; sessionId: string },
  freshWithinMs: number | null | undefined = STEP_UP_WINDOW_MS,
): Promise<StepUpStatus> {
  const status = await stepUpStatus(ctx, component, who, freshWithinMs);
  if (status.impersonated) throw authError("IMPERSONATING", "Not while impersonating: the user does this themself");
  if (status.required) {
    throw authError(
      "STEP_UP_REQUIRED",
      status.hasSecondFactor
        ? "Confirm it's you: enter a code from your authenticator app (or a recovery code) first"
        : "Confirm it's you: enter your password again (or use a passkey, or sign in again) first",
    );
  }
  return status;
}

/**
 * Throws `STEP_UP_REQUIRED` only when the user has a second factor they have
 * not verified in this session within the last 10 minutes: for changes that
 * carry their own first-factor proof (a password change checks the current
 * password).
 */
export async function requireSecondFactorStepUp(
  ctx: RunQueryCtx,
  component: ComponentApi,
  who: { userId: string; sessionId: string },
): Promise<StepUpStatus> {
  return await requireStepUp(ctx, component, who, null);
}
