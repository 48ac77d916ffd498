/**
 * The contract between `Auth()` and a sign-in provider. A provider turns
 * `signIn(id, params)` into a result of the sign-in protocol; `Auth()` gives
 * it what it needs through a {@link SignInContext}.
 */
import type { GenericActionCtx, GenericDataModel, HttpRouter } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type { ResolvedOptions } from "./config.js";
import type { SignInResult as ProtocolSignInResult, Tokens as ProtocolTokens } from "../shared/protocol.js";
import type { CeremonyOptions as ProtocolCeremonyOptions } from "../shared/webauthnOptions.js";

/** The tokens a finished sign-in returns to the client. */
export type Tokens = ProtocolTokens;

/**
 * What `signIn` returns (docs/architecture.md, "The sign-in protocol"), derived from
 * `signInResultValidator` in `src/shared/protocol.ts`, where each case is
 * described:
 * `{ tokens }`, `{ started, verifier? }`, `{ confirm, verifier }`,
 * `{ secondFactor: { methods }, verifier }`, `{ redirect, verifier }`,
 * `{ totpSetup, verifier }`, `{ options, verifier }` (a WebAuthn ceremony).
 */
export type SignInResult = ProtocolSignInResult;

/**
 * WebAuthn options for the browser (`{ options, verifier }`): run the
 * ceremony with them, then `signIn(id, { response }, verifier)`.
 */
export type CeremonyOptions = ProtocolCeremonyOptions;

/**
 * What a provider concludes, for `Auth()` to turn into a session. Providers
 * never create sessions or mint tokens: they check a factor and say what it
 * proved. `Auth()` alone applies the second-factor policy, asks the
 * component's one issuing mutation (`sessions.issue`) and mints the tokens.
 *
 * - `firstFactor`: a first factor passed for `userId` (`multiFactor`: it
 *   proves two factors on its own, a user-verified passkey). A user with a
 *   second factor then gets a pending second-factor step, not a session:
 *   the issuing mutation reads the user's factors in its own transaction.
 * - `secondFactor`: a second factor passed for the pending step whose
 *   verifier has hash `stepHash`; the step is taken when the session is issued.
 * - `continue`: the caller's live session goes on with fresh tokens (a
 *   passkey added, a step-up; `factorVerified` marks a factor verified now,
 *   `reauthenticated` a first factor proved again).
 * - `replace`: a new session replaces the caller's (TOTP enrolment confirmed).
 */
export type Verdict =
  | {
      verdict: "firstFactor";
      userId: string;
      provider: string;
      multiFactor?: boolean;
      /** The account whose stored hash `upgradedSecret` replaces. */
      accountId?: string;
      /** A stronger hash of the password just verified, to store. */
      upgradedSecret?: string;
    }
  | { verdict: "secondFactor"; userId: string; provider: string; stepHash: string }
  | {
      verdict: "continue";
      userId: string;
      sessionId: string;
      provider: string;
      factorVerified?: boolean;
      /** A first factor was proved again (re-authentication, for step-up). */
      reauthenticated?: boolean;
    }
  | { verdict: "replace"; userId: string; sessionId: string; provider: string; factorVerified: boolean };

/** A step of a multi-step sign-in: every protocol result but tokens. */
export type StepResult = Exclude<SignInResult, { tokens: Tokens | null }>;

/** What a provider's `signIn` returns: a verdict, or the next step for the client. */
export type ProviderOutcome = Verdict | StepResult;

/** True for a {@link Verdict}. */
export function isVerdict(outcome: ProviderOutcome): outcome is Verdict {
  return "verdict" in outcome;
}

/** The kind of verifier a pending second factor is stored under. */
export { SECOND_FACTOR_VERIFIER } from "../shared/verifierKinds.js";

/**
 * The kinds of secret with a failed-attempt bucket each, so locking one
 * (wrong passwords) does not lock the others (an email code, a TOTP code).
 */
export type SecretKind = "password" | "code" | "totp" | "recovery";

/** A failed-attempt bucket for one identifier. */
export type AttemptLimit = { key: string; max: number; periodMs: number };

/** The bucket of one kind of secret for an identifier: the one naming rule every check uses. */
export function attemptLimitOf(
  failedAttempts: ResolvedOptions["failedAttempts"],
  kind: SecretKind,
  identifier: string,
): AttemptLimit {
  return { key: `attempts:${kind}:${identifier}`, max: failedAttempts.max, periodMs: failedAttempts.periodMs };
}

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
  /** A fresh random secret (a verifier, a link token): raw value for the client, hash for the component. */
  randomSecret(): { raw: string; hash: string };
  /** The failed-attempt bucket of one kind of secret for an identifier (an email, `user:<id>`). */
  attemptLimit(kind: SecretKind, identifier: string): AttemptLimit;
  /** The `verifier` the client sent back with this step, if any. */
  readonly verifier?: string;
  /** The caller's user and session when the client sent an access token (linking, setup). */
  signedIn(): Promise<{ userId: string; sessionId: string } | null>;
  /**
   * Whose second-factor step `verifier` is: the user who passed the first
   * factor, read from the verifier itself (its MAC proves the server made
   * it for that user; no read), or `null` for anything else. Whether the
   * step is still pending (unused, unexpired) is decided when the session is
   * issued, which takes it.
   */
  pendingSecondFactor(): Promise<{ userId: string } | null>;
}

/** The kinds of provider `Auth({ providers })` accepts. */
export type ProviderType = "credentials" | "passkey" | "totp" | "email" | "phone" | "anonymous" | "oauth";

/** A sign-in provider. */
export interface AuthProvider {
  /** The name the client passes to `signIn(id, params)`, e.g. `"password"`. */
  readonly id: string;
  readonly type: ProviderType;
  /** Handles `signIn(id, params)`: a verdict or the next step. Throws `ConvexError({ code })` to refuse. */
  signIn(context: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome>;
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

/** What checking a second-factor code needs from its caller. */
export type CodeCheckDeps = {
  ctx: Pick<ActionCtx, "runQuery" | "runMutation">;
  component: ComponentApi;
  /** The user's failed-attempt bucket for this kind of code. */
  limit: AttemptLimit;
  /** What to pass as `audit`: the retention (`Auth({ audit })`, resolved) and the callbacks' handle. */
  audit?: ResolvedOptions["audit"];
};

/**
 * What a provider of second-factor codes (the TOTP provider) lends the
 * `auth.totp` helpers: its settings and its checks, so the server never
 * imports a provider. The checks run in actions: a wrong code is recorded
 * against `deps.limit` before they throw `INVALID_CODE` (or `RATE_LIMITED`).
 */
export interface SecondFactorCodes {
  /** Seconds per time step. */
  readonly period: number;
  /** The app requires two-factor authentication: a user's last second factor stays. */
  readonly required: boolean;
  /** Accepts a code of one of the user's active authenticators; with `sessionId`, marks that session verified. */
  acceptCode(deps: CodeCheckDeps, args: { userId: string; code: unknown; sessionId?: string }): Promise<void>;
  /** Uses up one of the user's recovery codes; with `sessionId`, marks that session verified. */
  acceptRecoveryCode(deps: CodeCheckDeps, args: { userId: string; code: unknown; sessionId?: string }): Promise<void>;
  /** A new set of recovery codes for the user: the codes to show, and the hashes to store. */
  newRecoveryCodes(userId: string): Promise<{ codes: string[]; hashes: string[] }>;
}

/** A provider whose secret the signed-in user can change (the Password provider), for `auth.password.change`. */
export interface ChangesPassword extends AuthProvider {
  readonly type: "credentials";
  /** Checks the current password, sets the new one, ends the user's other sessions. */
  changePassword(
    context: SignInContext,
    session: { userId: string; sessionId: string },
    args: { currentPassword: string; newPassword: string },
  ): Promise<void>;
}
