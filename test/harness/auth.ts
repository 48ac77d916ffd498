/**
 * Drives the example app's auth the way a client does: through its public
 * `signIn`/`signOut` actions, holding the tokens they return.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { authConfig } from "../../src/server/authConfig.js";
import { expect } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { makeTest, type TestOptions } from "./setup.js";

/** A test app with the component probe mounted (see test/fixtures/componentProbe.ts). */
export function makeAuthTest(options: TestOptions = {}) {
  return makeTest({
    ...options,
    componentModules: {
      "./component/testProbe.ts": () => import("../fixtures/componentProbe.js"),
      ...options.componentModules,
    },
  });
}
export type AuthTest = ReturnType<typeof makeAuthTest>;

const probeApi = (componentsGeneric() as AnyComponents).auth.testProbe;
/** References to the component probe's functions. */
export const probe = {
  seedSessions: probeApi.seedSessions as FunctionReference<
    "mutation",
    "internal",
    { userId: string; count: number; tokensEach: number; from: number },
    null
  >,
  countUserData: probeApi.countUserData as FunctionReference<"query", "internal", { userId: string }, Record<string, number>>,
  rows: probeApi.rows as FunctionReference<"query", "internal", { table: string }, Record<string, unknown>[]>,
  plantActiveTotp: probeApi.plantActiveTotp as FunctionReference<"mutation", "internal", { userId: string }, null>,
  setAccountSecret: probeApi.setAccountSecret as FunctionReference<
    "mutation",
    "internal",
    { accountId: string; secret: string },
    null
  >,
};

/** Tokens as `signIn` returns them. */
export type Tokens = { token: string; refreshToken: string };

/** The claims of our access token. */
export function claimsOf(token: string) {
  const claims = decodeJwt(token);
  const [userId, sessionId] = String(claims.sub).split("|");
  return { ...claims, userId, sessionId };
}

/**
 * Verifies `token` as a deployment would against the app's `auth.config.ts`
 * (`authConfig()`): the deployment's JWKS (`t.jwks()`) for its own tokens,
 * or the app's JWKS route for tokens signed with `JWT_PRIVATE_KEY`. Throws
 * when it does not verify; returns the payload.
 */
export async function verifiedAsConvex(t: Pick<AuthTest, "fetch" | "jwks">, token: string): Promise<JWTPayload> {
  const [provider] = authConfig().providers as unknown as [
    { domain?: string; issuer?: string; algorithm?: string; applicationID: string },
  ];
  const jwks =
    provider.domain !== undefined
      ? ((await (await t.fetch("/.well-known/jwks.json")).json()) as JSONWebKeySet)
      : ((await t.jwks()) as JSONWebKeySet);
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: provider.domain ?? provider.issuer,
    audience: provider.applicationID,
    ...(provider.algorithm ? { algorithms: [provider.algorithm] } : {}),
  });
  return payload;
}

/**
 * `t` acting as the holder of `token` (Convex would verify it; convex-test
 * takes the claims): its subject, issuer and custom claims (an
 * impersonation's `act`), as a deployment passes them to functions.
 */
export function as(t: AuthTest, token: string) {
  const claims = claimsOf(token);
  const { act } = claims as { act?: { sub: string } };
  return t.withIdentity({ subject: String(claims.sub), issuer: String(claims.iss), ...(act !== undefined ? { act } : {}) });
}

/** Asserts a `signIn` result carries tokens and returns them. */
export function tokensOf(result: unknown): Tokens {
  expect(result).toHaveProperty("tokens");
  const tokens = (result as { tokens: Tokens | null }).tokens;
  expect(tokens, "expected tokens, got { tokens: null }").not.toBeNull();
  return tokens!;
}

export const password = {
  signUp: (t: AuthTest, email: string, pw: string, extra: Record<string, unknown> = {}) =>
    t.action(api.auth.signIn, { provider: "password", params: { flow: "signUp", email, password: pw, ...extra } }),
  signIn: (t: AuthTest, email: string, pw: string) =>
    t.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email, password: pw } }),
};

/** Exchanges a refresh token as the client does: the public `refresh` mutation (one transaction). */
export const refresh = (t: AuthTest, refreshToken: string) => t.mutation(api.auth.refresh, { refreshToken });

/** Exchanges a refresh token through `signIn` (an action calling the issuing mutation), for servers without `refresh`. */
export const refreshViaSignIn = (t: AuthTest, refreshToken: string) => t.action(api.auth.signIn, { refreshToken });
