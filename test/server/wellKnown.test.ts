/**
 * The OIDC discovery document carries every member OpenID Connect Discovery
 * 1.0 marks REQUIRED, with values true of this issuer, both from the builder
 * and as the example app serves it.
 */
import { decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { describe, expect, test } from "vitest";
import { openidConfiguration, openidConfigurationDocument } from "../../src/server/http/wellKnown.js";
import { password, makeAuthTest, tokensOf } from "../harness/auth.js";
import { TEST_SITE_URL, useOwnIssuer } from "../harness/env.js";

// Tokens signed with the app's own key (JWT_PRIVATE_KEY set): see deploymentToken.test.ts for the default.
useOwnIssuer();

/** OpenID Connect Discovery 1.0, section 3: the REQUIRED provider metadata. */
const REQUIRED = [
  "issuer",
  "authorization_endpoint",
  "jwks_uri",
  "response_types_supported",
  "subject_types_supported",
  "id_token_signing_alg_values_supported",
] as const;

type Discovery = Record<string, unknown>;

function expectRequiredMembers(doc: Discovery, issuer: string) {
  for (const member of REQUIRED) expect(doc, member).toHaveProperty(member);
  expect(doc.issuer).toBe(issuer);
  // Tokens are issued directly (no authorization code), so only "id_token".
  expect(doc.response_types_supported).toEqual(["id_token"]);
  expect(doc.subject_types_supported).toEqual(["public"]);
  expect(doc.id_token_signing_alg_values_supported).toEqual(["RS256"]);
}

describe("openid configuration", () => {
  test("the builder's document has every REQUIRED member", async () => {
    const issuer = "https://issuer.example.com";
    const response = openidConfiguration(issuer);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    const doc = (await response.json()) as Discovery;
    expectRequiredMembers(doc, issuer);
    expect(doc).toEqual(openidConfigurationDocument(issuer));
    // A trailing slash in the issuer is echoed in `issuer` but not doubled in URLs.
    expect(openidConfigurationDocument(issuer + "/").jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
  });

  test("the served document has them, and names the algorithm the app's keys and tokens use", async () => {
    const t = makeAuthTest();
    const response = await t.fetch("/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Discovery;
    expectRequiredMembers(doc, TEST_SITE_URL);

    const algs = doc.id_token_signing_alg_values_supported as string[];
    const jwks = (await (await t.fetch("/.well-known/jwks.json")).json()) as JSONWebKeySet;
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) if (key.alg !== undefined) expect(algs).toContain(key.alg);
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    expect(algs).toContain(decodeProtectedHeader(token).alg);
  });
});
