/**
 * The Passkey provider end to end through the example app's `signIn`
 * action, with a software authenticator (test/fixtures/passkeyAuthenticator.ts)
 * standing in for the browser; the real browser is test/e2e. Responses are
 * verified by `@simplewebauthn/server` in the action, under the edge runtime.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { resolvePasskeyOptions } from "../../src/providers/passkey/config.js";
import { relyingParty } from "../../src/providers/passkey/relyingParty.js";
import { expectAuthError } from "../harness/errors.js";
import { dbNow } from "../harness/clock.js";
import { makeTestOf } from "../harness/setup.js";
import { STRICT_ORIGINS } from "../fixtures/passkeyStrict/auth.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, refreshViaSignIn, tokensOf, type AuthTest } from "../harness/auth.js";
import { SoftAuthenticator, type Algorithm } from "../fixtures/passkeyAuthenticator.js";
import {
  addPasskey,
  finish,
  secondFactorWithPasskey,
  signInWithPasskey,
  signUpWithPasskey,
  start,
} from "../fixtures/passkeyFlows.js";
import { useEnvVars } from "../harness/envVars.js";

const ORIGIN = "https://app.example.test";
const RP_ID = "app.example.test";
const PW = "correct horse battery";

useEnvVars({ SITE_URL: ORIGIN }, { each: true });
afterEach(() => {
  vi.useRealTimers();
});

const rows = async (t: AuthTest, table: string) => await t.query(probe.rows, { table });
const sessionCount = async (t: AuthTest) => (await rows(t, "sessions")).length;
const device = (algorithm: Algorithm = "ES256", counter?: "zero") =>
  new SoftAuthenticator(ORIGIN, { algorithm, ...(counter ? { counter } : {}) });

/** Asserts `promise` is refused with PASSKEY_INVALID and that no session was created. */
async function refused(t: AuthTest, promise: Promise<unknown>): Promise<void> {
  const before = await sessionCount(t);
  await expectAuthError(promise, "PASSKEY_INVALID");
  expect(await sessionCount(t)).toBe(before);
}

async function passwordUser(t: AuthTest, email: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW));
  return { tokens, userId: claimsOf(tokens.token).userId! };
}

describe("sign up and sign in", () => {
  test.each(["EdDSA", "ES256", "RS256"] as const)(
    "signs up with a new %s passkey, then signs in without a username",
    async (algorithm) => {
      const t = makeAuthTest();
      const authenticator = device(algorithm);
      const step = await start(t, { flow: "signUp", email: "Ada@Example.com", name: "Ada" });
      expect(step.verifier).toMatch(/^[\w-]{43}$/);
      expect(step.options).toMatchObject({
        rp: { id: RP_ID, name: "convex-auth-kit example" },
        user: { name: "ada@example.com", displayName: "Ada" },
        pubKeyCredParams: [
          { alg: -8, type: "public-key" },
          { alg: -7, type: "public-key" },
          { alg: -257, type: "public-key" },
        ],
        timeout: 300_000,
        attestation: "none",
        excludeCredentials: [],
        authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "preferred" },
      });
      const signedUp = tokensOf(await finish(t, await authenticator.create(step.options as never), step.verifier));
      const userId = claimsOf(signedUp.token).userId;
      // The WebAuthn user handle is random, not the user id.
      expect(step.options.user.id).not.toContain(userId);

      const [passkey] = await rows(t, "passkeys");
      expect(passkey).toMatchObject({
        userId,
        credentialId: authenticator.credentialId,
        algorithm: { EdDSA: -8, ES256: -7, RS256: -257 }[algorithm],
        counter: 0,
        name: "Passkey 1",
        userHandle: step.options.user.id,
        transports: ["internal"],
      });
      expect(await rows(t, "users")).toMatchObject([{ _id: userId, email: "ada@example.com", name: "Ada" }]);

      const signIn = await start(t, {});
      expect(signIn.options).toEqual({
        challenge: expect.stringMatching(/^[\w-]{43}$/),
        rpId: RP_ID,
        timeout: 300_000,
        userVerification: "preferred",
      });
      const signedIn = tokensOf(await finish(t, await authenticator.get(signIn.options as never), signIn.verifier));
      expect(claimsOf(signedIn.token).userId).toBe(userId);
      expect(claimsOf(signedIn.token).sessionId).not.toBe(claimsOf(signedUp.token).sessionId);
      expect((await rows(t, "passkeys"))[0]).toMatchObject({ counter: 1, lastUsedTime: expect.any(Number) });
    },
  );

  test("a challenge is stored by the verifier's hash, bound to its flow, and lives 5 minutes", async () => {
    const t = makeAuthTest();
    const before = Date.now();
    const step = await start(t, { flow: "signUp" });
    const [verifier] = await rows(t, "verifiers");
    expect(verifier).toMatchObject({ kind: "webauthn", challenge: step.options.challenge, data: { flow: "signUp" } });
    expect(JSON.stringify(verifier)).not.toContain(step.verifier);
    expect(verifier!.expirationTime as number).toBeGreaterThanOrEqual(before + 300_000);
    expect(verifier!.expirationTime as number).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  test("every ceremony gets its own challenge of 32 random bytes", async () => {
    const t = makeAuthTest();
    const steps = [
      await start(t, { flow: "signUp" }),
      await start(t, { flow: "signUp" }),
      await start(t, { flow: "signIn" }),
      await start(t, { flow: "signIn" }),
    ];
    const challenges = steps.map((step) => step.options.challenge as string);
    for (const challenge of challenges) {
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(atob(challenge.replace(/-/g, "+").replace(/_/g, "/") + "=")).toHaveLength(32);
    }
    expect(new Set(challenges).size).toBe(challenges.length);
    expect((await rows(t, "verifiers")).map((row) => row.challenge).sort()).toEqual([...challenges].sort());
  });

  test("an email hint allows only that user's passkeys and binds the challenge to them", async () => {
    const t = makeAuthTest();
    const ada = device();
    const bob = device();
    const adaId = claimsOf(tokensOf(await signUpWithPasskey(t, ada, { email: "ada@example.com" })).token).userId;
    await signUpWithPasskey(t, bob, { email: "bob@example.com" });

    const step = await start(t, { email: " ADA@example.com" });
    expect(step.options.allowCredentials).toEqual([{ id: ada.credentialId, type: "public-key", transports: ["internal"] }]);
    // Bob's (valid) passkey answering a challenge bound to Ada: refused.
    await refused(t, finish(t, await bob.get(step.options as never, { credentialId: bob.credentialId }), step.verifier));

    const again = await start(t, { email: "ada@example.com" });
    expect(claimsOf(tokensOf(await finish(t, await ada.get(again.options as never), again.verifier)).token).userId).toBe(adaId);

    // An email without passkeys gives a usernameless ceremony.
    expect((await start(t, { email: "nobody@example.com" })).options.allowCredentials).toBeUndefined();
  });

  test("sign-up refuses an email another user has", async () => {
    const t = makeAuthTest();
    await password.signUp(t, "ada@example.com", PW);
    await expectAuthError(start(t, { flow: "signUp", email: "ada@example.com" }), "ACCOUNT_EXISTS");
    await expectAuthError(start(t, { flow: "signUp", email: "not an email" }), "INVALID_ARGUMENT");
    expect(await rows(t, "verifiers")).toHaveLength(0);
  });

  test("bad requests: unknown flow, no verifier, malformed response", async () => {
    const t = makeAuthTest();
    await expectAuthError(start(t, { flow: "hack" }), "INVALID_ARGUMENT");
    const step = await start(t, { flow: "signUp" });
    const response = await device().create(step.options as never);
    await refused(t, t.action(api.auth.signIn, { provider: "passkey", params: { response } }));
    await refused(t, finish(t, { ...response, rawId: "other" }, step.verifier));
    await refused(t, finish(t, "not a response", step.verifier));
    await expectAuthError(start(t, { flow: "signUp", passkeyName: "" }), "INVALID_ARGUMENT");
  });
});

describe("adding a passkey to the signed-in user", () => {
  test("needs a session, excludes the user's passkeys, and keeps the session", async () => {
    const t = makeAuthTest();
    const { tokens, userId } = await passwordUser(t, "ada@example.com");
    await expectAuthError(start(t, { flow: "register" }), "NOT_SIGNED_IN");

    const laptop = device("EdDSA");
    const step = await start(t, { flow: "register", passkeyName: " Laptop " }, { token: tokens.token });
    expect(step.options.excludeCredentials).toEqual([]);
    expect(step.options.user).toMatchObject({ name: "ada@example.com" });
    const added = tokensOf(await finish(t, await laptop.create(step.options as never), step.verifier, tokens.token));
    // Same user, same session (one more refresh token for it), no new session.
    expect(claimsOf(added.token)).toMatchObject({ userId, sessionId: claimsOf(tokens.token).sessionId });
    expect(await sessionCount(t)).toBe(1);
    tokensOf(await refresh(t, added.refreshToken));

    // The second registration excludes the first passkey: the same device refuses, another one works.
    const second = await start(t, { flow: "register" }, { token: added.token });
    expect(second.options.excludeCredentials).toEqual([
      { id: laptop.credentialId, type: "public-key", transports: ["internal"] },
    ]);
    await expect(laptop.create(second.options as never)).rejects.toThrow(/InvalidStateError/);
    const phone = device("ES256");
    tokensOf(await finish(t, await phone.create(second.options as never), second.verifier, added.token));

    const list = await as(t, added.token).query(api.passkeys.list, {});
    expect(list.map((p) => p.name)).toEqual(["Laptop", "Passkey 2"]);
    // All passkeys of a user carry the same user handle.
    const handles = new Set((await rows(t, "passkeys")).map((p) => p.userHandle));
    expect(handles.size).toBe(1);
    expect(
      (await rows(t, "events")).filter((e) => e.type === "passkey_added").map((e) => e.userId),
    ).toEqual([userId, userId]);
  });

  test("a session that ended before the ceremony finished gets no passkey", async () => {
    const t = makeAuthTest();
    const { tokens } = await passwordUser(t, "ada@example.com");
    const step = await start(t, { flow: "register" }, { token: tokens.token });
    await as(t, tokens.token).action(api.auth.signOut, {});
    const before = await sessionCount(t);
    await expectAuthError(finish(t, await device().create(step.options as never), step.verifier), "SESSION_ENDED");
    expect(await sessionCount(t)).toBe(before);
    expect(await rows(t, "passkeys")).toHaveLength(0);
  });
});

describe("refusals leave no session behind", () => {
  test("a response for another challenge", async () => {
    const t = makeAuthTest();
    const authenticator = device();
    await signUpWithPasskey(t, authenticator);
    const a = await start(t, {});
    const b = await start(t, {});
    await refused(t, finish(t, await authenticator.get(a.options as never), b.verifier));
    // The same at registration.
    const c = await start(t, { flow: "signUp" });
    const d = await start(t, { flow: "signUp" });
    await refused(t, finish(t, await device().create(c.options as never), d.verifier));
    expect(await rows(t, "users")).toHaveLength(1);
  });

  test("a reused challenge", async () => {
    const t = makeAuthTest();
    const authenticator = device();
    await signUpWithPasskey(t, authenticator);
    const step = await start(t, {});
    const response = await authenticator.get(step.options as never);
    tokensOf(await finish(t, response, step.verifier));
    await refused(t, finish(t, response, step.verifier));
    // A failed answer uses the challenge up too.
    const next = await start(t, {});
    await refused(t, finish(t, await authenticator.get(next.options as never, { origin: "https://evil.example" }), next.verifier));
    await refused(t, finish(t, await authenticator.get(next.options as never), next.verifier));
  });

  test("a wrong origin or RP ID", async () => {
    const t = makeAuthTest();
    const authenticator = device();
    const reg = await start(t, { flow: "signUp" });
    await refused(t, finish(t, await device().create(reg.options as never, { origin: "https://app.example.test.evil.com" }), reg.verifier));
    const reg2 = await start(t, { flow: "signUp" });
    await refused(t, finish(t, await device().create(reg2.options as never, { rpId: "example.test" }), reg2.verifier));
    expect(await rows(t, "users")).toHaveLength(0);

    await signUpWithPasskey(t, authenticator);
    await refused(t, signInWithPasskey(t, authenticator, {}, { origin: "http://app.example.test" }));
    await refused(t, signInWithPasskey(t, authenticator, {}, { origin: "https://app.example.test:8443" }));
    await refused(t, signInWithPasskey(t, authenticator, {}, { rpId: "evil.example" }));
    tokensOf(await signInWithPasskey(t, authenticator));
  });

  test("a counter that goes back (a cloned authenticator); counters that stay 0 are fine", async () => {
    const t = makeAuthTest();
    const authenticator = device();
    await signUpWithPasskey(t, authenticator);
    tokensOf(await signInWithPasskey(t, authenticator, {}, { counter: 5 }));
    await refused(t, signInWithPasskey(t, authenticator, {}, { counter: 3 }));
    await refused(t, signInWithPasskey(t, authenticator, {}, { counter: 5 }));
    expect((await rows(t, "passkeys"))[0]).toMatchObject({ counter: 5 });
    tokensOf(await signInWithPasskey(t, authenticator, {}, { counter: 6 }));

    const counterless = device("EdDSA", "zero");
    await signUpWithPasskey(t, counterless);
    tokensOf(await signInWithPasskey(t, counterless));
    tokensOf(await signInWithPasskey(t, counterless));
  });

  test("a credential registered to another user", async () => {
    const t = makeAuthTest();
    const ada = device();
    await signUpWithPasskey(t, ada, { email: "ada@example.com" });
    const { tokens } = await passwordUser(t, "bob@example.com");
    // Bob registers a credential whose ID is Ada's: refused, whether adding or signing up.
    const add = await start(t, { flow: "register" }, { token: tokens.token });
    await refused(t, finish(t, await device().create(add.options as never, { credentialId: ada.credentialId }), add.verifier, tokens.token));
    const up = await start(t, { flow: "signUp" });
    await refused(t, finish(t, await device().create(up.options as never, { credentialId: ada.credentialId }), up.verifier));
    expect(await rows(t, "passkeys")).toHaveLength(1);
    expect(await rows(t, "users")).toHaveLength(2);
  });

  test("an expired challenge", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const authenticator = device();
    await signUpWithPasskey(t, authenticator);
    const step = await start(t, {});
    vi.setSystemTime(new Date("2026-03-01T10:05:01Z"));
    await refused(t, finish(t, await authenticator.get(step.options as never), step.verifier));
    expect(await rows(t, "verifiers")).toHaveLength(0);

    const reg = await start(t, { flow: "signUp" });
    vi.setSystemTime(new Date("2026-03-01T10:10:02Z"));
    await refused(t, finish(t, await device().create(reg.options as never), reg.verifier));
    expect(await rows(t, "users")).toHaveLength(1);
  });

  test("a signature by another key, a foreign user handle, an unknown credential", async () => {
    const t = makeAuthTest();
    const authenticator = device("EdDSA");
    await signUpWithPasskey(t, authenticator);
    await refused(t, signInWithPasskey(t, authenticator, {}, { userHandle: "c29tZW9uZS1lbHNl" }));
    // A credential this site never registered (its sign-up was never finished).
    const stranger = device();
    await stranger.create((await start(t, { flow: "signUp" })).options as never);
    await refused(t, signInWithPasskey(t, stranger));
    await authenticator.replaceKey(authenticator.credentialId);
    await refused(t, signInWithPasskey(t, authenticator));
  });
});

describe("a passkey as the second factor after a password", () => {
  async function twoFactorUser(t: AuthTest, email: string) {
    const { tokens, userId } = await passwordUser(t, email);
    const key = device();
    tokensOf(await addPasskey(t, tokens.token, key, { secondFactor: true, passkeyName: "YubiKey" }));
    return { key, userId };
  }

  test("a passkey registered for two-factor makes password sign-in ask for it", async () => {
    const t = makeAuthTest();
    const { key, userId } = await twoFactorUser(t, "ada@example.com");
    const first = await password.signIn(t, "ada@example.com", PW);
    expect(first).toEqual({ secondFactor: { methods: ["passkey"] }, verifier: expect.stringMatching(/^\w+\.[\w-]{43}\.[\w-]{43}$/) });
    const { verifier } = first as { verifier: string };

    const step = await start(t, { flow: "secondFactor" }, { verifier });
    expect(step.options).toMatchObject({
      userVerification: "discouraged",
      allowCredentials: [{ id: key.credentialId, type: "public-key" }],
    });
    const before = await sessionCount(t);
    const signedIn = tokensOf(await finish(t, await key.get(step.options as never, { noUserVerification: true }), step.verifier));
    expect(claimsOf(signedIn.token).userId).toBe(userId);
    expect(await sessionCount(t)).toBe(before + 1);
    const session = (await rows(t, "sessions")).find((s) => s._id === claimsOf(signedIn.token).sessionId);
    expect(session?.factorVerifiedTime).toEqual(expect.any(Number));
    const signInEvent = (await rows(t, "events")).filter((e) => e.type === "sign_in").at(-1);
    expect(signInEvent?.data).toEqual({ provider: "password", secondFactor: "passkey" });

    // The password step is used up.
    await expectAuthError(start(t, { flow: "secondFactor" }, { verifier }), "PASSKEY_INVALID");
  });

  test("a cancelled ceremony leaves the password step usable; it completes once", async () => {
    const t = makeAuthTest();
    const { key } = await twoFactorUser(t, "ada@example.com");
    const { verifier } = (await password.signIn(t, "ada@example.com", PW)) as { verifier: string };
    await start(t, { flow: "secondFactor" }, { verifier }); // the user cancels this one
    const a = await start(t, { flow: "secondFactor" }, { verifier });
    const b = await start(t, { flow: "secondFactor" }, { verifier });
    tokensOf(await finish(t, await key.get(a.options as never), a.verifier));
    // A second challenge for the same password step cannot start a second session.
    await refused(t, finish(t, await key.get(b.options as never), b.verifier));
  });

  test("another user's passkey cannot complete it", async () => {
    const t = makeAuthTest();
    const { key } = await twoFactorUser(t, "ada@example.com");
    const bob = device();
    await signUpWithPasskey(t, bob, { email: "bob@example.com" });
    const { verifier } = (await password.signIn(t, "ada@example.com", PW)) as { verifier: string };
    const step = await start(t, { flow: "secondFactor" }, { verifier });
    await refused(t, finish(t, await bob.get(step.options as never, { credentialId: bob.credentialId }), step.verifier));
    // The password step survives the refusal.
    tokensOf(await secondFactorWithPasskey(t, key, verifier));
  });

  test("an expired password step", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const { key } = await twoFactorUser(t, "ada@example.com");
    const { verifier } = (await password.signIn(t, "ada@example.com", PW)) as { verifier: string };
    const step = await start(t, { flow: "secondFactor" }, { verifier });
    vi.setSystemTime(new Date("2026-03-01T10:05:01Z"));
    await refused(t, finish(t, await key.get(step.options as never), step.verifier));
    await expectAuthError(start(t, { flow: "secondFactor" }, { verifier }), "PASSKEY_INVALID");
  });

  test("needs the password step's verifier, and a passkey", async () => {
    const t = makeAuthTest();
    await expectAuthError(start(t, { flow: "secondFactor" }), "INVALID_ARGUMENT");
    await expectAuthError(start(t, { flow: "secondFactor" }, { verifier: "x".repeat(43) }), "PASSKEY_INVALID");
    const { userId } = await passwordUser(t, "ada@example.com");
    await t.mutation(probe.plantActiveTotp, { userId });
    const { verifier } = (await password.signIn(t, "ada@example.com", PW)) as { verifier: string };
    await expectAuthError(start(t, { flow: "secondFactor" }, { verifier }), "NOT_FOUND");
  });

  test("only passkeys registered for two-factor turn it on", async () => {
    const t = makeAuthTest();
    const { tokens } = await passwordUser(t, "ada@example.com");
    const passkeyDevice = device();
    const added = tokensOf(await addPasskey(t, tokens.token, passkeyDevice));
    tokensOf(await password.signIn(t, "ada@example.com", PW));

    const [passkey] = await as(t, added.token).query(api.passkeys.list, {});
    expect(passkey!.secondFactor).toBe(false);
    expect(await as(t, added.token).mutation(api.passkeys.setSecondFactor, { passkeyId: passkey!.id, enabled: true })).toBe(true);
    expect(await password.signIn(t, "ada@example.com", PW)).toMatchObject({ secondFactor: { methods: ["passkey"] } });
    // Turning it off weakens the account: the example asks for step-up first.
    await expectAuthError(
      as(t, added.token).mutation(api.passkeys.setSecondFactor, { passkeyId: passkey!.id, enabled: false }),
      "STEP_UP_REQUIRED",
    );
    const stepped = await stepUp(t, added.token, passkeyDevice);
    await as(t, stepped.token).mutation(api.passkeys.setSecondFactor, { passkeyId: passkey!.id, enabled: false });
    tokensOf(await password.signIn(t, "ada@example.com", PW));
    expect((await rows(t, "events")).filter((e) => e.type === "passkey_updated")).toHaveLength(2);
  });
});

/** Step-up with a passkey in the session of `token`: tokens of the same session. */
async function stepUp(t: AuthTest, token: string, authenticator: SoftAuthenticator) {
  const step = await start(t, { flow: "stepUp" }, { token });
  return tokensOf(await finish(t, await authenticator.get(step.options as never), step.verifier, token));
}

describe("step-up with a passkey", () => {
  test("re-verifies the signed-in user in the same session, for 10 minutes", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const { tokens } = await passwordUser(t, "ada@example.com");
    await expectAuthError(start(t, { flow: "stepUp" }), "NOT_SIGNED_IN");
    await expectAuthError(start(t, { flow: "stepUp" }, { token: tokens.token }), "NOT_FOUND");
    const key = device();
    tokensOf(await addPasskey(t, tokens.token, key, { secondFactor: true }));

    // The user now has a second factor: adding another passkey needs step-up.
    await expectAuthError(start(t, { flow: "register" }, { token: tokens.token }), "STEP_UP_REQUIRED");
    const step = await start(t, { flow: "stepUp" }, { token: tokens.token });
    expect(step.options.allowCredentials).toEqual([{ id: key.credentialId, type: "public-key", transports: ["internal"] }]);
    const sessionsBefore = await sessionCount(t);
    const stepped = tokensOf(await finish(t, await key.get(step.options as never), step.verifier, tokens.token));
    expect(claimsOf(stepped.token).sessionId).toBe(claimsOf(tokens.token).sessionId);
    expect(await sessionCount(t)).toBe(sessionsBefore);
    const session = (await rows(t, "sessions")).find((s) => s._id === claimsOf(tokens.token).sessionId);
    expect(session?.factorVerifiedTime).toBe(await dbNow(t));
    const added = tokensOf(await addPasskey(t, stepped.token, device("EdDSA")));

    vi.setSystemTime(new Date("2026-03-01T10:10:01Z"));
    const later = tokensOf(await refresh(t, added.refreshToken));
    await expectAuthError(start(t, { flow: "register" }, { token: later.token }), "STEP_UP_REQUIRED");
  });

  test("only the user's own passkey, only in a live session", async () => {
    const t = makeAuthTest();
    const { tokens } = await passwordUser(t, "ada@example.com");
    const key = device();
    tokensOf(await addPasskey(t, tokens.token, key));
    const bob = device();
    await signUpWithPasskey(t, bob);
    const step = await start(t, { flow: "stepUp" }, { token: tokens.token });
    await refused(t, finish(t, await bob.get(step.options as never, { credentialId: bob.credentialId }), step.verifier));
    const again = await start(t, { flow: "stepUp" }, { token: tokens.token });
    await as(t, tokens.token).action(api.auth.signOut, {});
    await expectAuthError(finish(t, await key.get(again.options as never), again.verifier), "SESSION_ENDED");
  });
});

describe("managing passkeys", () => {
  test("list, rename; someone else's passkey is not found", async () => {
    const t = makeAuthTest();
    const ada = tokensOf(await signUpWithPasskey(t, device(), { email: "ada@example.com" }));
    const bob = tokensOf(await signUpWithPasskey(t, device(), { email: "bob@example.com" }));
    const [mine] = await as(t, ada.token).query(api.passkeys.list, {});
    expect(mine).toMatchObject({ name: "Passkey 1", lastUsedAt: null, synced: false, secondFactor: false });
    await as(t, ada.token).mutation(api.passkeys.rename, { passkeyId: mine!.id, name: "  MacBook " });
    expect((await as(t, ada.token).query(api.passkeys.list, {}))[0]!.name).toBe("MacBook");
    await expectAuthError(as(t, ada.token).mutation(api.passkeys.rename, { passkeyId: mine!.id, name: " " }), "INVALID_ARGUMENT");
    await expectAuthError(as(t, bob.token).mutation(api.passkeys.rename, { passkeyId: mine!.id, name: "Mine now" }), "NOT_FOUND");
    await expectAuthError(as(t, bob.token).mutation(api.passkeys.remove, { passkeyId: mine!.id }), "NOT_FOUND");
    // The helpers never hand out key material.
    expect(Object.keys(mine!)).not.toContain("publicKey");
  });

  test("removing the last way to sign in is refused (LAST_FACTOR); a removed passkey signs in no more", async () => {
    const t = makeAuthTest();
    const first = device();
    const ada = tokensOf(await signUpWithPasskey(t, first, { email: "ada@example.com" }));
    const me = as(t, ada.token);
    const [only] = await me.query(api.passkeys.list, {});
    await expectAuthError(me.mutation(api.passkeys.remove, { passkeyId: only!.id }), "LAST_FACTOR");

    const second = device("EdDSA");
    tokensOf(await addPasskey(t, ada.token, second));
    await me.mutation(api.passkeys.remove, { passkeyId: only!.id });
    await refused(t, signInWithPasskey(t, first));
    tokensOf(await signInWithPasskey(t, second));
    const [remaining] = await me.query(api.passkeys.list, {});
    await expectAuthError(me.mutation(api.passkeys.remove, { passkeyId: remaining!.id }), "LAST_FACTOR");
    expect((await rows(t, "events")).filter((e) => e.type === "passkey_removed")).toHaveLength(1);

    // With a password, the only passkey can go.
    const { tokens } = await passwordUser(t, "bob@example.com");
    tokensOf(await addPasskey(t, tokens.token, device()));
    const [bobs] = await as(t, tokens.token).query(api.passkeys.list, {});
    await as(t, tokens.token).mutation(api.passkeys.remove, { passkeyId: bobs!.id });
    expect(await as(t, tokens.token).query(api.passkeys.list, {})).toEqual([]);
  });

  test("a guest who adds a passkey stops being anonymous; the guest account is no way back in", async () => {
    const t = makeAuthTest();
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
    const userId = claimsOf(guest.token).userId!;
    const key = device();
    const added = tokensOf(await addPasskey(t, guest.token, key));
    expect((await rows(t, "users")).find((u) => u._id === userId)?.isAnonymous).toBeUndefined();
    expect((await rows(t, "events")).filter((e) => e.type === "anonymous_upgraded" && e.userId === userId)).toHaveLength(1);
    tokensOf(await signInWithPasskey(t, key));
    const [passkey] = await as(t, added.token).query(api.passkeys.list, {});
    await expectAuthError(
      t.mutation(components.auth.credentials.remove, { passkeyId: passkey!.id, ignoreProviders: ["anonymous"] }),
      "LAST_FACTOR",
    );
  });

  test("deleting a user deletes their passkeys", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await signUpWithPasskey(t, device()));
    const userId = claimsOf(token).userId!;
    await t.action(async (ctx) => {
      const { auth } = await import("../../example/convex/auth.js");
      await auth.admin.user.delete(ctx, userId);
    });
    expect((await t.query(probe.countUserData, { userId })).passkeys).toBe(0);
  });
});

describe("a strict configuration", () => {
  const strictModules = import.meta.glob(["../fixtures/passkeyStrict/**/*.ts", "!../fixtures/passkeyStrict/**/*.*.ts"]);
  const strictApp = () =>
    makeTestOf(strictModules, {
      componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
    }) as unknown as AuthTest;

  test("explicit RP ID and origins, user verification required, no sign-up", async () => {
    const t = strictApp();
    await expectAuthError(start(t, { flow: "signUp" }), "INVALID_ARGUMENT");
    const { tokens } = await passwordUser(t, "ada@example.com");
    const step = await start(t, { flow: "register" }, { token: tokens.token });
    expect(step.options).toMatchObject({
      rp: { id: "example.test", name: "Strict" },
      authenticatorSelection: { userVerification: "required" },
    });
    const key = new SoftAuthenticator(STRICT_ORIGINS[0]!);
    const withoutUv = new SoftAuthenticator(STRICT_ORIGINS[0]!);
    await refused(t, finish(t, await withoutUv.create(step.options as never, { noUserVerification: true }), step.verifier, tokens.token));
    const again = await start(t, { flow: "register" }, { token: tokens.token });
    tokensOf(await finish(t, await key.create(again.options as never), again.verifier, tokens.token));

    await refused(t, signInWithPasskey(t, key, {}, { noUserVerification: true }));
    // Both origins of the list work; the RP ID is the parent domain.
    tokensOf(await signInWithPasskey(t, key));
    tokensOf(await signInWithPasskey(t, key, {}, { origin: STRICT_ORIGINS[1] }));
    await refused(t, signInWithPasskey(t, key, {}, { origin: "https://other.example.test" }));
  });

  test("adding a passkey needs a recent sign-in (STEP_UP_REQUIRED)", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = strictApp();
    const { tokens } = await passwordUser(t, "ada@example.com");
    vi.setSystemTime(new Date("2026-03-01T10:10:01Z"));
    // A refresh is not a sign-in. (This fixture app exports only signIn/signOut: it refreshes through signIn.)
    const fresh = tokensOf(await refreshViaSignIn(t, tokens.refreshToken));
    await expectAuthError(start(t, { flow: "register" }, { token: fresh.token }), "STEP_UP_REQUIRED");
    const again = tokensOf(await password.signIn(t, "ada@example.com", PW));
    tokensOf(await addPasskey(t, again.token, new SoftAuthenticator(STRICT_ORIGINS[0]!)));
  });
});

describe("configuration", () => {
  test("without SITE_URL (or an origin) a ceremony fails with CONFIGURATION and writes nothing", async () => {
    const t = makeAuthTest();
    delete process.env.SITE_URL;
    await expectAuthError(start(t, {}), "CONFIGURATION");
    await expectAuthError(start(t, { flow: "signUp" }), "CONFIGURATION");
    expect(await rows(t, "verifiers")).toHaveLength(0);
  });

  test("options are checked when Passkey() runs; the relying party comes from them or SITE_URL", async () => {
    expect(() => resolvePasskeyOptions({ challengeTtlMs: 0 })).toThrow(/challengeTtlMs/);
    expect(() => resolvePasskeyOptions({ algorithms: [-35] })).toThrow(/algorithms/);
    expect(() => resolvePasskeyOptions({ origin: "ftp://x" })).toThrow(/http/);
    expect(await relyingParty(resolvePasskeyOptions({}))).toMatchObject({ rpID: RP_ID, rpName: RP_ID, origins: [ORIGIN] });
    expect(
      await relyingParty(resolvePasskeyOptions({ origin: ["https://app.example.com/", "https://admin.example.com"], rpID: "example.com" })),
    ).toMatchObject({ rpID: "example.com", rpName: "example.com", origins: ["https://app.example.com", "https://admin.example.com"] });
    await expect(relyingParty(resolvePasskeyOptions({ origin: "https://evil.com", rpID: "example.com" }))).rejects.toThrow(
      /not on the RP ID's domain/,
    );
  });
});
