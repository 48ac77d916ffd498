/**
 * The audit log's event types: what the component records (and the
 * lifecycle callbacks see, `Auth({ callbacks: { onEvent } })`). Every event
 * has `userId` (the subject: the user it is about, when there is one) and,
 * when someone else did it, `actorUserId`; docs/sessions.md ("The audit
 * log") lists the `data` of each.
 */
export const EVENT_TYPES = [
  "sign_up",
  "sign_in",
  "session_revoked",
  /** An admin ended all of a user's sessions (`users.revokeSessions`); each also has its `session_revoked`. */
  "sessions_revoked",
  "password_changed",
  "password_reset",
  "email_verified",
  /** A user made without an account (`users.create` without `account`: an app's or admin's call). */
  "user_created",
  /** Profile fields changed (`users.update`): the names of the fields, never their values. */
  "user_updated",
  /** Recorded without `userId` (the user's own events go with them): the id is in `data.userId`. */
  "user_deleted",
  "user_banned",
  "user_unbanned",
  /** A user (or accounts of theirs) imported from another auth system (`migration.importUsers`). */
  "user_imported",
  "api_key_created",
  "api_key_updated",
  "api_key_revoked",
  "api_key_removed",
  "api_key_rotated",
  "totp_added",
  "totp_removed",
  "recovery_codes_generated",
  "recovery_code_used",
  /**
   * A one-time code, magic link, TOTP code or recovery code was refused
   * (wrong, expired or replayed): `data.method` and `data.reason`, never the
   * code (src/component/model/refusals.ts).
   */
  "code_refused",
  "account_linked",
  /** A provider account was unlinked from its user (`credentials.remove`); `data`: `provider`, `accountId`. */
  "account_unlinked",
  "anonymous_upgraded",
  "passkey_added",
  "passkey_removed",
  "passkey_updated",
  "credentials_cleared",
  "group_created",
  "group_updated",
  "group_deleted",
  "member_added",
  "member_role_changed",
  "member_removed",
  "invite_created",
  "invite_accepted",
  "invite_revoked",
  /** An admin started a session as the user (subject: the user; actor: the admin). */
  "impersonation_started",
  /** The admin stopped it (its session also has its `session_revoked`, reason `impersonation_ended`). */
  "impersonation_ended",
] as const;

/** One of the audit log's {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];
