/**
 * Re-authentication for sensitive changes, for every user (ASVS 4.0.3
 * 3.7.1): a stolen access token of a password-only user cannot, once the
 * session is older than the fresh-proof window, create an API key, enroll an
 * authenticator, add a passkey, change the username or delete the account;
 * the password again (`flow: "reauthenticate"`) opens the window once more.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { DEFAULT_OPTIONS, resolveOptions } from "../../src/server/config.js";
import { proofValidUntil } from "../../src/server/stepUp.js";
import { advance, dbNow, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { enrollTotp } from "../harness/totp.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";
import { useEnvVars } from "../harness/envVars.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const MINUTE = 60_000;
const WINDOW = 10 * MINUTE;

// Passkey ceremonies check the site's origin.
useEnvVars({ SITE_URL: "https://app.example.test" }, { each: true });

const reauthenticate = (t: AuthTest, token: string, pw: string) =>
  as(t, token).action(api.auth.signIn, { provider: "password", params: { flow: "reauthenticate", password: pw } });
const createKey = (t: AuthTest, token: string) =>
  as(t, token).mutation(api.apiKeys.create, { name: "ci", scopes: [] });
const setUsername = (t: AuthTest, token: string, username: string) =>
  as(t, token).mutation(api.users.setUsername, { username });
const status = (t: AuthTest, token: string) => as(t, token).query(api.totp.status, {});
const rows = async (t: AuthTest, table: string) => await t.query(probe.rows, { table });

async function signedUp(t: AuthTest) {
  const tokens = tokensOf(await password.signUp(t, EMAIL, PW));
  return { ...tokens, userId: claimsOf(tokens.token).userId! };
}

describe("a password-only user's session older than the window", () => {
  test("refuses a new API key, an authenticator, a passkey, a username and deleting the account; nothing is written", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW + MINUTE);
    const before = { keys: (await rows(t, "apiKeys")).length, totp: (await rows(t, "totpFactors")).length, verifiers: (await rows(t, "verifiers")).length };

    await expectAuthError(createKey(t, ada.token), "STEP_UP_REQUIRED");
    await expectAuthError(
      as(t, ada.token).action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } }),
      "STEP_UP_REQUIRED",
    );
    await expectAuthError(
      as(t, ada.token).action(api.auth.signIn, { provider: "passkey", params: { flow: "register" } }),
      "STEP_UP_REQUIRED",
    );
    await expectAuthError(setUsername(t, ada.token, "lovelace"), "STEP_UP_REQUIRED");
    await expectAuthError(as(t, ada.token).mutation(api.users.deleteMe, {}), "STEP_UP_REQUIRED");

    expect((await rows(t, "apiKeys")).length).toBe(before.keys);
    expect((await rows(t, "totpFactors")).length).toBe(before.totp);
    expect((await rows(t, "verifiers")).length).toBe(before.verifiers);
    const [user] = await rows(t, "users");
    expect(user).toMatchObject({ email: EMAIL });
    expect(user!.username).toBeUndefined();
    expect(await status(t, ada.token)).toMatchObject({ verifiedUntil: null });
  });

  test("a fresh session may: the sign-in is the proof", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW - MINUTE);
    const { raw } = await createKey(t, ada.token);
    expect(raw).toMatch(/\S{20,}/);
    await setUsername(t, ada.token, "lovelace");
    expect((await rows(t, "users"))[0]).toMatchObject({ username: "lovelace" });
  });

  test("the password again opens the window for this session; its refresh token goes on", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW + MINUTE);
    const again = tokensOf(await reauthenticate(t, ada.token, PW));
    expect(claimsOf(again.token).sessionId).toBe(claimsOf(ada.token).sessionId);
    const at = await dbNow(t);
    const [session] = await rows(t, "sessions");
    expect(session!.authTime).toBeGreaterThanOrEqual(at - 5);
    expect(session!.factorVerifiedTime).toBeUndefined();

    await createKey(t, again.token);
    expect(await rows(t, "apiKeys")).toHaveLength(1);
    const { verifiedUntil } = (await status(t, again.token)) as { verifiedUntil: number };
    expect(verifiedUntil - (session!.authTime as number)).toBe(WINDOW);

    advance(WINDOW + MINUTE);
    await expectAuthError(createKey(t, again.token), "STEP_UP_REQUIRED");
  });

  test("a wrong password is refused, counted, and opens nothing", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW + MINUTE);
    await expectAuthError(reauthenticate(t, ada.token, "not the password"), "INVALID_CREDENTIALS");
    await expectAuthError(reauthenticate(t, ada.token, 42 as unknown as string), "INVALID_CREDENTIALS");
    expect((await rows(t, "sessions"))[0]!.authTime).toBeUndefined();
    await expectAuthError(createKey(t, ada.token), "STEP_UP_REQUIRED");
  });

  test("a stolen access token guessing the password at once: at most 10 guesses are checked", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW + MINUTE);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => reauthenticate(t, ada.token, `guess number ${i}`)),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { data?: { code?: string } }).data?.code : "ok"));
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS").length).toBeLessThanOrEqual(DEFAULT_OPTIONS.failedAttempts.max);
    expect(codes.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(25 - DEFAULT_OPTIONS.failedAttempts.max);
    expect(codes).not.toContain("ok");
    // The right password is locked out too, until the bucket refills.
    await expectAuthError(reauthenticate(t, ada.token, PW), "RATE_LIMITED");
    expect((await rows(t, "sessions"))[0]!.authTime).toBeUndefined();
  });

  test("signed out, or with an ended session, re-authentication gives nothing", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "password", params: { flow: "reauthenticate", password: PW } }),
      "NOT_SIGNED_IN",
    );
    await as(t, ada.token).action(api.auth.signOut, {});
    const result = await reauthenticate(t, ada.token, PW).catch((error: { data?: { code?: string } }) => error.data?.code);
    expect(result === "SESSION_ENDED" || (result as { tokens?: unknown })?.tokens === null).toBe(true);
    expect(await rows(t, "sessions")).toHaveLength(0);
  });

  test("changing the password still works: the current password is its proof", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    advance(WINDOW + MINUTE);
    await as(t, ada.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "a brand new passphrase" });
    tokensOf(await password.signIn(t, EMAIL, "a brand new passphrase"));
  });
});

describe("users with a second factor and guests", () => {
  test("for a user with a second factor, the password again is not enough", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    const { tokens } = await enrollTotp(t, ada.token);
    advance(WINDOW + MINUTE);
    tokensOf(await reauthenticate(t, tokens.token, PW));
    await expectAuthError(createKey(t, tokens.token), "STEP_UP_REQUIRED");
    expect(await rows(t, "apiKeys")).toHaveLength(0);
  });

  test("a guest has nothing to prove again and is not asked", async () => {
    useClock();
    const t = makeAuthTest();
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous" }));
    advance(WINDOW + MINUTE);
    await createKey(t, guest.token);
    expect(await rows(t, "apiKeys")).toHaveLength(1);
  });
});

describe("the rule and its option", () => {
  const session = { _creationTime: 0 };
  test("the latest of sign-in, re-authentication and a verified factor counts", () => {
    expect(proofValidUntil(session, WINDOW, WINDOW - 1)).toBe(WINDOW);
    expect(proofValidUntil(session, WINDOW, WINDOW)).toBeNull();
    expect(proofValidUntil({ ...session, authTime: 5 * MINUTE }, WINDOW, WINDOW)).toBe(15 * MINUTE);
    expect(proofValidUntil({ ...session, factorVerifiedTime: 7 * MINUTE }, WINDOW, WINDOW)).toBe(17 * MINUTE);
    expect(proofValidUntil(session, null, 10 * WINDOW)).toBe("always");
    expect(proofValidUntil({ ...session, userIsAnonymous: true }, WINDOW, 10 * WINDOW)).toBe("always");
    // With a second factor only its verification counts, for 10 minutes.
    expect(proofValidUntil({ ...session, authTime: 1, userHasSecondFactor: true }, WINDOW, 2)).toBeNull();
    expect(proofValidUntil({ ...session, factorVerifiedTime: 1, userHasSecondFactor: true }, null, 2)).toBe(1 + WINDOW);
  });

  test("Auth({ reauthenticateWithinMs }): default 10 minutes, null turns it off, nonsense fails at load", () => {
    expect(resolveOptions({}).reauthenticateWithinMs).toBe(WINDOW);
    expect(resolveOptions({ reauthenticateWithinMs: 5 * MINUTE }).reauthenticateWithinMs).toBe(5 * MINUTE);
    expect(resolveOptions({ reauthenticateWithinMs: null }).reauthenticateWithinMs).toBeNull();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveOptions({ reauthenticateWithinMs: bad })).toThrow(/reauthenticateWithinMs/);
    }
  });
});

describe("signing out other devices (ASVS 3.3.4)", () => {
  test("a session older than the window may not end another device's session, nor all others; its own it may", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    const phone = tokensOf(await password.signIn(t, EMAIL, PW));
    advance(WINDOW + MINUTE);
    const phoneSession = claimsOf(phone.token).sessionId!;

    await expectAuthError(as(t, ada.token).mutation(api.sessions.revoke, { sessionId: phoneSession }), "STEP_UP_REQUIRED");
    await expectAuthError(as(t, ada.token).mutation(api.sessions.revokeOthers, {}), "STEP_UP_REQUIRED");
    expect(await rows(t, "sessions")).toHaveLength(2);
    // The phone is still signed in.
    tokensOf(await refresh(t, phone.refreshToken));

    // The password again opens the window: now the laptop may sign the phone out.
    const again = tokensOf(await reauthenticate(t, ada.token, PW));
    expect(await as(t, again.token).mutation(api.sessions.revokeOthers, {})).toBe(1);
    expect((await rows(t, "sessions")).map((row) => row._id)).toEqual([claimsOf(ada.token).sessionId]);

    // Signing out of its own session needs nothing.
    advance(WINDOW + MINUTE);
    await as(t, again.token).mutation(api.sessions.revoke, { sessionId: claimsOf(ada.token).sessionId! });
    expect(await rows(t, "sessions")).toHaveLength(0);
  });
});

