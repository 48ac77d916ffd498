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
 * The code of an OAuth flow started to link an account (`link: true`, see
 * oauth/flow.ts) attaches the identity to the signed-in caller, only in the
 * session that started it, and their session goes on (`continue`).
 *
 * @throws `INVALID_CODE` for a wrong, used or expired code (or the wrong
 *   verifier, or a link flow's code redeemed by anyone but its session);
 *   `ACCOUNT_EXISTS` when the identity's email belongs to a user it may not
 *   link to; for a link flow `ACCOUNT_LINKED_ELSEWHERE` (the provider
 *   account signs in to another user), `STEP_UP_REQUIRED`, `SESSION_ENDED`
 *   and `INVALID_ARGUMENT` (the user holds 20 accounts).
 */
export async function finishRedirectSignIn(sc: SignInContext, code: string, confirm: boolean): Promise<ProviderOutcome> {
  if (!isRefreshTokenShaped(code)) throw authError("INVALID_CODE", "The sign-in code is wrong, used or expired");
  const confirmation = confirm ? undefined : sc.randomSecret();
  const caller = await sc.signedIn();
  const outcome = await sc.ctx.runMutation(sc.component.redirects.redeem, {
    codeHash: hashSecret(code),
    ...(sc.verifier !== undefined && isRefreshTokenShaped(sc.verifier) ? { verifierHash: hashSecret(sc.verifier) } : {}),
    ...(confirmation !== undefined ? { confirmHash: confirmation.hash } : {}),
    ...(caller !== null ? { linkUserId: caller.userId, linkSessionId: caller.sessionId } : {}),
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
  if (outcome.status === "linked") {
    // A guest that linked an account is a full user now: its sessions ended, a new one starts.
    if (outcome.upgraded === true) return { verdict: "firstFactor", userId: outcome.userId, provider: outcome.provider };
    return { verdict: "continue", userId: outcome.userId, sessionId: outcome.sessionId, provider: outcome.provider };
  }
  if (outcome.status !== "ok") throw linkRefusal(outcome.status);
  return { verdict: "firstFactor", userId: outcome.userId, provider: outcome.provider };
}

/** Why a provider account could not be linked to the signed-in user. */
function linkRefusal(status: "linked_elsewhere" | "session_ended" | "step_up_required" | "too_many_accounts") {
  switch (status) {
    case "linked_elsewhere":
      return authError("ACCOUNT_LINKED_ELSEWHERE", "This account signs in to another user; sign in as that user to unlink it first");
    case "session_ended":
      return authError("SESSION_ENDED", "This session has ended; sign in again");
    case "step_up_required":
      return authError("STEP_UP_REQUIRED", "Confirm it's you with your second factor, then connect the account again");
    case "too_many_accounts":
      return authError("INVALID_ARGUMENT", "A user may hold at most 20 accounts");
  }
}
