/**
 * The contract between `Auth()` and a sign-in provider. A provider turns
 * `signIn(id, params)` into a result of the sign-in protocol; `Auth()` gives
 * it what it needs through a {@link SignInContext}.
 */
import type { GenericActionCtx, GenericDataModel, HttpRouter } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type { ResolvedOptions } from "./config.js";
import type { CreationOptions, RequestOptions } from "../providers/passkey/ceremonyOptions.js";

/** The tokens a finished sign-in returns to the client. */
export type Tokens = { token: string; refreshToken: string };

/**
 * What `signIn` returns (DESIGN.md, "Sign-in protocol"):
 * - `{ tokens }`: signed in; `tokens: null` means signed out for good;
 * - `{ started: true }`: a step began out of band (a code was sent);
 * - `{ redirect, verifier }`: OAuth; send the browser to `redirect`, keep
 *   `verifier`, and finish with `signIn({ params: { code } }, verifier)`;
 * - `{ totpRequired: true, verifier }`: the first factor passed; finish with a
 *   second factor and this verifier (e.g. `signIn("totp", { code }, verifier)`);
 * - `{ totpSetup: { uri, secret, totpId }, verifier }`: an authenticator is
 *   being set up; confirm with `signIn("totp", { flow: "confirm", code }, verifier)`;
 * - `{ options, verifier }`: a WebAuthn ceremony for the browser to run;
 *   finish with `signIn("passkey", { response }, verifier)`.
 */
export type SignInResult =
  | { tokens: Tokens | null }
  | { started: true }
  | { totpRequired: true; verifier: string }
  | { redirect: string; verifier: string }
  | { totpSetup: { uri: string; secret: string; totpId: string }; verifier: string }
  | { options: CeremonyOptions; verifier: string };

/**
 * WebAuthn options for the browser (`{ options, verifier }`): run the
 * ceremony with them, then `signIn(id, { response }, verifier)`.
 */
export type CeremonyOptions = CreationOptions | RequestOptions;

/** A verified first factor, ready to become a session (or a second-factor step). */
export type FirstFactor = {
  userId: string;
  accountId: string;
  /** From `accounts.getForSignIn`: the user has an active second factor. */
  hasSecondFactor: boolean;
  /** A stronger hash of the password just verified, to store. */
  upgradedSecret?: string;
};

/** The kind of verifier a pending second factor is stored under. */
export const SECOND_FACTOR_VERIFIER = "second_factor";

/** A failed-attempt bucket for one identifier. */
export type AttemptLimit = { key: string; max: number; periodMs: number };

/**
 * The app's action context, as the providers see it: the parts that do not
 * depend on the app's data model, so any app's `ActionCtx` fits.
 */
export type ActionCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "auth" | "runQuery" | "runMutation" | "runAction" | "scheduler" | "storage"
>;

/** What `Auth()` hands a provider for one `signIn` call. */
export interface SignInContext {
  /** The `signIn` action's context (run queries, mutations; send email from here). */
  readonly ctx: ActionCtx;
  /** The mounted auth component (`components.auth`). */
  readonly component: ComponentApi;
  /** `Auth()`'s options with defaults filled in. */
  readonly options: ResolvedOptions;
  /** The session policy to pass to the component when starting a session. */
  readonly sessionPolicy: ResolvedOptions["session"];
  /** A fresh refresh token: raw value for the client, hash for the component. */
  newRefreshToken(): { raw: string; hash: string };
  /** Mints the access token for a session started with `refreshToken`, returning both. */
  tokensFor(session: { userId: string; sessionId: string }, refreshToken: string): Promise<Tokens>;
  /** The shared failed-attempt bucket of an identifier (an email, a phone number). */
  attemptLimit(identifier: string): AttemptLimit;
  /** The `verifier` the client sent back with this step, if any. */
  readonly verifier?: string;
  /** The caller's user and session when the client sent an access token (linking, setup). */
  signedIn(): Promise<{ userId: string; sessionId: string } | null>;
  /** Starts a session for a verified user and returns its tokens. */
  startSession(args: { userId: string; provider: string; factorVerified?: boolean }): Promise<SignInResult>;
  /**
   * Takes (single use) the pending second-factor step named by `verifier`:
   * the user who passed the first factor, or `null` if unknown or expired.
   */
  takeSecondFactor(): Promise<{ userId: string } | null>;
  /**
   * Finishes a verified first factor: starts the session and returns tokens,
   * or, when the user has a second factor, stores a 5-minute verifier and
   * returns `{ totpRequired: true, verifier }` without a session.
   */
  finishFirstFactor(factor: FirstFactor): Promise<SignInResult>;
}

/** The kinds of provider `Auth({ providers })` accepts. */
export type ProviderType = "credentials" | "passkey" | "totp" | "email" | "phone" | "anonymous" | "oauth";

/** A sign-in provider. */
export interface AuthProvider {
  /** The name the client passes to `signIn(id, params)`, e.g. `"password"`. */
  readonly id: string;
  readonly type: ProviderType;
  /** Handles `signIn(id, params)`. Throws `ConvexError({ code })` to refuse. */
  signIn(context: SignInContext, params: Record<string, unknown>): Promise<SignInResult>;
  /** Optional HTTP routes `auth.http.add(http)` mounts for this provider (e.g. OAuth callbacks). */
  addRoutes?(router: HttpRouter, deps: ProviderRouteDeps): void;
}

/** What a provider's HTTP routes get from `Auth()`. */
export type ProviderRouteDeps = {
  component: ComponentApi;
  options: ResolvedOptions;
  /** A sign-in context for an HTTP action's ctx. */
  contextFor(ctx: ActionCtx): SignInContext;
};
