/**
 * The wire shape of the lifecycle callbacks (`Auth({ callbacks })`): what
 * the server passes the component (`audit.hooks`) and what the component
 * passes the app's `hooks` mutation, in the transaction of the change.
 */
import { v, type Infer } from "convex/values";
import type { EventType } from "./eventTypes.js";

/** The callbacks an app can configure, by name. */
export const HOOK_NAMES = ["afterUserCreated", "afterSignIn", "beforeSessionCreated", "afterUserDeleted", "onEvent"] as const;
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
  v.object({ kind: v.literal("event"), event: hookEvent, user: v.optional(v.any()) }),
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

/** The callback an event type runs besides `onEvent`, if any. */
export const HOOK_OF_EVENT: Partial<Record<EventType, HookName>> = {
  sign_up: "afterUserCreated",
  user_created: "afterUserCreated",
  sign_in: "afterSignIn",
  user_deleted: "afterUserDeleted",
};

/** The callbacks whose calls carry the user document. */
export const HOOKS_WITH_USER: readonly HookName[] = ["afterUserCreated", "afterSignIn"];
