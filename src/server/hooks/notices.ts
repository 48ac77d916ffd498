/**
 * The security notices an audit event makes (`onSecurityNotice`): which
 * kind, and what the app needs to tell the user. Pure: the event, the user
 * after the change and, for a `user_updated`, the email and phone before.
 */
import { changedFields, isReplayedTotp, type PreviousContact } from "../../shared/hooks.js";
import type { AuthEvent, AuthUser, SecurityNoticeArgs, SecurityNoticeKind } from "./types.js";

const KIND_OF_EVENT: Partial<Record<AuthEvent["type"], SecurityNoticeKind>> = {
  password_changed: "password_changed",
  password_reset: "password_reset",
  totp_added: "factor_added",
  passkey_added: "factor_added",
  account_linked: "factor_added",
  totp_removed: "factor_removed",
  passkey_removed: "factor_removed",
  account_unlinked: "factor_removed",
  credentials_cleared: "credentials_cleared",
  recovery_codes_generated: "recovery_codes_generated",
};

/** The factor a `factor_added` / `factor_removed` event is about. */
function factorOf(event: AuthEvent): string | undefined {
  if (event.type.startsWith("totp_")) return "totp";
  if (event.type.startsWith("passkey_")) return "passkey";
  const provider = event.data?.provider;
  return typeof provider === "string" ? provider : undefined;
}

/** The counts of a `credentials_cleared` event's `data`. */
function clearedOf(event: AuthEvent): Record<string, number> {
  const cleared: Record<string, number> = {};
  for (const [kind, count] of Object.entries(event.data ?? {})) if (typeof count === "number") cleared[kind] = count;
  return cleared;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/**
 * The notices `event` makes for `user`: none for an event that is no
 * notice; one per changed email or phone for a `user_updated` (a name
 * change makes none).
 */
export function securityNotices(event: AuthEvent, user: AuthUser, previous?: PreviousContact): SecurityNoticeArgs[] {
  const base = {
    userId: user._id,
    user,
    time: event.time,
    ...optional("actorUserId", event.actorUserId),
    ...optional("ip", event.ip),
    ...optional("userAgent", event.userAgent),
    event,
  };
  if (event.type === "user_updated") {
    const fields = changedFields(event.data);
    const notices: SecurityNoticeArgs[] = [];
    if (fields.includes("email")) notices.push({ kind: "email_changed", ...base, ...optional("previousEmail", previous?.email) });
    if (fields.includes("phone")) notices.push({ kind: "phone_changed", ...base, ...optional("previousPhone", previous?.phone) });
    return notices;
  }
  if (event.type === "code_refused") return isReplayedTotp(event.data) ? [{ kind: "totp_code_replayed", ...base, factor: "totp" }] : [];
  const kind = KIND_OF_EVENT[event.type];
  if (kind === undefined) return [];
  if (kind === "factor_added" || kind === "factor_removed") return [{ kind, ...base, ...optional("factor", factorOf(event)) }];
  if (kind === "credentials_cleared") return [{ kind, ...base, cleared: clearedOf(event) }];
  return [{ kind, ...base }];
}
