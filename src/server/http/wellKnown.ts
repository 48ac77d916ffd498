/**
 * The two documents Convex fetches to trust our access tokens (OIDC
 * discovery): `/.well-known/openid-configuration`, then the JWKS it names.
 * Pure `Response` builders over plain inputs; `auth.http.add` routes them.
 *
 * Convex parses the discovery document with its fork of `openidconnect-rs`:
 * the `issuer` must equal the token's `iss` exactly and both responses must be
 * `application/json`. Only `issuer` and `jwks_uri` are used, but older
 * versions of that library require `authorization_endpoint` too, so the
 * document names one (as `@convex-dev/auth`'s does); tokens are never issued
 * there. The members OpenID Connect Discovery 1.0 marks REQUIRED are all
 * present: `response_types_supported` is `["id_token"]` (our tokens are
 * issued directly, never through an authorization code), subjects are
 * `public`, and tokens are signed with RS256, the only algorithm a signing
 * key may have.
 *
 * @module
 */

/** Path of the OIDC discovery document. */
export const OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
/** Path of the JSON Web Key Set. */
export const JWKS_PATH = "/.well-known/jwks.json";

/** Default `max-age` of the discovery document (it changes only with the site URL). */
export const OPENID_CONFIGURATION_MAX_AGE_SECONDS = 300;
/**
 * Default `max-age` of the JWKS: short, so a newly published key is picked
 * up quickly during rotation.
 */
export const JWKS_MAX_AGE_SECONDS = 60;

/** The discovery document we publish: only what is true of this issuer. */
export type OpenIdConfiguration = {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  response_types_supported: ["id_token"];
  subject_types_supported: ["public"];
  id_token_signing_alg_values_supported: ["RS256"];
  claims_supported: string[];
};

/** The discovery document for `issuer` (the tokens' `iss`, echoed verbatim). */
export function openidConfigurationDocument(
  issuer: string,
): OpenIdConfiguration {
  return {
    issuer,
    jwks_uri: issuer.replace(/\/+$/, "") + JWKS_PATH,
    authorization_endpoint: issuer.replace(/\/+$/, "") + "/oauth/authorize",
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    claims_supported: ["iss", "sub", "aud", "iat", "exp"],
  };
}

/** Options for the `Response` builders. */
export type WellKnownResponseOptions = {
  /** `Cache-Control: max-age` in seconds (defaults above). */
  maxAgeSeconds?: number;
};

/** `GET /.well-known/openid-configuration` for `issuer`. */
export function openidConfiguration(
  issuer: string,
  options: WellKnownResponseOptions = {},
): Response {
  return jsonResponse(
    openidConfigurationDocument(issuer),
    options.maxAgeSeconds ?? OPENID_CONFIGURATION_MAX_AGE_SECONDS,
  );
}

/** JWK members that never carry private key material. */
const PUBLIC_JWK_MEMBERS = [
  "kty",
  "kid",
  "use",
  "alg",
  "key_ops",
  "n",
  "e",
  "crv",
  "x",
  "y",
  "x5c",
  "x5t",
  "x5t#S256",
  "x5u",
] as const;

/**
 * `GET /.well-known/jwks.json`. Serves only the public members of each key,
 * so a private JWK passed by mistake is never published.
 */
export function jwksResponse(
  publicJwks: { keys: JsonWebKey[] },
  options: WellKnownResponseOptions = {},
): Response {
  const keys = publicJwks.keys.map((key) => {
    const out: Record<string, unknown> = {};
    for (const member of PUBLIC_JWK_MEMBERS) {
      const value = (key as Record<string, unknown>)[member];
      if (value !== undefined) out[member] = value;
    }
    return out;
  });
  return jsonResponse(
    { keys },
    options.maxAgeSeconds ?? JWKS_MAX_AGE_SECONDS,
  );
}

function jsonResponse(body: unknown, maxAgeSeconds: number): Response {
  const maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: {
      "Content-Type": "application/json",
      // Serve stale copies for a day if the deployment errors, so a bad
      // deploy does not sign every user out.
      "Cache-Control": `public, max-age=${maxAge}, stale-while-revalidate=${maxAge}, stale-if-error=86400`,
      // Public documents: let browser-side verifiers read them too.
      "Access-Control-Allow-Origin": "*",
    },
  });
}
