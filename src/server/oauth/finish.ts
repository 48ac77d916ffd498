/**
 * The last step of a redirect-based sign-in: the browser is back at the app
 * with `?code=` (from an OAuth callback, or a magic link), and the client
 * calls `signIn({ params: { code }, verifier })`.
 */
import { authError } from "../errors.js";
import type { SignInContext, SignInResult } from "../provider.js";
import { isRefreshTokenShaped } from "../tokens/refreshToken.js";
import { hashSecret } from "../tokens/secretHash.js";

/**
 * Redeems the code (single use; an OAuth code only with the verifier of the
 * client that started the flow), finds, links or creates the user (an
 * anonymous caller is upgraded), and finishes the first factor: tokens, or
 * `{ totpRequired, verifier }` for a user with a second factor.
 *
 * @throws `INVALID_CODE` for a wrong, used or expired code (or the wrong
 *   verifier); `ACCOUNT_EXISTS` when the identity's email belongs to a user
 *   it may not link to.
 */
export async function finishRedirectSignIn(sc: SignInContext, code: string): Promise<SignInResult> {
  if (!isRefreshTokenShaped(code)) throw authError("INVALID_CODE", "The sign-in code is wrong, used or expired");
  const caller = await sc.signedIn();
  const outcome = await sc.ctx.runMutation(sc.component.oauth.redeem, {
    codeHash: hashSecret(code),
    ...(sc.verifier !== undefined ? { verifierHash: hashSecret(sc.verifier) } : {}),
    ...(caller !== null ? { linkUserId: caller.userId } : {}),
  });
  if (outcome.status === "invalid") throw authError("INVALID_CODE", "The sign-in code is wrong, used or expired");
  if (outcome.status === "account_exists") {
    throw authError(
      "ACCOUNT_EXISTS",
      "A user with this email exists; sign in as that user (with a verified email) to use this sign-in method",
    );
  }
  return await sc.finishFirstFactor({
    userId: outcome.userId,
    accountId: outcome.accountId,
    hasSecondFactor: outcome.hasSecondFactor,
  });
}
