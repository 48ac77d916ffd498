/**
 * The lifecycle callbacks' types (`Auth({ callbacks })`): what each one is
 * given. Each runs in a mutation of the app, in the transaction of the
 * change, with the app's context typed by its data model.
 */
import type { FunctionReturnType, GenericDataModel, GenericMutationCtx } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { EventType } from "../../shared/eventTypes.js";

/** A user as the component stores it (what `auth.user.get` returns). */
export type AuthUser = NonNullable<FunctionReturnType<ComponentApi["users"]["get"]>>;

/** An audit event as a callback sees it (docs/sessions.md, "The audit log", lists each type's `data`). */
export type AuthEvent = {
  /** The event's id in the audit log. */
  eventId: string;
  type: EventType;
  /** When it was recorded (ms since the epoch). */
  time: number;
  /** The subject: the user it is about, when there is one. */
  userId?: string;
  sessionId?: string;
  /** Who did it, when someone else than the subject (an admin, a group's owner). */
  actorUserId?: string;
  reason?: string;
  data?: Record<string, string | number | boolean | null>;
  /** The request's IP address and user agent, when Convex knows them. */
  ip?: string;
  userAgent?: string;
};

/** What `afterUserCreated` gets: a new user, in the transaction that created them. */
export type AfterUserCreatedArgs = {
  userId: string;
  /** The new user as stored (profile, email, username, verification times). */
  user: AuthUser;
  /** The provider they signed up with (`"password"`, `"github"`, ...); none for a user made by `users.create` without an account. */
  provider?: string;
  /** Who made them, when someone else did (an admin). */
  actorUserId?: string;
  /** The `sign_up` or `user_created` event. */
  event: AuthEvent;
};

/** What `afterSignIn` gets: a session just created, in its transaction. */
export type AfterSignInArgs = {
  userId: string;
  sessionId: string;
  user: AuthUser;
  /** The first factor's provider. */
  provider: string;
  /** The second factor's provider, when one finished the sign-in (`"totp"`, `"passkey"`, `"recoveryCode"`). */
  secondFactor?: string;
  /** The request's IP address and user agent, when Convex knows them (a "new device" check). */
  ip?: string;
  userAgent?: string;
  /** The `sign_in` event. */
  event: AuthEvent;
};

/** What `beforeSessionCreated` gets: a session about to be created, every factor passed. */
export type BeforeSessionCreatedArgs = {
  userId: string;
  user: AuthUser;
  provider: string;
  secondFactor?: string;
  /** The session the new one replaces (a TOTP enrolment confirmed ends the session it was started from). */
  replacesSessionId?: string;
  ip?: string;
  userAgent?: string;
};

/** What `afterUserDeleted` gets: a user just deleted (their data goes in the same and later transactions). */
export type AfterUserDeletedArgs = {
  userId: string;
  /** Who deleted them: the user themself, an admin; none for the app's own call. */
  actorUserId?: string;
  /** A sign-up undone because its verification message could not be sent. */
  unusedSignUp: boolean;
  /** The `user_deleted` event. */
  event: AuthEvent;
};

/** What a security notice is about (`onSecurityNotice`). */
export type SecurityNoticeKind =
  | "password_changed"
  | "password_reset"
  | "email_changed"
  | "phone_changed"
  | "factor_added"
  | "factor_removed"
  | "credentials_cleared"
  | "recovery_codes_generated"
  | "totp_code_replayed";

/**
 * What `onSecurityNotice` gets: a change to how the user signs in, which
 * the user should hear about (OWASP ASVS 4.0.3, 2.2.3 and 2.5.5), in the
 * transaction of the change. Schedule the message from it: it is sent only
 * if the change commits.
 */
export type SecurityNoticeArgs = {
  kind: SecurityNoticeKind;
  userId: string;
  /** The user as stored after the change: where to send it (`user.email`, `user.phone`). */
  user: AuthUser;
  /**
   * `email_changed`: the address before, when there was one. Tell it too:
   * after a takeover it is the owner's only way to hear of it.
   */
  previousEmail?: string;
  /** `phone_changed`: the number before, when there was one. */
  previousPhone?: string;
  /**
   * `factor_added` / `factor_removed`: which one: `"totp"`, `"passkey"`, or
   * the provider of a linked or unlinked account (`"github"`).
   */
  factor?: string;
  /**
   * `credentials_cleared` (the first proof of an email nobody had proven:
   * what anyone had added before it went): how many of each kind went
   * (`passkeys`, `apiKeys`, `totpFactors`, `recoveryCodes`, `verifiers`, `accounts`).
   */
  cleared?: Record<string, number>;
  /** Who did it, when not the user (an admin removing a factor). */
  actorUserId?: string;
  /** When it happened (ms since the epoch). */
  time: number;
  /** The request's IP address and user agent, when Convex knows them. */
  ip?: string;
  userAgent?: string;
  /** The audit event it comes from. */
  event: AuthEvent;
};

/** A callback: the app's mutation context, and what happened. A throw rolls the change back. */
export type Callback<DataModel extends GenericDataModel, Args> = (
  ctx: GenericMutationCtx<DataModel>,
  args: Args,
) => void | Promise<void>;

/**
 * `Auth({ callbacks })`: code of the app that runs when users and
 * sessions change, in the transaction of the change (see docs/hooks.md).
 * Export `hooks` from `convex/auth.ts` beside `signIn`: it is the mutation
 * the component calls them through.
 */
export type AuthCallbacks<DataModel extends GenericDataModel = GenericDataModel> = {
  /** After a user is created: a sign-up with any provider, or `users.create` (an admin's, the app's). */
  afterUserCreated?: Callback<DataModel, AfterUserCreatedArgs>;
  /** After a sign-in created a session (a sign-up's first session too). */
  afterSignIn?: Callback<DataModel, AfterSignInArgs>;
  /** Before a session is created: throw (a `ConvexError` with your code, or `signInRefused(message)`) to refuse it. */
  beforeSessionCreated?: Callback<DataModel, BeforeSessionCreatedArgs>;
  /** After a user is deleted. */
  afterUserDeleted?: Callback<DataModel, AfterUserDeletedArgs>;
  /**
   * After a change the user should be told of: a password changed or reset,
   * the email or phone changed, a factor added or removed (TOTP, passkey, a
   * linked account), credentials cleared, recovery codes generated, a TOTP
   * code used a second time (someone else may have seen it). A
   * sign-in from a new device is `afterSignIn`'s (the app decides what is
   * new to it).
   */
  onSecurityNotice?: Callback<DataModel, SecurityNoticeArgs>;
  /** On every audit event (after the callback above that the event runs, if any). */
  onEvent?: Callback<DataModel, AuthEvent>;
};
