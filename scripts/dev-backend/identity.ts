/**
 * Authenticates a client's JWT the way a deployment does: against the
 * providers of the app's `auth.config.ts`. An OIDC provider (`domain`) is
 * trusted through its discovery document and JWKS (for this app, served by
 * its own HTTP routes); a custom JWT provider through its `issuer` and `jwks`.
 */
import type { UserIdentity } from "convex/server";
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { AuthProviderConfig } from "./functions.js";

export type Verified = { identity: UserIdentity; expiresAt: number | null };

/** Claims Convex maps from OIDC's snake_case names to UserIdentity fields. */
const STANDARD_CLAIMS: Record<string, string> = {
  given_name: "givenName",
  family_name: "familyName",
  preferred_username: "preferredUsername",
  profile_url: "profileUrl",
  picture_url: "pictureUrl",
  email_verified: "emailVerified",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  updated_at: "updatedAt",
};
const JWT_ONLY = new Set(["iss", "sub", "aud", "exp", "iat", "nbf", "jti"]);

/** The identity `ctx.auth.getUserIdentity()` returns for `payload`. */
export function identityOf(payload: JWTPayload): UserIdentity {
  const identity: Record<string, unknown> = {
    subject: payload.sub,
    issuer: payload.iss,
    tokenIdentifier: `${payload.iss}|${payload.sub}`,
  };
  for (const [claim, value] of Object.entries(payload)) {
    if (!JWT_ONLY.has(claim)) identity[STANDARD_CLAIMS[claim] ?? claim] = value;
  }
  return identity as UserIdentity;
}

/**
 * A verifier for `providers`. Keys are fetched on first use and cached by
 * jose (refetched when a token names an unknown `kid`).
 */
export function tokenVerifier(providers: AuthProviderConfig[], fetchJson: (url: string) => Promise<unknown>) {
  const keySets = new Map<string, JWTVerifyGetKey>();

  async function keysOf(provider: AuthProviderConfig): Promise<JWTVerifyGetKey> {
    const id = provider.domain ?? provider.issuer ?? "";
    let keys = keySets.get(id);
    if (keys === undefined) {
      let jwksUrl = provider.jwks;
      if (provider.domain !== undefined) {
        const discovery = (await fetchJson(`${provider.domain.replace(/\/+$/, "")}/.well-known/openid-configuration`)) as {
          jwks_uri?: string;
        };
        jwksUrl = discovery.jwks_uri;
      }
      if (jwksUrl === undefined) throw new Error(`auth provider ${id} has no JWKS`);
      keys = createRemoteJWKSet(new URL(jwksUrl));
      keySets.set(id, keys);
    }
    return keys;
  }

  /** The identity `token` proves; throws (with the reason) when no provider accepts it. */
  return async function verify(token: string): Promise<Verified> {
    const reasons: string[] = [];
    for (const provider of providers) {
      const issuer = provider.domain ?? provider.issuer;
      if (issuer === undefined) continue;
      try {
        const { payload } = await jwtVerify(token, await keysOf(provider), {
          issuer: [issuer, issuer.replace(/\/+$/, "")],
          audience: provider.applicationID,
          algorithms: provider.algorithm ? [provider.algorithm] : undefined,
        });
        if (typeof payload.sub !== "string") throw new Error("the token has no subject");
        return { identity: identityOf(payload), expiresAt: payload.exp === undefined ? null : payload.exp * 1000 };
      } catch (error) {
        reasons.push(`${issuer}: ${(error as Error).message}`);
      }
    }
    throw new Error(
      `Could not verify the token with any provider in auth.config.ts (${reasons.join("; ") || "there are none"})`,
    );
  };
}
