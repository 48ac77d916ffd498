/**
 * Email and Phone providers, end to end through the example app's signIn
 * action: codes "sent" to the outbox, magic links, linking by verified
 * address, the failed-attempt limiter.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { useEnvVars } from "../harness/envVars.js";

const EMAIL = "ada@example.com";
const SITE = "https://app.example.test";
const users = (componentsGeneric() as AnyComponents).auth.users;
const createUser = users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;
const getUser = users.get as FunctionReference<"query", "internal", { userId: string }, Record<string, any> | null>;

useEnvVars({ SITE_URL: SITE });
afterEach(() => {
  vi.useRealTimers();
});

const email = (t: AuthTest, params: Record<string, unknown>) => t.action(api.auth.signIn, { provider: "email", params });
const phone = (t: AuthTest, params: Record<string, unknown>) => t.action(api.auth.signIn, { provider: "phone", params });

async function latest(t: AuthTest, to: string) {
  const message = await t.query(api.outbox.latest, { to });
  expect(message, `nothing sent to ${to}`).not.toBeNull();
  return message!;
}

/** Sends a code to `address` and returns it. */
async function sendCode(t: AuthTest, address: string): Promise<string> {
  expect(await email(t, { email: address })).toEqual({ started: true });
  return (await latest(t, address)).code;
}

describe("email codes", () => {
  test("a code signs in, creating the user with a verified email; the next sign-in finds them", async () => {
    const t = makeAuthTest();
    const code = await sendCode(t, " Ada@Example.com");
    expect(code).toMatch(/^\d{8}$/);
    // Asking for a code creates nothing.
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(0);
    const first = claimsOf(tokensOf(await email(t, { email: EMAIL, code, name: "Ada" })).token);
    const user = await t.query(getUser, { userId: first.userId });
    expect(user).toMatchObject({ email: EMAIL, name: "Ada" });
    expect(user!.emailVerificationTime).toEqual(expect.any(Number));
    const second = claimsOf(tokensOf(await email(t, { email: EMAIL, code: await sendCode(t, EMAIL) })).token);
    expect(second.userId).toBe(first.userId);
    expect(await t.query(probe.rows, { table: "accounts" })).toHaveLength(1);
  });

  test("the code is stored only as a hash, bound to the address", async () => {
    const t = makeAuthTest();
    const code = await sendCode(t, EMAIL);
    const rows = await t.query(probe.rows, { table: "verificationCodes" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: "email", address: EMAIL });
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  test("a wrong, reused, replaced or other-address code is refused", async () => {
    const t = makeAuthTest();
    const first = await sendCode(t, EMAIL);
    const second = await sendCode(t, EMAIL);
    const bobs = await sendCode(t, "bob@example.com");
    if (first !== second) await expectAuthError(email(t, { email: EMAIL, code: first }), "INVALID_CODE");
    if (bobs !== second) await expectAuthError(email(t, { email: EMAIL, code: bobs }), "INVALID_CODE");
    // Ada's code does not work for Bob either.
    if (bobs !== second) await expectAuthError(email(t, { email: "bob@example.com", code: second }), "INVALID_CODE");
    await expectAuthError(email(t, { email: EMAIL, code: "00000000" === second ? "11111111" : "00000000" }), "INVALID_CODE");
    await expectAuthError(email(t, { email: EMAIL, code: "" }), "INVALID_CODE");
    tokensOf(await email(t, { email: EMAIL, code: second }));
    await expectAuthError(email(t, { email: EMAIL, code: second }), "INVALID_CODE");
  });

  test("a code expires after 10 minutes", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const code = await sendCode(t, EMAIL);
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1);
    await expectAuthError(email(t, { email: EMAIL, code }), "INVALID_CODE");
    const fresh = await sendCode(t, EMAIL);
    vi.setSystemTime(Date.now() + 9 * 60 * 1000);
    tokensOf(await email(t, { email: EMAIL, code: fresh }));
  });

  test("wrong codes count against the address: then even the right code is refused", async () => {
    const t = makeAuthTest();
    const code = await sendCode(t, EMAIL);
    const wrong = code === "12345678" ? "87654321" : "12345678";
    for (let i = 0; i < 10; i++) await expectAuthError(email(t, { email: EMAIL, code: wrong }), "INVALID_CODE");
    await expectAuthError(email(t, { email: EMAIL, code }), "RATE_LIMITED");
    // Another address is not affected.
    tokensOf(await email(t, { email: "bob@example.com", code: await sendCode(t, "bob@example.com") }));
  });

  test("sending is limited per address", async () => {
    const t = makeAuthTest();
    for (let i = 0; i < 10; i++) await email(t, { email: EMAIL });
    await expectAuthError(email(t, { email: EMAIL }), "RATE_LIMITED");
  });

  test("a malformed address is refused before anything is sent", async () => {
    const t = makeAuthTest();
    await expectAuthError(email(t, { email: "not an address" }), "INVALID_ARGUMENT");
    await expectAuthError(email(t, {}), "INVALID_ARGUMENT");
    expect(await t.query(probe.rows, { table: "verificationCodes" })).toHaveLength(0);
  });
});

describe("linking by email", () => {
  test("a proven address links to the user who verified it", async () => {
    const t = makeAuthTest();
    const userId = await t.mutation(createUser, { email: EMAIL, emailVerificationTime: Date.now(), name: "Ada" });
    const tokens = tokensOf(await email(t, { email: EMAIL, code: await sendCode(t, EMAIL) }));
    expect(claimsOf(tokens.token).userId).toBe(userId);
    const accounts = await t.query(probe.rows, { table: "accounts" });
    expect(accounts).toEqual([expect.objectContaining({ userId, provider: "email", providerAccountId: EMAIL })]);
    const events = await t.query(probe.rows, { table: "events" });
    expect(events.map((e) => e.type)).toContain("account_linked");
  });

  test("a user holding the address unverified is not linked to: ACCOUNT_EXISTS", async () => {
    const t = makeAuthTest();
    // The example's Password provider does not verify emails.
    const signedUp = claimsOf(tokensOf(await password.signUp(t, EMAIL, "correct horse battery")).token);
    await expectAuthError(email(t, { email: EMAIL, code: await sendCode(t, EMAIL) }), "ACCOUNT_EXISTS");
    const accounts = await t.query(probe.rows, { table: "accounts" });
    expect(accounts).toEqual([expect.objectContaining({ userId: signedUp.userId, provider: "password" })]);
  });

  test("a user with a second factor gets the second-factor step", async () => {
    const t = makeAuthTest();
    const first = claimsOf(tokensOf(await email(t, { email: EMAIL, code: await sendCode(t, EMAIL) })).token);
    await t.mutation(probe.plantActiveTotp, { userId: first.userId });
    const result = await email(t, { email: EMAIL, code: await sendCode(t, EMAIL) });
    expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
  });
});

describe("magic links", () => {
  /** Asks for a link; returns it and the verifier the asking browser keeps. */
  async function sendLink(t: AuthTest, address: string, redirectTo?: string): Promise<URL & { verifier: string }> {
    const params = { email: address, method: "link", ...(redirectTo !== undefined ? { redirectTo } : {}) };
    const result = await email(t, params);
    expect(result).toEqual({ started: true, verifier: expect.any(String) });
    return Object.assign(new URL((await latest(t, address)).code), { verifier: (result as { verifier: string }).verifier });
  }

  test("a link opened in the browser that asked signs in once", async () => {
    const t = makeAuthTest();
    const link = await sendLink(t, EMAIL, "/#/account");
    expect(link.origin).toBe(SITE);
    expect(link.hash).toBe("#/account");
    const code = link.searchParams.get("code")!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await t.query(probe.rows, { table: "verifiers" }))).not.toContain(code);
    const tokens = tokensOf(await t.action(api.auth.signIn, { params: { code }, verifier: link.verifier }));
    const user = await t.query(getUser, { userId: claimsOf(tokens.token).userId });
    expect(user).toMatchObject({ email: EMAIL, emailVerificationTime: expect.any(Number) });
    await expectAuthError(t.action(api.auth.signIn, { params: { code }, verifier: link.verifier }), "INVALID_CODE");
  });

  test("opened in another browser, a link asks for a confirmation naming the account, then signs in once", async () => {
    const t = makeAuthTest();
    const code = (await sendLink(t, EMAIL)).searchParams.get("code")!;
    const asked = await t.action(api.auth.signIn, { params: { code } });
    expect(asked).toEqual({ confirm: { account: EMAIL }, verifier: expect.any(String) });
    // Nothing was created or signed in by opening it.
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(0);
    expect(await t.query(probe.rows, { table: "sessions" })).toHaveLength(0);
    const { verifier } = asked as { verifier: string };
    // A confirmation needs its own verifier; a made-up one changes nothing.
    await expectAuthError(
      t.action(api.auth.signIn, { params: { code, confirm: true }, verifier: "y".repeat(43) }),
      "INVALID_CODE",
    );
    const tokens = tokensOf(await t.action(api.auth.signIn, { params: { code, confirm: true }, verifier }));
    expect(await t.query(getUser, { userId: claimsOf(tokens.token).userId })).toMatchObject({ email: EMAIL });
    await expectAuthError(t.action(api.auth.signIn, { params: { code, confirm: true }, verifier }), "INVALID_CODE");
  });

  test("attack: a link the attacker asked for never upgrades or links the guest who opens it", async () => {
    const t = makeAuthTest();
    const ATTACKER = "mallory@example.com";
    // The attacker asks for a link to their own address, in their own browser.
    const code = (await sendLink(t, ATTACKER)).searchParams.get("code")!;
    // A signed-in guest is talked into opening it.
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
    const guestId = claimsOf(guest.token).userId;
    const opened = await as(t, guest.token).action(api.auth.signIn, { params: { code } });
    expect(opened).toEqual({ confirm: { account: ATTACKER }, verifier: expect.any(String) });
    // Even confirmed, the sign-in is as a separate user: the guest keeps no attacker address.
    const confirmed = tokensOf(
      await as(t, guest.token).action(api.auth.signIn, {
        params: { code, confirm: true },
        verifier: (opened as { verifier: string }).verifier,
      }),
    );
    expect(claimsOf(confirmed.token).userId).not.toBe(guestId);
    const guestUser = await t.query(getUser, { userId: guestId });
    expect(guestUser).toMatchObject({ isAnonymous: true });
    expect(guestUser!.email).toBeUndefined();
    // The attacker's later email sign-in lands in the attacker's own user, not the guest's data.
    const later = tokensOf(await email(t, { email: ATTACKER, code: await sendCode(t, ATTACKER) }));
    expect(claimsOf(later.token).userId).not.toBe(guestId);
  });

  test("a guest who asks for a link and opens it in the same browser is upgraded", async () => {
    const t = makeAuthTest();
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
    const guestId = claimsOf(guest.token).userId;
    const asked = await as(t, guest.token).action(api.auth.signIn, { provider: "email", params: { email: EMAIL, method: "link" } });
    const { verifier } = asked as { verifier: string };
    const code = new URL((await latest(t, EMAIL)).code).searchParams.get("code")!;
    const tokens = tokensOf(await as(t, guest.token).action(api.auth.signIn, { params: { code }, verifier }));
    expect(claimsOf(tokens.token).userId).toBe(guestId);
    expect(await t.query(getUser, { userId: guestId })).toMatchObject({ email: EMAIL });
  });

  test("a link expires after 10 minutes", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const code = (await sendLink(t, EMAIL)).searchParams.get("code")!;
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1);
    await expectAuthError(t.action(api.auth.signIn, { params: { code } }), "INVALID_CODE");
  });

  test("a link to another origin is refused", async () => {
    const t = makeAuthTest();
    for (const redirectTo of ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "https://app.example.test.evil.example/"]) {
      await expectAuthError(email(t, { email: EMAIL, method: "link", redirectTo }), "INVALID_REDIRECT");
    }
    expect(await t.query(api.outbox.latest, { to: EMAIL })).toBeNull();
  });

  test("a made-up code is refused", async () => {
    const t = makeAuthTest();
    await expectAuthError(t.action(api.auth.signIn, { params: { code: "x".repeat(43) } }), "INVALID_CODE");
    await expectAuthError(t.action(api.auth.signIn, { params: { code: "short" } }), "INVALID_CODE");
  });
});

describe("phone codes", () => {
  const PHONE = "+15551234567";

  test("a code sent to a number signs in with a verified phone", async () => {
    const t = makeAuthTest();
    expect(await phone(t, { phone: "+1 (555) 123-4567" })).toEqual({ started: true });
    const { code } = await latest(t, PHONE);
    await expectAuthError(phone(t, { phone: "+15557654321", code }), "INVALID_CODE");
    const tokens = tokensOf(await phone(t, { phone: PHONE, code }));
    const user = await t.query(getUser, { userId: claimsOf(tokens.token).userId });
    expect(user).toMatchObject({ phone: PHONE, phoneVerificationTime: expect.any(Number) });
    expect(user!.email).toBeUndefined();
  });

  test("a number not in international form is refused", async () => {
    const t = makeAuthTest();
    await expectAuthError(phone(t, { phone: "555-1234" }), "INVALID_ARGUMENT");
  });

  test("a proven number links to the user who verified it", async () => {
    const t = makeAuthTest();
    const userId = await t.mutation(createUser, { phone: PHONE, phoneVerificationTime: Date.now() });
    await phone(t, { phone: PHONE });
    const tokens = tokensOf(await phone(t, { phone: PHONE, code: (await latest(t, PHONE)).code }));
    expect(claimsOf(tokens.token).userId).toBe(userId);
  });
});

describe("signed in", () => {
  test("a signed-in (not anonymous) caller proving a new address gets a separate user", async () => {
    const t = makeAuthTest();
    const mine = tokensOf(await password.signUp(t, "me@example.com", "correct horse battery"));
    const other = tokensOf(await as(t, mine.token).action(api.auth.signIn, {
      provider: "email",
      params: { email: EMAIL, code: await sendCode(t, EMAIL) },
    }));
    expect(claimsOf(other.token).userId).not.toBe(claimsOf(mine.token).userId);
  });
});
