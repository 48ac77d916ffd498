/**
 * The last step of a redirect-based sign-in: the browser is back at the app
 * with `?code=` (from an OAuth callback, or a magic link), and the client
 * calls `signIn({ params: { code }, verifier })`.
 */
import { authError } from "../errors.js";
import type { ProviderOutcome, SignInContext } from "../provider.js";
import { isRefreshTokenShaped } from "../tokens/refreshToken.js";
import { hashSecret } from "../tokens/secretHash.js";

/**
 * Redeems the code (single use; an OAuth code only with the verifier of the
 * client that started the flow) and finds, links or creates the user (an
 * anonymous caller who asked for a magic link, or started the OAuth flow,
 * is upgraded), then reports the first factor: `Auth()` issues the session
 * or the second-factor step.
 *
 * A magic link opened in a browser that did not ask for it answers
 * `{ confirm: { account }, verifier }` instead, and changes nothing; with
 * `confirm` (and that verifier) it then signs in, linking to no one.
 *
 * @throws `INVALID_CODE` for a wrong, used or expired code (or the wrong
 *   verifier); `ACCOUNT_EXISTS` when the identity's email belongs to a user
 *   it may not link to.
 */
export async function finishRedirectSignIn(sc: SignInContext, code: string, confirm: boolean): Promise<ProviderOutcome> {
  if (!isRefreshTokenShaped(code)) throw authError("INVALID_CODE", "The sign-in code is wrong, used or expired");
  const confirmation = confirm ? undefined : sc.randomSecret();
  const caller = await sc.signedIn();
  const outcome = await sc.ctx.runMutation(sc.component.redirects.redeem, {
    codeHash: hashSecret(code),
    ...(sc.verifier !== undefined && isRefreshTokenShaped(sc.verifier) ? { verifierHash: hashSecret(sc.verifier) } : {}),
    ...(confirmation !== undefined ? { confirmHash: confirmation.hash } : {}),
    ...(caller !== null ? { linkUserId: caller.userId } : {}),
    audit: sc.options.audit,
  });
  if (outcome.status === "invalid") throw authError("INVALID_CODE", "The sign-in code is wrong, used or expired");
  if (outcome.status === "confirm") return { confirm: { account: outcome.account }, verifier: confirmation!.raw };
  if (outcome.status === "account_exists") {
    throw authError(
      "ACCOUNT_EXISTS",
      "A user with this email exists; sign in as that user (with a verified email) to use this sign-in method",
    );
  }
  return { verdict: "firstFactor", userId: outcome.userId, provider: outcome.provider };
}
