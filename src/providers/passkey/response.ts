/**
 * The browser's answer to a ceremony (`signIn(id, { response }, verifier)`),
 * checked for shape before `@simplewebauthn/server` verifies it.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { authError } from "../../server/errors.js";

/** Credential IDs are at most 1023 bytes (WebAuthn): 1364 base64url characters. */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,1364}$/;
/** Anything larger is not an authenticator's answer (attestation certificates included). */
const MAX_RESPONSE_CHARS = 64 * 1024;

/** A response with a well-formed credential id; the rest is for the verifier library. */
export type CeremonyResponse = { id: string; raw: RegistrationResponseJSON & AuthenticationResponseJSON };

/** Checks the response's shape; `PASSKEY_INVALID` when it cannot be a WebAuthn response. */
export function parseResponse(value: unknown): CeremonyResponse {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw authError("PASSKEY_INVALID", "The passkey response is missing or malformed");
  }
  const { id, rawId, type, response } = value as Record<string, unknown>;
  if (
    typeof id !== "string" ||
    !CREDENTIAL_ID.test(id) ||
    rawId !== id ||
    type !== "public-key" ||
    typeof response !== "object" ||
    response === null ||
    JSON.stringify(value).length > MAX_RESPONSE_CHARS
  ) {
    throw authError("PASSKEY_INVALID", "The passkey response is missing or malformed");
  }
  return { id, raw: value as RegistrationResponseJSON & AuthenticationResponseJSON };
}

/** The assertion's user handle, when the authenticator returned one. */
export function userHandleOf(response: CeremonyResponse): string | undefined {
  const handle = (response.raw.response as { userHandle?: unknown }).userHandle;
  return typeof handle === "string" && handle !== "" ? handle : undefined;
}
