/**
 * TOTP: the code computation against RFC 6238's test vectors, enrollment
 * (set-up, confirmation, the secret at rest) and second-factor sign-in,
 * judged by an independent implementation (the `otpauth` package) reading
 * the URI we hand out.
 */
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import * as OTPAuth from "otpauth";
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { codeAt } from "../../src/providers/totp/otp.js";
import { advance, dbNow, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const STEP = 30_000;




type Setup = { totpSetup: { uri: string; secret: string; totpId: string }; verifier: string };

const totp = {
  setup: (t: AuthTest, token: string, params: Record<string, unknown> = {}) =>
    as(t, token).action(api.auth.signIn, { provider: "totp", params: { flow: "setup", ...params } }) as Promise<Setup>,
  confirm: (t: AuthTest, token: string, verifier: string, code: string) =>
    as(t, token).action(api.auth.signIn, { provider: "totp", params: { flow: "confirm", code }, verifier }),
  signIn: (t: AuthTest, verifier: string, params: Record<string, unknown>) =>
    t.action(api.auth.signIn, { provider: "totp", params, verifier }),
};

/** Signs up, sets up an authenticator and confirms it; the clock then moves on a step. */
async function enrolled(t: AuthTest, email = EMAIL) {
  const first = tokensOf(await password.signUp(t, email, PW));
  const setup = await totp.setup(t, first.token);
  const otp = OTPAuth.URI.parse(setup.totpSetup.uri) as OTPAuth.TOTP;
  const tokens = tokensOf(await totp.confirm(t, first.token, setup.verifier, otp.generate()));
  advance(STEP);
  return { otp, tokens, first, setup, userId: claimsOf(tokens.token).userId! };
}

/** A password sign-in that stops at the second factor; returns its verifier. */
async function passwordStep(t: AuthTest, email = EMAIL): Promise<string> {
  const result = await password.signIn(t, email, PW);
  expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
  return (result as { verifier: string }).verifier;
}

function bytes(value: unknown): Uint8Array {
  expect(value).toBeInstanceOf(ArrayBuffer);
  return new Uint8Array(value as ArrayBuffer);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("codes", () => {
  test("RFC 6238 Appendix B: the SHA-1 rows, 8 digits", () => {
    const secret = new TextEncoder().encode("12345678901234567890");
    const rows: [seconds: number, code: string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [seconds, code] of rows) {
      expect(codeAt(secret, seconds * 1000, { digits: 8, period: 30 })).toBe(code);
    }
  });

  test("our codes are otpauth's, step after step", () => {
    const secret = new Uint8Array(20).map((_, i) => (i * 37 + 11) % 256);
    const theirs = new OTPAuth.TOTP({ secret: new OTPAuth.Secret({ buffer: secret.buffer }), digits: 6, period: 30 });
    for (let i = 0; i < 8; i++) {
      const time = 1_772_359_200_000 + i * STEP + 1234;
      expect(codeAt(secret, time, { digits: 6, period: 30 })).toBe(theirs.generate({ timestamp: time }));
    }
  });
});

describe("enrollment", () => {
  test("set-up hands out a URI authenticator apps read; the factor waits for a code", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const setup = await totp.setup(t, token, { name: "Phone" });
    expect(setup).toEqual({
      totpSetup: { uri: expect.any(String), secret: expect.stringMatching(/^[A-Z2-7]{32}$/), totpId: expect.any(String) },
      verifier: expect.stringMatching(/^[\w-]{43}$/),
    });
    const { uri, secret, totpId } = setup.totpSetup;
    expect(uri.startsWith("otpauth://totp/convex-auth-kit%20example:ada%40example.com?")).toBe(true);
    const parsed = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    expect(parsed.issuer).toBe("convex-auth-kit example");
    expect(parsed.label).toBe("ada@example.com");
    expect([parsed.algorithm, parsed.digits, parsed.period]).toEqual(["SHA1", 6, 30]);
    expect(parsed.secret.base32).toBe(secret);

    const [factor] = await t.query(probe.rows, { table: "totpFactors" });
    expect(factor).toMatchObject({ _id: totpId, name: "Phone", userId: claimsOf(token).userId });
    expect(factor.activatedTime).toBeUndefined();
    // Pending: a password sign-in still signs in at once.
    tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await as(t, token).query(api.totp.status, {})).toMatchObject({ factors: [], recoveryCodesLeft: 0 });
  });

  test("the stored secret is neither the secret nor its base32 form", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const { totpSetup } = await totp.setup(t, token);
    const secret = decodeBase32IgnorePadding(totpSetup.secret);
    expect(secret.length).toBe(20);
    const [factor] = await t.query(probe.rows, { table: "totpFactors" });
    const stored = bytes(factor.secretCiphertext);
    expect(stored.length).toBe(20 + 16); // AES-GCM: same length plus the tag
    expect(bytes(factor.secretIv).length).toBe(12);
    expect(contains(stored, secret)).toBe(false);
    expect(contains(stored, new TextEncoder().encode(totpSetup.secret))).toBe(false);
    const dump = (await t.query(probe.rows, { table: "totpFactors" })).map((row) =>
      Object.values(row).map((value) =>
        value instanceof ArrayBuffer ? new TextDecoder("latin1").decode(value) : JSON.stringify(value),
      ),
    );
    expect(JSON.stringify(dump)).not.toContain(totpSetup.secret);
    for (const table of ["verifiers", "events"]) {
      expect(JSON.stringify(await t.query(probe.rows, { table }))).not.toContain(totpSetup.secret);
    }
  });

  test("a wrong code keeps it pending and the set-up open; the right one activates it", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const setup = await totp.setup(t, first.token);
    const otp = OTPAuth.URI.parse(setup.totpSetup.uri) as OTPAuth.TOTP;
    const wrong = String((Number(otp.generate()) + 1) % 1_000_000).padStart(6, "0");
    await expectAuthError(totp.confirm(t, first.token, setup.verifier, wrong), "INVALID_CODE");
    await expectAuthError(totp.confirm(t, first.token, setup.verifier, "12345"), "INVALID_CODE");
    expect((await t.query(probe.rows, { table: "totpFactors" }))[0].activatedTime).toBeUndefined();

    const tokens = tokensOf(await totp.confirm(t, first.token, setup.verifier, otp.generate()));
    const [factor] = await t.query(probe.rows, { table: "totpFactors" });
    expect(factor.activatedTime).toBe(await dbNow(t));
    // A new session, verified by the code, replaces the one that set it up.
    const session = (await t.query(probe.rows, { table: "sessions" })).find((s) => s._id === claimsOf(tokens.token).sessionId);
    expect(session?.factorVerifiedTime).toBe(await dbNow(t));
    expect(await refresh(t, first.refreshToken)).toEqual({ tokens: null });
    // The set-up is used up.
    await expectAuthError(totp.confirm(t, tokens.token, setup.verifier, otp.generate()), "NOT_FOUND");
    // From now on a password alone is not enough.
    await passwordStep(t);
    const status = await as(t, tokens.token).query(api.totp.status, {});
    expect(status?.factors).toEqual([
      {
        totpId: setup.totpSetup.totpId,
        name: null,
        createdTime: expect.any(Number),
        activatedTime: factor.activatedTime,
        lastUsedTime: Date.now(),
      },
    ]);
  });

  test("set-up needs a signed-in, live session", async () => {
    const t = makeAuthTest();
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } }),
      "NOT_SIGNED_IN",
    );
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    await as(t, token).action(api.auth.signOut, {});
    // The access token still verifies, but its session has ended.
    await expectAuthError(totp.setup(t, token), "SESSION_ENDED");
    expect(await t.query(probe.rows, { table: "totpFactors" })).toEqual([]);
  });

  test("a session revoked between set-up and confirmation cannot confirm", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const setup = await totp.setup(t, first.token);
    const otp = OTPAuth.URI.parse(setup.totpSetup.uri) as OTPAuth.TOTP;
    const other = tokensOf(await password.signIn(t, EMAIL, PW));
    await as(t, other.token).mutation(api.sessions.revoke, { sessionId: claimsOf(first.token).sessionId! });
    await expectAuthError(totp.confirm(t, first.token, setup.verifier, otp.generate()), "SESSION_ENDED");
    expect((await t.query(probe.rows, { table: "totpFactors" }))[0].activatedTime).toBeUndefined();
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("without TOTP_ENCRYPTION_KEY, or with a malformed one, set-up fails naming it and writes nothing", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const saved = process.env.TOTP_ENCRYPTION_KEY;
    try {
      for (const value of [undefined, "", "c2hvcnQ=", "not base64 at all!"]) {
        if (value === undefined) delete process.env.TOTP_ENCRYPTION_KEY;
        else process.env.TOTP_ENCRYPTION_KEY = value;
        const error = await totp.setup(t, token).then(() => null, (e: unknown) => e);
        await expectAuthError(Promise.reject(error), "CONFIGURATION");
        expect((error as { data: { message: string } }).data.message).toContain("TOTP_ENCRYPTION_KEY");
      }
    } finally {
      process.env.TOTP_ENCRYPTION_KEY = saved;
    }
    expect(await t.query(probe.rows, { table: "totpFactors" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "verifiers" })).toEqual([]);
  });

  test("a second authenticator needs step-up; abandoned set-ups are replaced", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp } = await enrolled(t);
    advance(10 * 60_000);
    await expectAuthError(totp.setup(t, tokens.token), "STEP_UP_REQUIRED");
    await as(t, tokens.token).action(api.totp.verify, { code: otp.generate() });
    // Two set-ups in a row: only the last stays pending.
    await totp.setup(t, tokens.token);
    const second = await totp.setup(t, tokens.token, { name: "Tablet" });
    expect((await t.query(probe.rows, { table: "totpFactors" })).length).toBe(2);
    const tablet = OTPAuth.URI.parse(second.totpSetup.uri) as OTPAuth.TOTP;
    tokensOf(await totp.confirm(t, tokens.token, second.verifier, tablet.generate()));
    const factors = await t.query(probe.rows, { table: "totpFactors" });
    expect(factors.map((f) => [f.name, f.activatedTime !== undefined])).toEqual([
      [undefined, true],
      ["Tablet", true],
    ]);
  });
});

describe("second-factor sign-in", () => {
  test("codes from an independent implementation sign in, across several time steps", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp, userId } = await enrolled(t);
    for (let i = 0; i < 5; i++) {
      advance(STEP);
      const verifier = await passwordStep(t);
      const tokens = tokensOf(await totp.signIn(t, verifier, { code: otp.generate() }));
      expect(claimsOf(tokens.token).userId).toBe(userId);
      const session = (await t.query(probe.rows, { table: "sessions" })).find((s) => s._id === claimsOf(tokens.token).sessionId);
      expect(session?.factorVerifiedTime).toBe(await dbNow(t));
      // The verifier is used up.
      await expectAuthError(totp.signIn(t, verifier, { code: otp.generate() }), "NOT_FOUND");
    }
  });

  test("one step of drift either way is accepted, two are not", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp } = await enrolled(t);
    const at = (steps: number) => otp.generate({ timestamp: Date.now() + steps * STEP });
    for (const [steps, accepted] of [
      [-2, false],
      [-1, true],
      [+2, false],
      [+1, true],
    ] as const) {
      // Far from any step used before, so only the drift decides.
      advance(10 * STEP);
      const verifier = await passwordStep(t);
      const result = totp.signIn(t, verifier, { code: at(steps) });
      if (accepted) tokensOf(await result);
      else await expectAuthError(result, "INVALID_CODE");
    }
  });

  test("a code is never accepted twice, nor one of an earlier step", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp } = await enrolled(t);
    advance(5 * STEP);
    const code = otp.generate();
    tokensOf(await totp.signIn(t, await passwordStep(t), { code }));
    await expectAuthError(totp.signIn(t, await passwordStep(t), { code }), "INVALID_CODE");
    // The previous step's code is within the drift window, but earlier than the last accepted.
    const earlier = otp.generate({ timestamp: Date.now() - STEP });
    await expectAuthError(totp.signIn(t, await passwordStep(t), { code: earlier }), "INVALID_CODE");
    // The next step works.
    advance(STEP);
    tokensOf(await totp.signIn(t, await passwordStep(t), { code: otp.generate() }));
  });

  test("a wrong code keeps the step open; the 11th attempt is refused by the limiter even when right", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp } = await enrolled(t);
    advance(5 * STEP);
    const verifier = await passwordStep(t);
    const right = otp.generate();
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 10; i++) {
      await expectAuthError(totp.signIn(t, verifier, { code: i % 2 ? wrong : "not a code" }), "INVALID_CODE");
    }
    await expectAuthError(totp.signIn(t, verifier, { code: right }), "RATE_LIMITED");
    // Recovery codes have their own bucket: a locked TOTP does not lock them (the code is checked, and wrong).
    await expectAuthError(totp.signIn(t, verifier, { recoveryCode: "0000-0000-0000-0000" }), "INVALID_CODE");
    // Tokens refill (10 per hour): an hour later the right code works, still with this verifier if it lived.
    advance(60 * 60_000);
    tokensOf(await totp.signIn(t, await passwordStep(t), { code: otp.generate() }));
  });

  test("the step expires after 5 minutes; it needs its verifier and exactly one answer", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp } = await enrolled(t);
    const verifier = await passwordStep(t);
    await expectAuthError(t.action(api.auth.signIn, { provider: "totp", params: { code: otp.generate() } }), "INVALID_ARGUMENT");
    await expectAuthError(totp.signIn(t, verifier, {}), "INVALID_ARGUMENT");
    await expectAuthError(totp.signIn(t, verifier, { code: "123456", recoveryCode: "x" }), "INVALID_ARGUMENT");
    advance(5 * 60_000 + 1);
    await expectAuthError(totp.signIn(t, verifier, { code: otp.generate() }), "NOT_FOUND");
    await expectAuthError(totp.signIn(t, "x".repeat(43), { code: otp.generate() }), "NOT_FOUND");
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "totp", params: { flow: "enroll" } }),
      "INVALID_ARGUMENT",
    );
  });

  test("another user's code does not pass", async () => {
    useClock();
    const t = makeAuthTest();
    await enrolled(t);
    const bob = await enrolled(t, "bob@example.com");
    advance(5 * STEP);
    await expectAuthError(totp.signIn(t, await passwordStep(t), { code: bob.otp.generate() }), "INVALID_CODE");
  });
});
