/**
 * The sign-in protocol as the client sees it (docs/architecture.md, "The sign-in protocol"):
 * what the `signIn` action takes and returns, and what `signIn` on the client
 * resolves to.
 */

import type { SignInResult as ProtocolSignInResult, Tokens as ProtocolTokens } from "../shared/protocol.js";

/** Access and refresh token. */
export type Tokens = ProtocolTokens;

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
 * - `totpRequired`: ask for an authenticator code, then
 *   `signIn("totp", { code, verifier })`;
 * - `totpSetup`: show `uri` as a QR code, then confirm with a code;
 * - `failed`: the server refused without an error (`{ tokens: null }`).
 */
export type SignInOutcome =
  | { status: "signedIn" }
  | { status: "codeSent" }
  | { status: "confirmationRequired"; account: string }
  | { status: "redirecting" }
  | { status: "totpRequired"; verifier: string }
  | { status: "totpSetup"; uri: string; secret: string; totpId: string; verifier: string }
  | { status: "failed" };

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
   */
  signIn(args: SignInArgs, token?: string): Promise<SignInResult>;
  /** Ends the session `token` belongs to. */
  signOut(token: string): Promise<void>;
}
