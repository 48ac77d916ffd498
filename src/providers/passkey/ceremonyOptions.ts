/**
 * The WebAuthn options `signIn` hands the browser (`{ options, verifier }`),
 * as `@simplewebauthn/server` builds them and `@simplewebauthn/browser`
 * takes them. The options are copied field by field, so what leaves is
 * exactly what the protocol's validators (src/shared/webauthnOptions.ts) name.
 */
import type { CreationOptions, CredentialDescriptor, RequestOptions } from "../../shared/webauthnOptions.js";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";

export {
  ceremonyResultValidator,
  creationOptionsValidator,
  requestOptionsValidator,
  type CreationOptions,
  type RequestOptions,
} from "../../shared/webauthnOptions.js";

type Descriptor = CredentialDescriptor;

function descriptors(list: { id: string; transports?: string[] }[] | undefined): Descriptor[] | undefined {
  return list?.map(({ id, transports }) => ({
    id,
    type: "public-key" as const,
    ...(transports !== undefined ? { transports: [...transports] } : {}),
  }));
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The creation options as the result carries them. */
export function creationOptions(json: PublicKeyCredentialCreationOptionsJSON): CreationOptions {
  return defined({
    challenge: json.challenge,
    rp: defined({ name: json.rp.name, id: json.rp.id }),
    user: { id: json.user.id, name: json.user.name, displayName: json.user.displayName },
    pubKeyCredParams: json.pubKeyCredParams.map(({ alg }) => ({ alg, type: "public-key" as const })),
    timeout: json.timeout,
    excludeCredentials: descriptors(json.excludeCredentials),
    authenticatorSelection:
      json.authenticatorSelection &&
      defined({
        authenticatorAttachment: json.authenticatorSelection.authenticatorAttachment,
        residentKey: json.authenticatorSelection.residentKey,
        requireResidentKey: json.authenticatorSelection.requireResidentKey,
        userVerification: json.authenticatorSelection.userVerification,
      }),
    attestation: json.attestation,
    hints: json.hints && [...json.hints],
    extensions: json.extensions?.credProps !== undefined ? { credProps: json.extensions.credProps } : undefined,
  });
}

/** The request options as the result carries them. */
export function requestOptions(json: PublicKeyCredentialRequestOptionsJSON): RequestOptions {
  return defined({
    challenge: json.challenge,
    rpId: json.rpId,
    timeout: json.timeout,
    allowCredentials: descriptors(json.allowCredentials),
    userVerification: json.userVerification,
  });
}
