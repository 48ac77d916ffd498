/**
 * `Passkey(options)`: passkeys (WebAuthn) as a first factor and as a second
 * factor after a password, on `@simplewebauthn/server`.
 *
 * Every flow is two `signIn` calls: the first returns `{ options, verifier }`
 * (the browser runs the ceremony with them: the React client does it
 * itself), the second sends `{ response }` with that verifier:
 * - `signUp` `{ email?, name?, passkeyName? }`: a new user with a new passkey
 *   (signed in as a guest: the guest's own user, which keeps its id and data
 *   and stops being anonymous; its session goes on);
 * - `register` `{ passkeyName?, secondFactor? }`: adds a passkey to the
 *   signed-in user (the client sends its access token); the session goes on.
 *   A user with a second factor needs step-up first (a second factor
 *   verified in this session in the last 10 minutes);
 * - `signIn` `{ email? }` (the default): without `email`, any discoverable
 *   passkey of the site (usernameless); with it, that user's passkeys;
 * - `secondFactor` (with the verifier of a password sign-in that returned
 *   `secondFactor` naming `"passkey"`): completes that sign-in with one of the user's passkeys;
 * - `stepUp` (signed in): re-verifies the user with one of their passkeys;
 *   the session counts as factor-verified for 10 minutes (step-up) and goes on.
 *
 * Challenges are 32 random bytes, stored by the hash of the verifier the
 * client holds, bound to their flow (and user, session, pending sign-in),
 * taken once, and expire after `challengeTtlMs` (5 minutes). Responses are
 * verified in the `signIn` action: origin and RP ID exactly, the challenge,
 * the signature, user presence (and verification when required), and the
 * signature counter, which may never go back.
 *
 * The flows (passkey/flows.ts) and `@simplewebauthn/server` are loaded
 * (`import()`) only when a passkey sign-in runs, so a function module that
 * only imports `auth` bundles neither.
 */
import type { AuthProvider } from "../server/provider.js";
import { resolvePasskeyOptions, type PasskeyOptions, type ResolvedPasskeyOptions } from "./passkey/config.js";

export type { PasskeyOptions } from "./passkey/config.js";

/** The Passkey provider. */
export interface PasskeyProvider extends AuthProvider {
  readonly type: "passkey";
  /** The options with defaults filled in. */
  readonly options: ResolvedPasskeyOptions;
}

/** Passkeys: sign up, add, sign in (usernameless or with an email), second factor. */
export function Passkey(options: PasskeyOptions = {}): PasskeyProvider {
  const config = resolvePasskeyOptions(options);
  return {
    id: config.id,
    type: "passkey",
    options: config,
    async signIn(sc, params) {
      const { passkeyFlows } = await import("./passkey/flows.js");
      return await passkeyFlows(config).signIn(sc, params);
    },
  };
}
