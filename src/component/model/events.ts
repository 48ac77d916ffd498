import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import type { Infer } from "convex/values";
import type { revocationReason } from "./validators.js";

/** Why a session ended. */
export type RevocationReason = Infer<typeof revocationReason>;

/** Audit-log event types the component writes. */
export type EventType =
  | "sign_up"
  | "sign_in"
  | "session_revoked"
  /** An admin ended all of a user's sessions (`users.revokeSessions`); each also has its `session_revoked`. */
  | "sessions_revoked"
  | "password_changed"
  | "password_reset"
  | "email_verified"
  | "user_deleted"
  | "user_banned"
  | "user_unbanned"
  | "api_key_created"
  | "api_key_revoked"
  | "api_key_removed"
  | "api_key_rotated"
  | "totp_added"
  | "totp_removed"
  | "recovery_codes_generated"
  | "recovery_code_used"
  | "account_linked"
  | "anonymous_upgraded"
  | "passkey_added"
  | "passkey_removed"
  | "passkey_updated"
  | "credentials_cleared";

/** Appends one event to the audit log. Never carries a secret. */
export async function recordEvent(
  ctx: MutationCtx,
  event: {
    type: EventType;
    userId?: Id<"users">;
    sessionId?: Id<"sessions">;
    reason?: string;
    data?: Record<string, string | number | boolean | null>;
    /** Who did it when it was not the user: the admin (see the admin functions). */
    actorUserId?: Id<"users">;
  },
): Promise<void> {
  const { actorUserId, ...rest } = event;
  await ctx.db.insert("events", actorUserId === undefined ? rest : { ...rest, actorUserId });
}
