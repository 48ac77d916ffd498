/**
 * The wire shape of the lifecycle callbacks (`Auth({ callbacks })`): what
 * the server passes the component (`audit.hooks`) and what the component
 * passes the app's `hooks` mutation, in the transaction of the change.
 */
import { v, type Infer } from "convex/values";
import type { EventType } from "./eventTypes.js";

/** The callbacks an app can configure, by name. */
export const HOOK_NAMES = [
  "afterUserCreated",
  "afterSignIn",
  "beforeSessionCreated",
  "afterUserDeleted",
  "onSecurityNotice",
  "onEvent",
] as const;
/** One of {@link HOOK_NAMES}. */
export type HookName = (typeof HOOK_NAMES)[number];

/**
 * What the component needs to run the app's callbacks: the function handle
 * of the app's `hooks` mutation (`createFunctionHandle`, made by the server)
 * and which callbacks are configured, so it calls only for what they want.
 */
export const hooksArg = v.object({
  handle: v.string(),
  callbacks: v.array(v.union(...HOOK_NAMES.map((name) => v.literal(name)))),
});
export type HooksArg = Infer<typeof hooksArg>;

/** An audit event as a callback sees it (never a secret; ids as strings). */
export const hookEvent = v.object({
  /** The event's id in the audit log. */
  eventId: v.string(),
  type: v.string(),
  /** When it was recorded (ms since the epoch). */
  time: v.number(),
  /** The subject: the user it is about, when there is one. */
  userId: v.optional(v.string()),
  sessionId: v.optional(v.string()),
  /** Who did it, when someone else than the subject (an admin, a group's owner). */
  actorUserId: v.optional(v.string()),
  reason: v.optional(v.string()),
  data: v.optional(v.record(v.string(), v.union(v.string(), v.number(), v.boolean(), v.null()))),
  ip: v.optional(v.string()),
  userAgent: v.optional(v.string()),
});
export type HookEvent = Infer<typeof hookEvent>;

/** A user's email and phone before a change (what an `email_changed` notice goes to). */
export const previousContact = v.object({ email: v.optional(v.string()), phone: v.optional(v.string()) });
export type PreviousContact = Infer<typeof previousContact>;

/**
 * One call of the app's `hooks` mutation:
 * - `event`: an event was recorded; `user` (the user document as the
 *   component stores it) comes with the events whose callbacks need it
 *   (`sign_up` and `user_created` for `afterUserCreated`, `sign_in` for
 *   `afterSignIn`);
 * - `beforeSession`: a session is about to be created for `userId`, after
 *   every factor passed; a throw refuses it.
 */
export const hookCall = v.union(
  v.object({
    kind: v.literal("event"),
    event: hookEvent,
    user: v.optional(v.any()),
    /** For a `user_updated` that changed the email or phone: the values before (never kept in the audit log). */
    previous: v.optional(previousContact),
  }),
  v.object({
    kind: v.literal("beforeSession"),
    userId: v.string(),
    user: v.any(),
    /** The first factor's provider. */
    provider: v.string(),
    /** The second factor's provider, when one finished the sign-in. */
    secondFactor: v.optional(v.string()),
    /** The session the new one replaces (a TOTP enrolment confirmed). */
    replacesSessionId: v.optional(v.string()),
    ip: v.optional(v.string()),
    userAgent: v.optional(v.string()),
  }),
);
export type HookCall = Infer<typeof hookCall>;

/** The callback an event type runs besides `onEvent`, if any (`user_updated`: see {@link hookOfEvent}). */
const HOOK_OF_EVENT: Partial<Record<EventType, HookName>> = {
  sign_up: "afterUserCreated",
  user_created: "afterUserCreated",
  sign_in: "afterSignIn",
  user_deleted: "afterUserDeleted",
  // What the user should hear about (OWASP ASVS 2.2.3, 2.5.5): `onSecurityNotice`.
  password_changed: "onSecurityNotice",
  password_reset: "onSecurityNotice",
  totp_added: "onSecurityNotice",
  totp_removed: "onSecurityNotice",
  passkey_added: "onSecurityNotice",
  passkey_removed: "onSecurityNotice",
  account_linked: "onSecurityNotice",
  account_unlinked: "onSecurityNotice",
  recovery_codes_generated: "onSecurityNotice",
  credentials_cleared: "onSecurityNotice",
};

/** The user fields whose change is a security notice (`email_changed`, `phone_changed`). */
export const NOTICE_FIELDS = ["email", "phone"] as const;

/** The names of the fields a `user_updated` event changed (its `data.fields`). */
export function changedFields(data: HookEvent["data"]): string[] {
  const fields = data?.fields;
  return typeof fields === "string" && fields !== "" ? fields.split(",") : [];
}

/** Whether a `code_refused` event's `data` is a TOTP code refused as already used. */
export function isReplayedTotp(data: HookEvent["data"]): boolean {
  return data?.method === "totp" && data.reason === "replayed";
}

/**
 * The callback an event runs besides `onEvent`, if any: by its type; for
 * `user_updated` `onSecurityNotice` only when the email or phone changed
 * (not for a name); for `code_refused` only for a replayed TOTP code.
 */
export function hookOfEvent(event: { type: EventType; data?: HookEvent["data"] }): HookName | undefined {
  if (event.type === "user_updated") {
    const fields = changedFields(event.data);
    return NOTICE_FIELDS.some((field) => fields.includes(field)) ? "onSecurityNotice" : undefined;
  }
  // A TOTP code used twice: someone else may have seen it (ASVS 2.8.5). Other refusals are no notice.
  if (event.type === "code_refused") return isReplayedTotp(event.data) ? "onSecurityNotice" : undefined;
  return HOOK_OF_EVENT[event.type];
}

/** The callbacks whose calls carry the user document. */
export const HOOKS_WITH_USER: readonly HookName[] = ["afterUserCreated", "afterSignIn", "onSecurityNotice"];
