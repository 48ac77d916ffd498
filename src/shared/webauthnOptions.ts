/**
 * The shape of the WebAuthn options `signIn` hands the browser
 * (`{ options, verifier }`), as `@simplewebauthn/server` builds them and
 * `@simplewebauthn/browser` takes them. Validators only: building the
 * options from `@simplewebauthn/server`'s JSON stays with the passkey
 * provider.
 */
import { v, type Infer } from "convex/values";

export const credentialDescriptorValidator = v.object({
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
  excludeCredentials: v.optional(v.array(credentialDescriptorValidator)),
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
  allowCredentials: v.optional(v.array(credentialDescriptorValidator)),
  userVerification: v.optional(v.string()),
});

/** The `{ options, verifier }` result of `signIn`: a WebAuthn ceremony to run, then `signIn` again. */
export const ceremonyResultValidator = v.object({
  options: v.union(creationOptionsValidator, requestOptionsValidator),
  verifier: v.string(),
});

export type CredentialDescriptor = Infer<typeof credentialDescriptorValidator>;
export type CreationOptions = Infer<typeof creationOptionsValidator>;
export type RequestOptions = Infer<typeof requestOptionsValidator>;
/**
 * WebAuthn options for the browser (`{ options, verifier }`): run the
 * ceremony with them, then `signIn(id, { response }, verifier)`.
 */
export type CeremonyOptions = CreationOptions | RequestOptions;
