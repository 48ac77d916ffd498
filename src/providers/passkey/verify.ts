/**
 * Checking the browser's answer to a ceremony, with `@simplewebauthn/server`
 * (in the `signIn` action): the challenge the ceremony stored, the expected
 * origins (a preview's too, when `SITE_URL` allows it) and RP ID, user presence (and verification when required), the
 * signature, the counter. Every refusal is `PASSKEY_INVALID`.
 * `@simplewebauthn/server` is loaded (`import()`) when a response is checked.
 */
import { authError } from "../../server/errors.js";
import type { ResolvedPasskeyOptions } from "./config.js";
import type { RelyingParty } from "./relyingParty.js";
import type { CeremonyResponse } from "./response.js";
import { userHandleOf } from "./response.js";

/** COSE key parameter holding the algorithm. */
const COSE_ALG = 3;

export function invalid(message: string) {
  return authError("PASSKEY_INVALID", message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A credential as stored, to check an assertion against. */
export type StoredCredential = {
  userId: string;
  credentialId: string;
  publicKey: ArrayBuffer;
  counter: number;
  userHandle: string;
};

/** A verified new credential, ready to store. */
export type NewCredential = {
  credentialId: string;
  publicKey: ArrayBuffer;
  algorithm: number;
  counter: number;
  transports?: string[];
  deviceType: string;
  backedUp: boolean;
};

/** Verifies a registration response for `challenge`; returns the credential to store. */
export async function verifyRegistration(
  config: ResolvedPasskeyOptions,
  rp: RelyingParty,
  response: CeremonyResponse,
  challenge: string,
): Promise<NewCredential> {
  const [{ verifyRegistrationResponse }, { decodeCredentialPublicKey }] = await Promise.all([
    import("@simplewebauthn/server"),
    import("@simplewebauthn/server/helpers"),
  ]);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: response.raw,
      expectedChallenge: challenge,
      expectedOrigin: await expectedOrigins(rp, response),
      expectedRPID: rp.rpID,
      requireUserVerification: config.userVerification === "required",
      supportedAlgorithmIDs: config.algorithms,
    });
  } catch (error) {
    throw invalid(`The passkey registration did not verify: ${messageOf(error)}`);
  }
  if (!verification.verified) throw invalid("The passkey registration did not verify");
  const info = verification.registrationInfo;
  const { credential } = info;
  if (credential.id !== response.id) throw invalid("The credential ID does not match the response");
  const algorithm = decodeCredentialPublicKey(credential.publicKey).get(COSE_ALG);
  if (typeof algorithm !== "number") throw invalid("The credential's public key names no algorithm");
  return {
    credentialId: credential.id,
    publicKey: toArrayBuffer(credential.publicKey),
    algorithm,
    counter: credential.counter,
    ...(credential.transports?.length ? { transports: [...credential.transports] } : {}),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
  };
}

/**
 * Verifies an assertion by `credential` for `challenge` (bound to
 * `boundUserId` when the ceremony named a user). User verification is
 * required when the options say so, except as a second factor.
 */
export async function verifyAssertion(
  config: ResolvedPasskeyOptions,
  rp: RelyingParty,
  response: CeremonyResponse,
  ceremony: { challenge: string; boundUserId?: string; secondFactor: boolean },
  credential: StoredCredential | null,
): Promise<{ newCounter: number; backedUp: boolean; userVerified: boolean }> {
  if (credential === null) throw invalid("This passkey is not registered here");
  if (ceremony.boundUserId !== undefined && credential.userId !== ceremony.boundUserId) {
    throw invalid("This passkey belongs to another account");
  }
  const handle = userHandleOf(response);
  if (handle !== undefined && handle !== credential.userHandle) {
    throw invalid("The passkey's user handle does not match its account");
  }
  const { verifyAuthenticationResponse } = await import("@simplewebauthn/server");
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: response.raw,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: await expectedOrigins(rp, response),
      expectedRPID: rp.rpID,
      credential: {
        id: credential.credentialId,
        publicKey: new Uint8Array(credential.publicKey),
        counter: credential.counter,
      },
      requireUserVerification: !ceremony.secondFactor && config.userVerification === "required",
    });
  } catch (error) {
    throw invalid(`The passkey did not verify: ${messageOf(error)}`);
  }
  if (!verification.verified) throw invalid("The passkey's signature did not verify");
  const info = verification.authenticationInfo;
  return { newCounter: info.newCounter, backedUp: info.credentialBackedUp, userVerified: info.userVerified };
}

/**
 * The origins a response is verified against: the one its browser reports
 * (`clientDataJSON`), when the relying party allows it (a preview matched
 * by a pattern), else the exact ones, which refuse it.
 */
async function expectedOrigins(rp: RelyingParty, response: CeremonyResponse): Promise<string[]> {
  const { decodeClientDataJSON } = await import("@simplewebauthn/server/helpers");
  let reported: unknown;
  try {
    reported = decodeClientDataJSON(response.raw.response.clientDataJSON).origin;
  } catch {
    reported = undefined;
  }
  return typeof reported === "string" && rp.allows(reported) ? [reported] : rp.origins;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
