/**
 * Zero-setup signing (no `JWT_PRIVATE_KEY`): the access token is signed by
 * the deployment (`ctx.auth.signJwt` in the component's `sessions.issue`, in
 * the transaction that creates or rotates the session) and verifies with
 * jose against the deployment's JWKS (`t.jwks()`: what Convex serves at
 * `${CONVEX_CLOUD_URL}/.well-known/jwks.json`), with the issuer, audience,
 * subject, lifetime and key id `authConfig()` trusts; a token the deployment
 * signs for another audience is refused by that configuration.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyOptions } from "jose";
import { componentsGeneric, makeFunctionReference, mutationGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { v } from "convex/values";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import appSchema from "../../example/convex/schema.js";
import { authConfig } from "../../src/server/authConfig.js";
import { Auth } from "../../src/server/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { TEST_CLOUD_URL, TEST_COMPONENT_ISSUER, TEST_SITE_URL, useDeploymentIssuer } from "../harness/env.js";
import { as, claimsOf, makeAuthTest, password, refresh, refreshViaSignIn, tokensOf, type AuthTest } from "../harness/auth.js";
import { appModules, makeTestOf } from "../harness/setup.js";

useDeploymentIssuer();

afterEach(() => {
  vi.useRealTimers();
});

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

/** What Convex checks for the provider `authConfig()` gives, as jose options. */
function trusted(): JWTVerifyOptions & { jwksUrl: string } {
  const [provider] = authConfig().providers as unknown as [{ type: string; issuer: string; jwks: string; algorithm: "ES256"; applicationID: string }];
  expect(provider).toEqual({
    type: "customJwt",
    issuer: TEST_COMPONENT_ISSUER,
    jwks: `${TEST_CLOUD_URL}/.well-known/jwks.json`,
    algorithm: "ES256",
    applicationID: "convex",
  });
  return { issuer: provider.issuer, audience: provider.applicationID, algorithms: [provider.algorithm], jwksUrl: provider.jwks };
}

/** A mutation signing `sub` with the deployment's key for `aud`. */
const signer = (aud: string) =>
  mutationGeneric({
    args: { sub: v.string() },
    returns: v.string(),
    handler: async (ctx, { sub }) => await ctx.auth.signJwt({ claims: { sub, aud }, expiresInSeconds: 900 }),
  });

/**
 * The example app with two more signers: `appSigned:sign` (the app's own
 * mutation: issuer CONVEX_CLOUD_URL) and, inside the component,
 * `otherAudience:sign` (the component's issuer, another audience).
 */
function signingApp() {
  return makeTestOf(
    { ...appModules, "../../example/convex/appSigned.ts": async () => ({ sign: signer("convex") }) },
    {
      schema: appSchema,
      componentModules: {
        "./component/testProbe.ts": () => import("../fixtures/componentProbe.js"),
        "./component/otherAudience.ts": async () => ({ sign: signer("another-service") }),
      },
    },
  );
}
const signAsTheApp = makeFunctionReference<"mutation", { sub: string }, string>("appSigned:sign");
const signForAnotherAudience = (componentsGeneric() as AnyComponents).auth.otherAudience.sign as FunctionReference<
  "mutation",
  "internal",
  { sub: string },
  string
>;

async function keysOf(t: Pick<AuthTest, "jwks">) {
  const jwks = (await t.jwks()) as JSONWebKeySet;
  return { jwks, keys: createLocalJWKSet(jwks) };
}

describe("an access token signed by the deployment", () => {
  test("verifies against the deployment's JWKS with the issuer, audience, subject, lifetime and kid authConfig() trusts", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const { jwks, keys } = await keysOf(t);
    const { payload, protectedHeader } = await jwtVerify(token, keys, trusted());
    expect(protectedHeader.alg).toBe("ES256");
    expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid);
    expect(jwks.keys).toHaveLength(1);
    const user = await t.query(api.users.byEmail, { email: EMAIL });
    expect(payload.sub).toMatch(new RegExp(`^${user!.id}\\|.+`));
    expect(payload.sub).toBe(`${claimsOf(token).userId}|${claimsOf(token).sessionId}`);
    // The configured access-token lifetime (15 minutes), within the deployment's limit of 1 hour.
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60 * 60);
  });

  test("a refresh mints one the same way, for the same session, through the mutation and through signIn", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const { keys } = await keysOf(t);
    for (const exchange of [refresh, refreshViaSignIn]) {
      const next = tokensOf(await exchange(t, first.refreshToken));
      const { payload } = await jwtVerify(next.token, keys, trusted());
      expect(payload.sub).toBe(`${claimsOf(first.token).userId}|${claimsOf(first.token).sessionId}`);
      expect(payload.exp! - payload.iat!).toBe(15 * 60);
    }
  });

  test("expires after the configured lifetime", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const { keys } = await keysOf(t);
    const { jwksUrl: _, ...opts } = trusted();
    const iat = claimsOf(token).iat!;
    await expect(jwtVerify(token, keys, { ...opts, currentDate: new Date((iat + 14 * 60) * 1000) })).resolves.toBeTruthy();
    await expect(jwtVerify(token, keys, { ...opts, currentDate: new Date((iat + 15 * 60 + 1) * 1000) })).rejects.toThrow(
      /"exp" claim timestamp check failed/,
    );
  });

  test("a token the deployment signed for another audience is refused", async () => {
    // Any mutation of the deployment can sign with its key; only `aud` (and
    // the issuer) tell our tokens apart. A component mutation signing for
    // another audience stands for such a token.
    const t = signingApp();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const { keys } = await keysOf(t);
    const other = await t.mutation(signForAnotherAudience, { sub: String(claimsOf(token).sub) });
    expect(claimsOf(other).iss).toBe(TEST_COMPONENT_ISSUER);
    expect(claimsOf(other).aud).toBe("another-service");
    const { jwksUrl: _, ...opts } = trusted();
    await expect(jwtVerify(other, keys, opts)).rejects.toThrow(/unexpected "aud" claim value/);
    // The app's own signature (issuer CONVEX_CLOUD_URL) is not the component's either.
    const appSigned = await t.mutation(signAsTheApp, { sub: String(claimsOf(token).sub) });
    expect(claimsOf(appSigned).iss).toBe(TEST_CLOUD_URL);
    await expect(jwtVerify(appSigned, keys, opts)).rejects.toThrow(/unexpected "iss" claim value/);
  });

  test("the app's functions see the signed-in user through ctx.auth; another issuer's identity is not ours", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW, { name: "Ada" }));
    expect(claimsOf(token).iss).toBe(TEST_COMPONENT_ISSUER);
    expect(await as(t, token).query(api.users.viewer, {})).toMatchObject({ name: "Ada", email: EMAIL });
    expect(await as(t, token).query(api.users.viewerId, {})).toBe(claimsOf(token).userId);
    const sub = String(claimsOf(token).sub);
    for (const issuer of [TEST_CLOUD_URL, `${TEST_CLOUD_URL}/components/other`, "https://clerk.example.com"]) {
      expect(await t.withIdentity({ subject: sub, issuer }).query(api.users.viewerId, {})).toBeNull();
    }
  });

  test("the site's discovery and JWKS routes have nothing to serve: the deployment's keys are Convex's", async () => {
    const t = makeAuthTest();
    expect((await t.fetch("/.well-known/jwks.json")).status).toBe(404);
    expect((await t.fetch("/.well-known/openid-configuration")).status).toBe(404);
  });
});

describe("configuration", () => {
  test("authConfig() trusts the app's own issuer when JWT_PRIVATE_KEY is set (or when asked), and a renamed component", () => {
    expect(authConfig({ ownIssuer: true }).providers).toEqual([{ domain: TEST_SITE_URL, applicationID: "convex" }]);
    process.env.JWT_PRIVATE_KEY = "set";
    try {
      expect(authConfig().providers).toEqual([{ domain: TEST_SITE_URL, applicationID: "convex" }]);
    } finally {
      delete process.env.JWT_PRIVATE_KEY;
    }
    const [renamed] = authConfig({ componentName: "myAuth" }).providers as unknown as [{ issuer: string }];
    expect(renamed.issuer).toBe(`${TEST_CLOUD_URL}/components/myAuth`);
    const extra = { domain: "https://clerk.example.com", applicationID: "convex" };
    expect(authConfig({ providers: [extra] }).providers).toHaveLength(2);
  });

  test("an access-token lifetime over 1 hour fails before anything is written", async () => {
    const long = Auth({ component: components.auth, providers: [], accessTokenTtlMs: 61 * 60 * 1000 });
    const t = makeTestOf(
      { ...appModules, "../../example/convex/longTokens.ts": async () => ({ refresh: long.refresh }) },
      { schema: appSchema },
    );
    const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
    await expectAuthError(t.mutation(makeFunctionReference<"mutation">("longTokens:refresh"), { refreshToken }), "CONFIGURATION");
    tokensOf(await refresh(t, refreshToken));
  });

  test("without AUTH_CODE_SECRET (and no JWT_PRIVATE_KEY) sign-in fails with CONFIGURATION naming it, and writes nothing", async () => {
    const t = makeAuthTest();
    const saved = process.env.AUTH_CODE_SECRET;
    delete process.env.AUTH_CODE_SECRET;
    try {
      const error = await password.signUp(t, EMAIL, PW).catch((e: unknown) => e);
      await expectAuthError(Promise.reject(error), "CONFIGURATION");
      expect(String((error as { data: { message: string } }).data.message)).toContain("AUTH_CODE_SECRET");
      expect(await t.query(api.users.byEmail, { email: EMAIL })).toBeNull();
    } finally {
      process.env.AUTH_CODE_SECRET = saved;
    }
  });
});

