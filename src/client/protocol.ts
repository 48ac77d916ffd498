/**
 * The sign-in protocol as the client sees it (DESIGN.md "Sign-in protocol"):
 * what the `signIn` action takes and returns, and what `signIn` on the client
 * resolves to.
 */

/** Access and refresh token. */
export type Tokens = { token: string; refreshToken: string };

/** Arguments of the server's `signIn` action. */
export type SignInArgs = {
  provider?: string;
  params?: Record<string, unknown>;
  verifier?: string;
  refreshToken?: string;
};

/** What the server's `signIn` action returns. */
export type SignInResult =
  | { tokens: Tokens | null }
  | { started: true }
  | { redirect: string; verifier: string }
  | { options: Record<string, unknown>; verifier: string }
  | { totpRequired: true; verifier: string }
  | { totpSetup: { uri: string; secret: string; totpId: string }; verifier: string };

/**
 * What `signIn` on the client resolves to; switch on `status`:
 * - `signedIn`: done;
 * - `codeSent`: a code went out (email, SMS); call `signIn` again with it;
 * - `redirecting`: the browser is leaving for the OAuth provider;
 * - `totpRequired`: ask for an authenticator code, then
 *   `signIn("totp", { code, verifier })`;
 * - `totpSetup`: show `uri` as a QR code, then confirm with a code;
 * - `failed`: the server refused without an error (`{ tokens: null }`).
 */
export type SignInOutcome =
  | { status: "signedIn" }
  | { status: "codeSent" }
  | { status: "redirecting" }
  | { status: "totpRequired"; verifier: string }
  | { status: "totpSetup"; uri: string; secret: string; totpId: string; verifier: string }
  | { status: "failed" };

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
