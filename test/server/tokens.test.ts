import { ConvexError } from "convex/values";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
} from "jose";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { generateKeys, type GeneratedKeys } from "../../src/cli/keys.js";
import {
  JWKS_PATH,
  OPENID_CONFIGURATION_PATH,
  jwksResponse,
  openidConfiguration,
} from "../../src/server/http/wellKnown.js";
import { DEFAULT_ACCESS_TOKEN_TTL_MS, parseSubject, signAccessToken, subjectOf } from "../../src/server/tokens/accessToken.js";
import { signingKeyFromEnv, type SigningKey } from "../../src/server/tokens/signingKey.js";
import { deploymentUrl } from "../../src/server/env.js";

const ISSUER = "https://happy-otter-123.convex.site";

let keys: GeneratedKeys;
let other: GeneratedKeys;
let key: SigningKey;

beforeAll(async () => {
  [keys, other] = await Promise.all([generateKeys(), generateKeys()]);
  key = await signingKeyFromEnv({ ...keys });
});

/** The base64 body of a PEM, which must never appear in an error. */
function pemBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "")
    .replace(/\s+/g, "");
}

/**
 * Awaits `promise`, asserts a CONFIGURATION ConvexError whose message names
 * `variable`, and returns the message.
 */
async function configurationError(
  promise: Promise<unknown>,
  variable: string,
): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  const data = (error as ConvexError<{ code: string; message: string }>).data;
  expect(data.code).toBe("CONFIGURATION");
  expect(data.message).toContain(variable);
  return data.message;
}

function expectNoSecret(message: string, ...secrets: string[]) {
  for (const secret of secrets) {
    // Any 16-character run of the secret counts as a leak.
    for (let i = 0; i + 16 <= secret.length; i += 8) {
      expect(message).not.toContain(secret.slice(i, i + 16));
    }
  }
}

describe("signingKeyFromEnv", () => {
  test("loads keys made by generateKeys", async () => {
    const jwk = JSON.parse(keys.JWKS).keys[0];
    expect(key.kid).toBe(jwk.kid);
    expect(key.privateKey.type).toBe("private");
    expect(key.privateKey.extractable).toBe(false);
    expect(key.publicJwks).toEqual({
      keys: [
        { kty: "RSA", n: jwk.n, e: jwk.e, kid: jwk.kid, alg: "RS256", use: "sig" },
      ],
    });
  });

  test("accepts the PEM with newlines, spaces or literal \\n", async () => {
    expect(keys.JWT_PRIVATE_KEY).not.toContain("\n");
    const body = pemBody(keys.JWT_PRIVATE_KEY);
    const lines = body.match(/.{1,64}/g)!;
    const multiline = [
      "-----BEGIN PRIVATE KEY-----",
      ...lines,
      "-----END PRIVATE KEY-----",
      "",
    ].join("\n");
    for (const form of [
      multiline,
      multiline.replace(/\n/g, "\r\n"),
      multiline.replace(/\n/g, "\\n"),
      `  ${keys.JWT_PRIVATE_KEY}  `,
    ]) {
      const loaded = await signingKeyFromEnv({
        JWT_PRIVATE_KEY: form,
        JWKS: keys.JWKS,
      });
      expect(loaded.kid).toBe(key.kid);
    }
  });

  test("caches per value pair", async () => {
    const again = await signingKeyFromEnv({ ...keys });
    expect(again).toBe(await signingKeyFromEnv({ ...keys }));
    const otherKey = await signingKeyFromEnv({ ...other });
    expect(otherKey.kid).not.toBe(again.kid);
  });

  test("picks the JWKS entry matching the private key (rotation)", async () => {
    const both = {
      keys: [...JSON.parse(other.JWKS).keys, ...JSON.parse(keys.JWKS).keys],
    };
    const loaded = await signingKeyFromEnv({
      JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY,
      JWKS: JSON.stringify(both),
    });
    expect(loaded.kid).toBe(key.kid);
    expect(loaded.publicJwks.keys).toHaveLength(2);
  });

  test("missing variables name the variable", async () => {
    await configurationError(signingKeyFromEnv({ JWKS: keys.JWKS }), "JWT_PRIVATE_KEY");
    await configurationError(
      signingKeyFromEnv({ JWT_PRIVATE_KEY: "  ", JWKS: keys.JWKS }),
      "JWT_PRIVATE_KEY",
    );
    const message = await configurationError(
      signingKeyFromEnv({ JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY }),
      "JWKS",
    );
    expectNoSecret(message, pemBody(keys.JWT_PRIVATE_KEY));
  });

  test("a malformed private key fails without echoing it", async () => {
    const body = pemBody(keys.JWT_PRIVATE_KEY);
    const cases = [
      "not a key at all",
      body, // no PEM armour
      `-----BEGIN PRIVATE KEY----- ${body.slice(0, 200)} -----END PRIVATE KEY-----`,
      `-----BEGIN PRIVATE KEY----- ${body.slice(0, -8)}!!!!!!!! -----END PRIVATE KEY-----`,
      `-----BEGIN RSA PRIVATE KEY----- ${body} -----END RSA PRIVATE KEY-----`,
      `-----BEGIN PRIVATE KEY----- ${"QUFB".repeat(100)} -----END PRIVATE KEY-----`,
    ];
    for (const value of cases) {
      const message = await configurationError(
        signingKeyFromEnv({ JWT_PRIVATE_KEY: value, JWKS: keys.JWKS }),
        "JWT_PRIVATE_KEY",
      );
      expectNoSecret(message, body, value.replace(/-----[A-Z ]+-----/g, ""));
    }
  });

  test("an EC private key is refused", async () => {
    const ec = await generateKeyPair("ES256", { extractable: true });
    const pem = await exportPKCS8(ec.privateKey);
    const message = await configurationError(
      signingKeyFromEnv({ JWT_PRIVATE_KEY: pem, JWKS: keys.JWKS }),
      "JWT_PRIVATE_KEY",
    );
    expectNoSecret(message, pemBody(pem));
  });

  test("a malformed JWKS fails without echoing the private key", async () => {
    const jwk = JSON.parse(keys.JWKS).keys[0];
    const cases = [
      "{keys:[]}", // quotes stripped by a shell
      "[]",
      '{"keys":[]}',
      '{"keys":{}}',
      JSON.stringify({ keys: [{ ...jwk, kty: "EC" }] }),
      JSON.stringify({ keys: [{ ...jwk, kid: undefined }] }),
      JSON.stringify({ keys: [{ ...jwk, alg: "RS512" }] }),
      JSON.stringify({ keys: [{ ...jwk, use: "enc" }] }),
      JSON.stringify({ keys: [{ ...jwk, n: "not base64url!" }] }),
      JSON.stringify({ keys: [jwk, jwk] }),
      JSON.stringify({ keys: [{ ...jwk, n: "AAAA" }] }),
    ];
    for (const value of cases) {
      const message = await configurationError(
        signingKeyFromEnv({ JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY, JWKS: value }),
        "JWKS",
      );
      expectNoSecret(message, pemBody(keys.JWT_PRIVATE_KEY));
    }
  });

  test("a JWKS holding a private JWK is refused without echoing it", async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const message = await configurationError(
      signingKeyFromEnv({
        JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY,
        JWKS: JSON.stringify({ keys: [{ ...privateJwk, kid: "k" }] }),
      }),
      "JWKS",
    );
    expect(message).toContain("private key material");
    expectNoSecret(message, privateJwk.d!, privateJwk.p!, privateJwk.q!);
  });

  test("a mismatched pair fails fast", async () => {
    const message = await configurationError(
      signingKeyFromEnv({ JWT_PRIVATE_KEY: keys.JWT_PRIVATE_KEY, JWKS: other.JWKS }),
      "JWT_PRIVATE_KEY",
    );
    expect(message).toContain("JWKS");
    expect(message).toContain("does not match");
    expectNoSecret(message, pemBody(keys.JWT_PRIVATE_KEY));
  });
});

describe("signAccessToken", () => {
  test("signs a token Convex-style verifiers accept", async () => {
    const now = Date.now();
    const ttlMs = 15 * 60 * 1000;
    const token = await signAccessToken(key, {
      userId: "user123",
      sessionId: "session456",
      issuer: ISSUER,
      now,
      ttlMs,
    });
    expect(decodeProtectedHeader(token)).toEqual({
      alg: "RS256",
      kid: key.kid,
      typ: "JWT",
    });
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(key.publicJwks as Parameters<typeof createLocalJWKSet>[0]),
      { issuer: ISSUER, audience: "convex", algorithms: ["RS256"] },
    );
    expect(protectedHeader.kid).toBe(key.kid);
    expect(payload.sub).toBe("user123|session456");
    expect(payload.iss).toBe(ISSUER);
    expect(payload.aud).toBe("convex");
    expect(payload.iat).toBe(Math.floor(now / 1000));
    expect(payload.exp! - payload.iat!).toBe(ttlMs / 1000);
    expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "iat", "iss", "sub"]);
    expect(parseSubject(payload.sub!)).toEqual({
      userId: "user123",
      sessionId: "session456",
    });
  });

  test("loading and signing need no RNG (allowed in queries and mutations)", async () => {
    const refuse = () => {
      throw new Error("needs the cryptographic RNG");
    };
    const spies = [
      vi.spyOn(crypto.subtle, "generateKey").mockImplementation(refuse),
      vi.spyOn(crypto, "getRandomValues").mockImplementation(refuse),
    ];
    try {
      // A value pair not seen before, so nothing comes from the cache.
      const fresh = await signingKeyFromEnv({
        JWT_PRIVATE_KEY: `\n${keys.JWT_PRIVATE_KEY}\n`,
        JWKS: ` ${keys.JWKS}`,
      });
      const token = await signAccessToken(fresh, {
        userId: "u",
        sessionId: "s",
        issuer: ISSUER,
        now: Date.now(),
        ttlMs: 60_000,
      });
      await jwtVerify(token, createLocalJWKSet(key.publicJwks as never));
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  test("defaults to one hour", () => {
    expect(DEFAULT_ACCESS_TOKEN_TTL_MS).toBe(3_600_000);
  });

  test("an expired token is rejected", async () => {
    const token = await signAccessToken(key, {
      userId: "u",
      sessionId: "s",
      issuer: ISSUER,
      now: Date.now() - 2 * 3_600_000,
      ttlMs: DEFAULT_ACCESS_TOKEN_TTL_MS,
    });
    await expect(
      jwtVerify(token, createLocalJWKSet(key.publicJwks as never), {
        issuer: ISSUER,
        audience: "convex",
      }),
    ).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  test("a token signed by another key is rejected by our JWKS", async () => {
    const otherKey = await signingKeyFromEnv({ ...other });
    const forged = await signAccessToken(
      { ...otherKey, kid: key.kid }, // even claiming our kid
      { userId: "u", sessionId: "s", issuer: ISSUER, now: Date.now(), ttlMs: 60_000 },
    );
    await expect(
      jwtVerify(forged, createLocalJWKSet(key.publicJwks as never), {
        issuer: ISSUER,
        audience: "convex",
      }),
    ).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    const ownKid = await signAccessToken(otherKey, {
      userId: "u",
      sessionId: "s",
      issuer: ISSUER,
      now: Date.now(),
      ttlMs: 60_000,
    });
    await expect(
      jwtVerify(ownKid, createLocalJWKSet(key.publicJwks as never)),
    ).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  test("rejects a ttl under a second and ids that break the subject", async () => {
    const base = { userId: "u", sessionId: "s", issuer: ISSUER, now: Date.now() };
    await expect(signAccessToken(key, { ...base, ttlMs: 999 })).rejects.toMatchObject({
      data: { code: "CONFIGURATION" },
    });
    await expect(
      signAccessToken(key, { ...base, userId: "a|b", ttlMs: 60_000 }),
    ).rejects.toMatchObject({ data: { code: "INVALID_ARGUMENT" } });
  });
});

describe("subjects", () => {
  test("round trip", () => {
    const sub = subjectOf("k57abc", "j97xyz");
    expect(sub).toBe("k57abc|j97xyz");
    expect(parseSubject(sub)).toEqual({ userId: "k57abc", sessionId: "j97xyz" });
  });

  test("malformed subjects parse to null", () => {
    for (const sub of ["", "|", "abc", "abc|", "|abc", "a|b|c", "a||b"]) {
      expect(parseSubject(sub)).toBeNull();
    }
  });

  test("subjectOf refuses ids it could not parse back", () => {
    for (const [u, s] of [
      ["", "s"],
      ["u", ""],
      ["a|b", "s"],
      ["u", "a|b"],
    ]) {
      expect(() => subjectOf(u, s)).toThrow(ConvexError);
    }
  });
});

describe("deploymentUrl", () => {
  test("returns CONVEX_SITE_URL without trailing slashes", () => {
    expect(deploymentUrl({ CONVEX_SITE_URL: ISSUER })).toBe(ISSUER);
    expect(deploymentUrl({ CONVEX_SITE_URL: `${ISSUER}/` })).toBe(ISSUER);
    expect(deploymentUrl({ CONVEX_SITE_URL: "http://127.0.0.1:3211//" })).toBe(
      "http://127.0.0.1:3211",
    );
  });

  test("missing or malformed is a CONFIGURATION error naming it", async () => {
    for (const env of [{}, { CONVEX_SITE_URL: "" }, { CONVEX_SITE_URL: "nope" }, {
      CONVEX_SITE_URL: "ftp://example.com",
    }]) {
      await configurationError(
        Promise.resolve().then(() => deploymentUrl(env)),
        "CONVEX_SITE_URL",
      );
    }
  });
});

describe("well-known documents", () => {
  test("paths", () => {
    expect(OPENID_CONFIGURATION_PATH).toBe("/.well-known/openid-configuration");
    expect(JWKS_PATH).toBe("/.well-known/jwks.json");
  });

  test("openid configuration", async () => {
    const response = openidConfiguration(ISSUER);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Cache-Control")).toMatch(/^public, max-age=300\b/);
    const body = await response.json();
    expect(body).toEqual({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["iss", "sub", "aud", "iat", "exp"],
    });
    expect(
      openidConfiguration(ISSUER, { maxAgeSeconds: 15 }).headers.get("Cache-Control"),
    ).toMatch(/^public, max-age=15\b/);
  });

  test("jwks serves public members only and verifies our tokens", async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const leaky = jwksResponse({ keys: [{ ...privateJwk, kid: "x" } as JsonWebKey] });
    const leakyBody = await leaky.json();
    expect(Object.keys(leakyBody.keys[0]).sort()).toEqual(["e", "kid", "kty", "n"]);

    const response = jwksResponse(key.publicJwks);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Cache-Control")).toMatch(/^public, max-age=60\b/);
    const jwks = await response.json();
    expect(jwks).toEqual(key.publicJwks);
    const token = await signAccessToken(key, {
      userId: "u",
      sessionId: "s",
      issuer: ISSUER,
      now: Date.now(),
      ttlMs: 60_000,
    });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: (await openidConfiguration(ISSUER).json()).issuer,
      audience: "convex",
    });
    expect(payload.sub).toBe("u|s");
  });
});
