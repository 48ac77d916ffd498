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
  /** On every audit event (after the callback above that the event runs, if any). */
  onEvent?: Callback<DataModel, AuthEvent>;
};
