/**
 * The WebAuthn options `signIn` hands the browser (`{ options, verifier }`),
 * as `@simplewebauthn/server` builds them and `@simplewebauthn/browser`
 * takes them, with the validators of the `signIn` result. The options are
 * copied field by field, so what leaves is exactly what the validators name.
 */
import { v, type Infer } from "convex/values";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";

const credentialDescriptor = v.object({
  id: v.string(),
  type: v.literal("public-key"),
  transports: v.optional(v.array(v.string())),
});

/** `navigator.credentials.create()` options, JSON-encoded: they register a passkey. */
export const creationOptionsValidator = v.object({
  challenge: v.string(),
  rp: v.object({ name: v.string(), id: v.optional(v.string()) }),
  user: v.object({ id: v.string(), name: v.string(), displayName: v.string() }),
  pubKeyCredParams: v.array(v.object({ alg: v.number(), type: v.literal("public-key") })),
  timeout: v.optional(v.number()),
  excludeCredentials: v.optional(v.array(credentialDescriptor)),
  authenticatorSelection: v.optional(
    v.object({
      authenticatorAttachment: v.optional(v.string()),
      residentKey: v.optional(v.string()),
      requireResidentKey: v.optional(v.boolean()),
      userVerification: v.optional(v.string()),
    }),
  ),
  attestation: v.optional(v.string()),
  hints: v.optional(v.array(v.string())),
  extensions: v.optional(v.object({ credProps: v.optional(v.boolean()) })),
});

/** `navigator.credentials.get()` options, JSON-encoded: they sign in with a passkey. */
export const requestOptionsValidator = v.object({
  challenge: v.string(),
  rpId: v.optional(v.string()),
  timeout: v.optional(v.number()),
  allowCredentials: v.optional(v.array(credentialDescriptor)),
  userVerification: v.optional(v.string()),
});

/** The `{ options, verifier }` result of `signIn`: a WebAuthn ceremony to run, then `signIn` again. */
export const ceremonyResultValidator = v.object({
  options: v.union(creationOptionsValidator, requestOptionsValidator),
  verifier: v.string(),
});

export type CreationOptions = Infer<typeof creationOptionsValidator>;
export type RequestOptions = Infer<typeof requestOptionsValidator>;

type Descriptor = Infer<typeof credentialDescriptor>;

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
