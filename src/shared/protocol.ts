/**
 * The sign-in protocol (docs/architecture.md, "The sign-in protocol"), defined once: the
 * validator of what the `signIn` action returns. The server checks its
 * results with it; the server's and the client's `SignInResult` types are
 * derived from it. The client imports only the types (`import type`), so no
 * validator lands in its bundle.
 */
import { v, type Infer } from "convex/values";
import { ceremonyResultValidator } from "./webauthnOptions.js";

/**
 * A way to finish a second-factor step: a code from an authenticator app
 * (`totp`), a passkey registered for two-factor (`passkey`), or one of the
 * user's recovery codes (`recoveryCode`).
 */
export const secondFactorMethod = v.union(v.literal("totp"), v.literal("passkey"), v.literal("recoveryCode"));
export type SecondFactorMethod = Infer<typeof secondFactorMethod>;

export const tokensValidator = v.object({ token: v.string(), refreshToken: v.string() });

/** The access and refresh token a finished sign-in returns to the client. */
export type Tokens = Infer<typeof tokensValidator>;

/** What the `refresh` mutation returns: new tokens, or `null` when the refresh token no longer works (signed out for good). */
export const refreshResultValidator = v.object({ tokens: v.union(tokensValidator, v.null()) });

/**
 * The result validator of `signIn`:
 * - `{ tokens }`: signed in; `tokens: null` means signed out for good;
 * - `{ started: true, verifier? }`: a step began out of band (a code or a
 *   link was sent); a link's `verifier` marks this browser as the one that
 *   asked, so opening the link here signs in without a confirmation;
 * - `{ confirm: { account }, verifier }`: a magic link was opened in a
 *   browser that did not ask for it: show `account` and, if the person
 *   agrees, finish with `signIn({ params: { code, confirm: true } }, verifier)`;
 * - `{ secondFactor: { methods }, verifier }`: the first factor passed; the
 *   user must finish with one of `methods` and this verifier (the client
 *   keeps it): `signIn("totp", { code })`, `signIn("totp", { recoveryCode })`
 *   or `signIn("passkey", { flow: "secondFactor" })`;
 * - `{ redirect, verifier }`: OAuth; send the browser to `redirect`, keep
 *   `verifier`, and finish with `signIn({ params: { code } }, verifier)`;
 * - `{ totpSetup: { uri, secret, totpId }, verifier }`: an authenticator is
 *   being set up; confirm with `signIn("totp", { flow: "confirm", code }, verifier)`;
 * - `{ options, verifier }`: a WebAuthn ceremony for the browser to run;
 *   finish with `signIn("passkey", { response }, verifier)`.
 */
export const signInResultValidator = v.union(
  v.object({ tokens: v.union(tokensValidator, v.null()) }),
  v.object({ started: v.literal(true), verifier: v.optional(v.string()) }),
  v.object({ confirm: v.object({ account: v.string() }), verifier: v.string() }),
  v.object({ secondFactor: v.object({ methods: v.array(secondFactorMethod) }), verifier: v.string() }),
  v.object({ redirect: v.string(), verifier: v.string() }),
  v.object({
    totpSetup: v.object({ uri: v.string(), secret: v.string(), totpId: v.string() }),
    verifier: v.string(),
  }),
  ceremonyResultValidator,
);

/** What `signIn` returns; see {@link signInResultValidator}. */
export type SignInResult = Infer<typeof signInResultValidator>;
