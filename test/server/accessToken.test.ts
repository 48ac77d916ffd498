/**
 * With the app's own key (`JWT_PRIVATE_KEY` set), a JWT minted by sign-in
 * verifies with jose against the JWKS the app serves (fetched through its
 * HTTP routes), with the right issuer, audience and subject; a token signed
 * with another key does not. (The default, the deployment's key:
 * deploymentToken.test.ts.)
 */
import {
  SignJWT,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
} from "jose";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { TEST_SITE_URL, useOwnIssuer } from "../harness/env.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, tokensOf } from "../harness/auth.js";

// Tokens signed with the app's own key (JWT_PRIVATE_KEY set): see deploymentToken.test.ts for the default.
useOwnIssuer();

async function jwksOf(t: ReturnType<typeof makeAuthTest>): Promise<JSONWebKeySet> {
  const response = await t.fetch("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/json");
  return (await response.json()) as JSONWebKeySet;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("access token", () => {
  test("verifies against the app's JWKS route with iss, aud and sub", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const jwks = createLocalJWKSet(await jwksOf(t));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: TEST_SITE_URL,
      audience: "convex",
      algorithms: ["RS256"],
    });
    expect(protectedHeader.kid).toBe(JSON.parse(process.env.JWKS!).keys[0].kid);
    const user = await t.query(api.users.byEmail, { email: "ada@example.com" });
    expect(payload.sub).toMatch(new RegExp(`^${user!.id}\\|.+`));
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  test("OIDC discovery points at the JWKS route, as auth.config.ts needs", async () => {
    const t = makeAuthTest();
    const response = await t.fetch("/.well-known/openid-configuration");
    const doc = (await response.json()) as { issuer: string; jwks_uri: string };
    expect(doc.issuer).toBe(TEST_SITE_URL);
    expect(doc.jwks_uri).toBe(`${TEST_SITE_URL}/.well-known/jwks.json`);
    // jose fetches it like Convex does: through the discovery document's jwks_uri.
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const remote = createRemoteJWKSet(new URL(doc.jwks_uri), {
      [customFetch]: (url: string) => t.fetch(new URL(url).pathname),
    });
    await expect(jwtVerify(token, remote, { issuer: doc.issuer, audience: "convex" })).resolves.toBeTruthy();
  });

  test("a token signed with another key is rejected", async () => {
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const jwks = createLocalJWKSet(await jwksOf(t));
    const { privateKey } = await generateKeyPair("RS256");
    const kid = JSON.parse(process.env.JWKS!).keys[0].kid as string;
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid })
      .setSubject("someone|else")
      .setIssuer(TEST_SITE_URL)
      .setAudience("convex")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    await expect(jwtVerify(forged, jwks, { issuer: TEST_SITE_URL, audience: "convex" })).rejects.toThrow(
      /signature verification failed/,
    );
  });

  test("expires after 15 minutes by default", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const jwks = createLocalJWKSet(await jwksOf(t));
    const opts = { issuer: TEST_SITE_URL, audience: "convex" };
    await expect(jwtVerify(token, jwks, { ...opts, currentDate: new Date("2026-01-01T00:14:00Z") })).resolves.toBeTruthy();
    await expect(jwtVerify(token, jwks, { ...opts, currentDate: new Date("2026-01-01T00:15:01Z") })).rejects.toThrow(
      /"exp" claim timestamp check failed/,
    );
  });

  test("the app's functions see the signed-in user through ctx.auth", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery", { name: "Ada" }));
    expect(await as(t, token).query(api.users.viewer, {})).toMatchObject({ name: "Ada", email: "ada@example.com" });
    expect(await as(t, token).query(api.users.viewerId, {})).toBe(claimsOf(token).userId);
    expect(await t.query(api.users.viewer, {})).toBeNull();
    expect(await t.query(api.users.viewerId, {})).toBeNull();
  });

  test("an identity from another issuer is not ours", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const other = t.withIdentity({ subject: String(claimsOf(token).sub), issuer: "https://clerk.example.com" });
    expect(await other.query(api.users.viewerId, {})).toBeNull();
  });
});

describe("configuration", () => {
  test("a private key without its JWKS fails sign-in with CONFIGURATION naming JWKS, and writes nothing", async () => {
    const t = makeAuthTest();
    const saved = process.env.JWKS;
    delete process.env.JWKS;
    try {
      const error = await password.signUp(t, "ada@example.com", "correct horse battery").catch((e: unknown) => e);
      await expectAuthError(Promise.reject(error), "CONFIGURATION");
      expect(String((error as { data: { message: string } }).data.message)).toContain("JWKS");
      expect(await t.query(api.users.byEmail, { email: "ada@example.com" })).toBeNull();
    } finally {
      process.env.JWKS = saved;
    }
  });

  test("without JWT_PRIVATE_KEY, sign-in signs with the deployment's key instead", async () => {
    const t = makeAuthTest();
    const saved = process.env.JWT_PRIVATE_KEY;
    delete process.env.JWT_PRIVATE_KEY;
    try {
      const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
      expect(decodeProtectedHeader(token).alg).toBe("ES256");
      expect(claimsOf(token).iss).toBe(`${process.env.CONVEX_CLOUD_URL}/components/auth`);
    } finally {
      process.env.JWT_PRIVATE_KEY = saved;
    }
  });

  test("a malformed JWKS fails with CONFIGURATION naming JWKS", async () => {
    const t = makeAuthTest();
    const saved = process.env.JWKS;
    process.env.JWKS = "{not json";
    try {
      const error = await password.signUp(t, "ada@example.com", "correct horse battery").catch((e: unknown) => e);
      await expectAuthError(Promise.reject(error), "CONFIGURATION");
      expect(String((error as { data: { message: string } }).data.message)).toContain("JWKS");
    } finally {
      process.env.JWKS = saved;
    }
  });
});
