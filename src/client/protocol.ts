/**
 * The sign-in protocol as the client sees it (docs/architecture.md, "The sign-in protocol"):
 * what the `signIn` action takes and returns, and what `signIn` on the client
 * resolves to.
 */

import type {
  SecondFactorMethod as ProtocolSecondFactorMethod,
  SignInResult as ProtocolSignInResult,
  Tokens as ProtocolTokens,
} from "../shared/protocol.js";

/** Access and refresh token. */
export type Tokens = ProtocolTokens;

/** A way to finish a second-factor step: `"totp"`, `"passkey"` or `"recoveryCode"`. */
export type SecondFactorMethod = ProtocolSecondFactorMethod;

/** Arguments of the server's `signIn` action. */
export type SignInArgs = {
  provider?: string;
  params?: Record<string, unknown>;
  verifier?: string;
  refreshToken?: string;
};

/**
 * What the server's `signIn` action returns: derived from the one validator
 * in `src/shared/protocol.ts` (a type import: nothing lands in the bundle).
 */
export type SignInResult = ProtocolSignInResult;

/**
 * What `signIn` on the client resolves to; switch on `status`:
 * - `signedIn`: done;
 * - `codeSent`: a code or a link went out (email, SMS); call `signIn` again
 *   with the code (a link comes back by itself);
 * - `confirmationRequired`: a sign-in link was opened in a browser that did
 *   not ask for it: show `account` and call `confirmSignIn()` only if the
 *   person means to sign in as that account (else `cancelSignIn()`);
 * - `redirecting`: the browser is leaving for the OAuth provider;
 * - `secondFactorRequired`: the first factor passed; finish with one of
 *   `methods`: `signIn("totp", { code })` (`"totp"`),
 *   `signIn("totp", { recoveryCode })` (`"recoveryCode"`) or
 *   `signIn("passkey", { flow: "secondFactor" })` (`"passkey"`). The client
 *   keeps the step's verifier (see {@link PendingStep}), so none is passed;
 * - `totpSetup`: show `uri` as a QR code (or `secret` to type in), then
 *   confirm with `signIn("totp", { flow: "confirm", code })` (the client
 *   keeps the set-up's verifier too);
 * - `failed`: the server refused without an error (`{ tokens: null }`).
 */
export type SignInOutcome =
  | { status: "signedIn" }
  | { status: "codeSent" }
  | { status: "confirmationRequired"; account: string }
  | { status: "redirecting" }
  | { status: "secondFactorRequired"; methods: SecondFactorMethod[] }
  | { status: "totpSetup"; uri: string; secret: string; totpId: string }
  | { status: "failed" };

/**
 * A sign-in step waiting for the user, as `AuthClient.pendingStep()` (React:
 * `usePendingStep()`) shows it: a second factor to give (one of `methods`),
 * or an authenticator set-up to confirm with a code. The client keeps the
 * step's verifier in its storage (so it survives a reload and is seen by
 * other tabs) and sends it with every `signIn` that passes no verifier of
 * its own, until the step ends: signed in, replaced by a new step,
 * `signOut()`, `cancelSignIn()`, or the server answering `NOT_FOUND` (the
 * step expired).
 */
export type PendingStep = { kind: "secondFactor"; methods: SecondFactorMethod[] } | { kind: "totpSetup" };

/**
 * What the server's `sessionState` query returns: `null` when the caller has
 * no access token of ours, else its session and whether it is still live
 * (`false` once revoked, signed out elsewhere or expired). Reactive, so a
 * revocation reaches a subscribed client in one push.
 */
export type SessionState = { sessionId: string; live: boolean } | null;

/** How the client reaches the server. The default uses Convex's HTTP client. */
export interface AuthTransport {
  /**
   * Calls `signIn`. `token` is the caller's current access token when signed
   * in (so a signed-in user can add a passkey, set up TOTP, link an account).
   * A refresh is `signIn({ refreshToken })`: the default transport sends it
   * to the server's `refresh` mutation (one call), or to `signIn` on a
   * server without one.
   */
  signIn(args: SignInArgs, token?: string): Promise<SignInResult>;
  /** Ends the session `token` belongs to. */
  signOut(token: string): Promise<void>;
  /**
   * Exchanges a refresh token @convex-dev/auth gave this browser for one of
   * our sessions (the server's `exchange` mutation, called once on load
   * with `migrateFrom`). Optional: without it, those tokens are dropped.
   */
  exchangeLegacy?(refreshToken: string): Promise<SignInResult>;
}
