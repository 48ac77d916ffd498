import { v } from "convex/values";

/** Why a session ended; recorded in the audit log. */
export const revocationReason = v.union(
  v.literal("logout"),
  v.literal("user_revoke"),
  v.literal("revoke_all"),
  v.literal("password_change"),
  v.literal("password_reset"),
  v.literal("refresh_reuse"),
  v.literal("evicted"),
  v.literal("banned"),
  /** An admin signed the user out everywhere (`users.revokeSessions`). */
  v.literal("admin_revoke"),
  /** A new session took its place (TOTP enrolment confirmed). */
  v.literal("replaced"),
  /** The first proof of a mailbox never verified before: sessions from before it end. */
  v.literal("email_proven"),
  /** The admin stopped impersonating the user (`sessions.issue`, proof `endImpersonation`). */
  v.literal("impersonation_ended"),
  /**
   * The guest became a full user (a sign-up, a passkey, a linked account):
   * every guest session ends, so whoever held a guest's tokens does not
   * hold the account; the sign-up's sign-in gets a new session.
   */
  v.literal("guest_upgraded"),
);

/**
 * Why `sessions.issue` refused: the user is gone (`no_user`), the pending
 * second-factor step expired or was used (`step_expired`), the session to
 * continue or replace has ended (`session_ended`), a refresh token no
 * longer works (`invalid`, `reused`), the user is banned (`banned`), an
 * impersonation was refused (`impersonating`).
 */
export const issueRefusal = v.union(
  v.literal("no_user"),
  v.literal("step_expired"),
  v.literal("session_ended"),
  v.literal("banned"),
  /** A refresh token that is unknown, expired, or of an ended session. */
  v.literal("invalid"),
  /** A refresh token reused outside its window: the session was revoked. */
  v.literal("reused"),
  /**
   * An impersonation may not do this (continue or replace its session: a
   * new factor), or an admin session that already holds a live
   * impersonation asked for another.
   */
  v.literal("impersonating"),
);

/** A failed-attempt bucket: `max` attempts per `periodMs`, under `key`. */
export const limitConfig = v.object({
  key: v.string(),
  max: v.number(),
  periodMs: v.number(),
});

/** Whether an attempt may go ahead, and if not, when. */
export const limitState = v.object({
  ok: v.boolean(),
  retryAfterMs: v.number(),
  remaining: v.number(),
});
