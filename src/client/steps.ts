/**
 * Signing in: calling the server's `signIn`, keeping tokens, and what a
 * result other than tokens asks of the browser: keep a verifier, leave for
 * an OAuth provider, run a WebAuthn ceremony, keep a pending step (a second
 * factor, a TOTP set-up) or a link waiting for confirmation, and tell the UI
 * what to ask for next. Also finishing a redirect (`?code=`). Split from the
 * entry: `AuthClient` fetches it once signed out (a sign-in may follow) or
 * when a sign-in starts, so a signed-in page load does not.
 *
 * It imports nothing of the entry's at run time (it reaches the client
 * through `Core`), so that it stays one chunk and adds nothing to the entry.
 */
import { ConvexError } from "convex/values";
import type { AuthClient, Core } from "./authClient.js";
import type { SignInOutcome, SignInResult } from "./protocol.js";

/** `AuthClient.signIn`: without a `verifier`, sends the pending step's. */
export async function signIn(
  core: Core,
  provider: string | undefined,
  params: Record<string, unknown> = {},
  verifier?: string,
): Promise<SignInOutcome> {
  const sent = verifier ?? (await core.readStep())?.verifier;
  const signingIn = (async () => handle(core, provider, await send(core, provider, params, sent)))();
  // Signed in, its answer may be a new session replacing this one: a report that this one ended waits for it.
  if (core.client.state.status === "signedIn") {
    const replacing = (core.replacing = Promise.race([
      Promise.allSettled([core.replacing, signingIn]),
      new Promise((resolve) => setTimeout(resolve, 15_000)),
    ]));
    void replacing.then(() => {
      if (core.replacing === replacing) core.replacing = undefined;
    });
  }
  try {
    return await signingIn;
  } catch (error) {
    // The server no longer knows the step (it expired, or was used up): forget it.
    if (
      sent !== undefined &&
      error instanceof ConvexError &&
      (error.data as { code?: unknown } | null)?.code === "NOT_FOUND" &&
      (await core.readStep())?.verifier === sent
    ) {
      await core.setStep(null);
    }
    throw error;
  }
}

/**
 * `AuthClient.impersonate`: `signIn("impersonate")` with the session's
 * refresh token: `{ userId }` starts an impersonation, `null` stops it.
 */
export async function impersonate(core: Core, userId: string | null): Promise<SignInOutcome> {
  const refreshToken = core.refreshToken();
  if (refreshToken === undefined) throw new ConvexError({ code: "NOT_SIGNED_IN", message: "Sign in first" });
  return await signIn(core, "impersonate", userId === null ? { flow: "stop", refreshToken } : { userId, refreshToken });
}

/**
 * Finishes a sign-in from the URL (the React provider calls it when the URL
 * has one), unless `should` (its `shouldHandleCode`: a boolean, default
 * true, or a function asked now) says not to: removes `?code=` and
 * `?authError=` from it, then reports
 * `?authError=CODE` (a failed OAuth callback) to `onError` as a
 * `ConvexError({ code })`, or finishes the sign-in with `?code=` (an OAuth
 * return, a magic link) and hands its outcome to `onResult` (a failure to
 * `onError`). Reads the URL afresh: one already cleaned (by an earlier call)
 * does nothing.
 */
export function finishFromURL(
  auth: AuthClient,
  should: boolean | (() => boolean) | undefined,
  replaceURL: ((url: string) => void) | undefined,
  onError: (error: unknown) => void,
  onResult?: (outcome: SignInOutcome) => void,
): void {
  if (!(typeof should === "function" ? should() : should !== false)) return;
  const url = new URL(window.location.href);
  const code = url.searchParams.get("code");
  const failed = url.searchParams.get("authError");
  if (!code && !failed) return;
  url.searchParams.delete("code");
  url.searchParams.delete("authError");
  (replaceURL ?? ((next) => window.history.replaceState(window.history.state, "", next)))(url.toString());
  if (failed) onError(new ConvexError({ code: failed, message: "Sign-in failed" }));
  else if (code) auth.finishRedirect(code).then(onResult, onError);
}

/** `AuthClient.finishRedirect`: signs in with the `code` a redirect brought back, and this browser's verifier. */
export async function finishRedirect(core: Core, code: string): Promise<SignInOutcome> {
  const key = `${core.key}:verifier`;
  const verifier = await core.storage.getItem(key);
  await core.storage.removeItem(key);
  const result = await send(core, undefined, { code }, verifier);
  if ("confirm" in result) {
    core.confirmation = { shown: { account: result.confirm.account }, code, verifier: result.verifier };
    core.notify();
  }
  return await handle(core, undefined, result);
}

/** `AuthClient.confirmRedirect`: signs in with the link waiting for confirmation. */
export async function confirmRedirect(core: Core): Promise<SignInOutcome> {
  const pending = core.confirmation;
  if (!pending) return { status: "failed" };
  core.client.cancelRedirect();
  return await signIn(core, undefined, { code: pending.code, confirm: true }, pending.verifier);
}

function send(
  core: Core,
  provider: string | undefined,
  params: Record<string, unknown>,
  verifier?: string | null,
): Promise<SignInResult> {
  // Signed in, the current access token goes along (to add a passkey, set up TOTP), unless it is about to expire.
  const token = core.client.state.token;
  return core.options.transport.signIn(
    { ...(provider ? { provider } : {}), params, ...(verifier ? { verifier } : {}) },
    token && core.msLeft(token) > 10_000 ? token : undefined,
  );
}

/** `result` as an outcome, keeping what the next call needs. */
async function handle(core: Core, provider: string | undefined, result: SignInResult): Promise<SignInOutcome> {
  const { options } = core;
  if ("tokens" in result) {
    if (result.tokens === null) return { status: "failed" };
    await core.save(result.tokens);
    await core.setStep(null);
    return { status: "signedIn" };
  }
  if ("started" in result) {
    // A link was sent: this browser keeps the verifier that marks it as the one that asked.
    if (result.verifier !== undefined) await keepVerifier(core, result.verifier);
    return { status: "codeSent" };
  }
  if ("confirm" in result) return { status: "confirmationRequired", account: result.confirm.account };
  if ("redirect" in result) {
    await keepVerifier(core, result.verifier);
    (options.navigate ?? postTo)(result.redirect);
    return { status: "redirecting" };
  }
  if ("options" in result) {
    const ceremony = options.webauthn ?? (await import("./webauthn.js")).runCeremony;
    const response = await ceremony(result.options);
    return await signIn(core, provider, { response }, result.verifier);
  }
  if ("secondFactor" in result) {
    const { methods } = result.secondFactor;
    await core.setStep(JSON.stringify({ kind: "secondFactor", methods, verifier: result.verifier }));
    return { status: "secondFactorRequired", methods };
  }
  await core.setStep(JSON.stringify({ kind: "totpSetup", verifier: result.verifier }));
  return { status: "totpSetup", ...result.totpSetup };
}

/** The verifier a redirect (OAuth, a magic link) comes back to. */
function keepVerifier(core: Core, verifier: string) {
  return core.storage.setItem(`${core.key}:verifier`, verifier);
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
