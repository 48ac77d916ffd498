/**
 * The WebAuthn ceremony, loaded only when a passkey flow runs (it pulls in
 * `@simplewebauthn/browser`). Creation options (they name a relying party and
 * a user) register a passkey; request options authenticate with one.
 */
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";

/** Runs the ceremony the server's options ask for and returns the browser's response. */
export async function runCeremony(options: Record<string, unknown>): Promise<unknown> {
  if ("rp" in options && "user" in options) {
    return await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON });
  }
  return await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON });
}
