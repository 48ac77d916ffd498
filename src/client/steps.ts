/**
 * What a sign-in result other than tokens asks of the browser: keep a
 * verifier, leave for an OAuth provider, run a WebAuthn ceremony, or keep a
 * pending step (a second factor, a TOTP set-up) and tell the UI what to ask
 * for next. Split from the entry: `AuthClient` fetches it once signed out (a
 * sign-in may follow) or when such a result comes back, so a signed-in page
 * load does not.
 */
import type { AuthClient, AuthClientOptions, StoredStep } from "./authClient.js";
import type { SignInOutcome, SignInResult } from "./protocol.js";

/** Where `nextStep` keeps what a result hands the client. */
export type Keep = {
  /** The verifier a redirect (OAuth, a magic link) comes back to. */
  verifier: (verifier: string) => unknown;
  /** The step the user must finish (its verifier goes with the next `signIn` calls). */
  step: (step: StoredStep) => unknown;
};

/** `result` as an outcome, keeping what the next call needs. */
export async function nextStep(
  client: AuthClient,
  options: AuthClientOptions,
  keep: Keep,
  provider: string | undefined,
  result: Exclude<SignInResult, { tokens: unknown }>,
): Promise<SignInOutcome> {
  if ("started" in result) {
    // A link was sent: this browser keeps the verifier that marks it as the one that asked.
    if (result.verifier !== undefined) await keep.verifier(result.verifier);
    return { status: "codeSent" };
  }
  if ("confirm" in result) return { status: "confirmationRequired", account: result.confirm.account };
  if ("redirect" in result) {
    await keep.verifier(result.verifier);
    (options.navigate ?? postTo)(result.redirect);
    return { status: "redirecting" };
  }
  if ("options" in result) {
    const ceremony = options.webauthn ?? (await import("./webauthn.js")).runCeremony;
    const response = await ceremony(result.options);
    return await client.signIn(provider, { response }, result.verifier);
  }
  if ("secondFactor" in result) {
    const { methods } = result.secondFactor;
    await keep.step({ kind: "secondFactor", methods, verifier: result.verifier });
    return { status: "secondFactorRequired", methods };
  }
  await keep.step({ kind: "totpSetup", verifier: result.verifier });
  return { status: "totpSetup", ...result.totpSetup };
}

/**
 * Leaves for the OAuth provider the way the server requires: a form POST
 * from this page, whose `Origin` proves the app itself started the sign-in
 * (a forwarded link, a GET, is refused).
 */
function postTo(url: string): void {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = url;
  document.body.appendChild(form);
  form.submit();
}
