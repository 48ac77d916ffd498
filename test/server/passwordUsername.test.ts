/**
 * Usernames beside the email for the Password provider (issue "Accounts",
 * §4): sign-up with an optional username, sign-in by username or email
 * through the one secret check, normalisation, the rules, uniqueness under
 * concurrency, per-identifier lockout, and no enumeration beyond email's.
 */
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { sent } from "../fixtures/usernames/auth.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

afterEach(() => {
  vi.useRealTimers();
});

const byUsername = (t: AuthTest, username: unknown, pw: string) =>
  t.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", username, password: pw } });

/** The component's tables a sign-up or sign-in writes. */
const WRITTEN = ["users", "accounts", "sessions", "refreshTokens", "events", "rateLimits", "verificationCodes"];

async function snapshot(t: AuthTest): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of WRITTEN) rows[table] = await t.query(probe.rows, { table });
  return rows;
}

/** The `{ code, message }` a call fails with. */
async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  return (error as ConvexError<{ code: string; message: string }>).data;
}

/** A username breaking the rules in each way (documented in docs/password.md). */
const INVALID = [
  "ab", // too short
  "a".repeat(33), // too long
  "   ab   ", // too short once trimmed
  "", // empty
  "   ", // blank
  "ada lovelace", // a space
  "ada@example", // an @: never an email
  "ada:1", // a colon
  "-ada", // must start with a letter or digit
  ".ada",
  "_ada",
  "ädä", // outside a-z
  "ada\u0000x", // a control character
  "ada\u200bx", // a zero-width space
  "x".repeat(200_000), // oversized input
];

describe("sign-up with a username, sign-in by either", () => {
  test("the username is stored normalised; sign-in by username and by email reach the same user", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW, { username: " Ada_L " }));
    const [user] = await t.query(probe.rows, { table: "users" });
    expect(user).toMatchObject({ email: EMAIL, username: "ada_l" });
    // One password account, named by the email; the username is on the user.
    const accounts = await t.query(probe.rows, { table: "accounts" });
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ provider: "password", providerAccountId: EMAIL });

    const userId = claimsOf(first.token).userId;
    expect(claimsOf(tokensOf(await byUsername(t, "ada_l", PW)).token).userId).toBe(userId);
    expect(claimsOf(tokensOf(await password.signIn(t, EMAIL, PW)).token).userId).toBe(userId);
    expect(await as(t, first.token).query(api.users.viewer, {})).toMatchObject({ username: "ada_l" });
  });

  test("case, whitespace and compatibility forms (NFKC) are the same username", async () => {
    const t = makeAuthTest();
    const userId = claimsOf(tokensOf(await password.signUp(t, EMAIL, PW, { username: "Ada.Lovelace" })).token).userId;
    for (const variant of ["ada.lovelace", "ADA.LOVELACE", "  Ada.Lovelace\t", "\u3000ada.lovelace\u3000", "ＡＤＡ．ｌｏｖｅｌａｃｅ"]) {
      const tokens = tokensOf(await byUsername(t, variant, PW));
      expect(claimsOf(tokens.token).userId, variant).toBe(userId);
    }
    // And the component finds it the same way.
    const found = await t.query(async (ctx) => await ctx.runQuery(components.auth.users.get, { username: " ADA.lovelace " }));
    expect(found?._id).toBe(userId);
    const none = await t.query(async (ctx) => await ctx.runQuery(components.auth.users.get, { username: "no such user!" }));
    expect(none).toBeNull();
  });

  test("the username is optional: a sign-up without one works, and signs in by email only", async () => {
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, EMAIL, PW));
    const [user] = await t.query(probe.rows, { table: "users" });
    expect(user.username).toBeUndefined();
    tokensOf(await password.signIn(t, EMAIL, PW));
    await expectAuthError(byUsername(t, "ada", PW), "INVALID_CREDENTIALS");
  });

  test("an email is still required, and sign-in takes the email or the username, not both", async () => {
    const t = makeAuthTest();
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "password", params: { flow: "signUp", username: "ada", password: PW } }),
      "INVALID_ARGUMENT",
    );
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: EMAIL, username: "ada", password: PW } }),
      "INVALID_ARGUMENT",
    );
    await expectAuthError(byUsername(t, 42, PW), "INVALID_ARGUMENT");
    // An email in the username field is no username (an `@` is never in one).
    await expectAuthError(byUsername(t, EMAIL, PW), "INVALID_USERNAME");
  });

  test("a user with a second factor signing in by username gets the second-factor step, as by email", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW, { username: "ada" }));
    await t.mutation(probe.plantActiveTotp, { userId: claimsOf(first.token).userId });
    const sessions = (await t.query(probe.rows, { table: "sessions" })).length;
    expect(await byUsername(t, "ada", PW)).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
    expect(await t.query(probe.rows, { table: "sessions" })).toHaveLength(sessions);
  });

  test("a password that is the username is refused", async () => {
    const t = makeAuthTest();
    await expectAuthError(password.signUp(t, EMAIL, "Ada.Lovelace1", { username: "ada.lovelace1" }), "INVALID_PASSWORD");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
  });
});

describe("the rules", () => {
  test("invalid usernames are refused at sign-up with INVALID_USERNAME, and nothing is written", async () => {
    const t = makeAuthTest();
    const before = await snapshot(t);
    for (const username of INVALID) {
      const label = username.length > 40 ? `<${username.length} chars>` : JSON.stringify(username);
      const failure = await failureOf(password.signUp(t, EMAIL, PW, { username }));
      expect(failure.code, label).toBe("INVALID_USERNAME");
      expect(failure.message.length, label).toBeLessThan(200);
    }
    await expectAuthError(password.signUp(t, EMAIL, PW, { username: 123 }), "INVALID_ARGUMENT");
    expect(await snapshot(t)).toEqual(before);
  });

  test("the edges of the rules are accepted: 3 and 32 characters, digits, . _ -", async () => {
    const t = makeAuthTest();
    const names = ["abc", "a".repeat(32), "007", "a.b_c-d", "ada-"];
    for (const [i, username] of names.entries()) {
      tokensOf(await password.signUp(t, `user${i}@example.com`, PW, { username }));
    }
    const stored = (await t.query(probe.rows, { table: "users" })).map((u) => u.username).sort();
    expect(stored).toEqual([...names].sort());
  });

  test("invalid usernames at sign-in are INVALID_USERNAME before any limit is taken (no bucket, nothing written)", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    const before = await snapshot(t);
    for (const username of INVALID) {
      await expectAuthError(byUsername(t, username, PW), "INVALID_USERNAME");
    }
    expect(await snapshot(t)).toEqual(before);
  });

  test("the component refuses invalid usernames itself (users.create, users.update)", async () => {
    const t = makeAuthTest();
    const create = (username: string) =>
      t.mutation(async (ctx) => await ctx.runMutation(components.auth.users.create, { email: EMAIL, username }));
    for (const username of ["ab", "ada lovelace", "x".repeat(200_000)]) await expectAuthError(create(username), "INVALID_USERNAME");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    const userId = await create("ADA");
    await expectAuthError(
      t.mutation(async (ctx) => await ctx.runMutation(components.auth.users.update, { userId, patch: { username: "-ada" } })),
      "INVALID_USERNAME",
    );
    expect((await t.query(probe.rows, { table: "users" }))[0]).toMatchObject({ username: "ada" });
  });
});

describe("uniqueness", () => {
  test("a taken username is refused at sign-up (USERNAME_TAKEN, in any case or form) and nothing is written", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    const before = await snapshot(t);
    for (const username of ["ada", "ADA", " Ada ", "ＡＤＡ"]) {
      await expectAuthError(password.signUp(t, "other@example.com", PW, { username }), "USERNAME_TAKEN");
    }
    expect(await snapshot(t)).toEqual(before);
    // The same email is refused as before, whatever the username.
    await expectAuthError(password.signUp(t, EMAIL, PW, { username: "fresh" }), "ACCOUNT_EXISTS");
    // The other email with a free username goes ahead.
    tokensOf(await password.signUp(t, "other@example.com", PW, { username: "bob" }));
  });

  test("two sign-ups taking the same username at once: exactly one wins", async () => {
    const t = makeAuthTest();
    const results = await Promise.allSettled([
      password.signUp(t, "one@example.com", PW, { username: "Same" }),
      password.signUp(t, "two@example.com", PW, { username: "same" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as ConvexError<{ code: string }>).data.code).toBe("USERNAME_TAKEN");
    const users = await t.query(probe.rows, { table: "users" });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ username: "same" });
    expect(await t.query(probe.rows, { table: "accounts" })).toHaveLength(1);
    tokensOf(await byUsername(t, "same", PW));
  });

  test("a signed-in user sets, changes and removes their username; the old one is free again", async () => {
    const t = makeAuthTest();
    const ada = tokensOf(await password.signUp(t, EMAIL, PW));
    const bob = tokensOf(await password.signUp(t, "bob@example.com", PW, { username: "bob" }));
    await as(t, ada.token).mutation(api.users.setUsername, { username: "Ada" });
    tokensOf(await byUsername(t, "ada", PW));

    // Another user's username is refused, and nothing changes.
    const before = await snapshot(t);
    await expectAuthError(as(t, ada.token).mutation(api.users.setUsername, { username: "BOB" }), "USERNAME_TAKEN");
    await expectAuthError(as(t, ada.token).mutation(api.users.setUsername, { username: "b" }), "INVALID_USERNAME");
    expect(await snapshot(t)).toEqual(before);
    // Saving one's own again is fine.
    await as(t, ada.token).mutation(api.users.setUsername, { username: " ada " });

    await as(t, ada.token).mutation(api.users.setUsername, { username: "lovelace" });
    tokensOf(await byUsername(t, "lovelace", PW));
    await expectAuthError(byUsername(t, "ada", PW), "INVALID_CREDENTIALS");
    // The old one is free: Bob takes it.
    await as(t, bob.token).mutation(api.users.setUsername, { username: "ada" });
    expect(claimsOf(tokensOf(await byUsername(t, "ada", PW)).token).userId).toBe(claimsOf(bob.token).userId);

    // Removed: only the email signs in.
    await as(t, ada.token).mutation(api.users.setUsername, { username: null });
    await expectAuthError(byUsername(t, "lovelace", PW), "INVALID_CREDENTIALS");
    tokensOf(await password.signIn(t, EMAIL, PW));
    // Signed out: nothing to update.
    await expectAuthError(t.mutation(api.users.setUsername, { username: "ghost" }), "NOT_SIGNED_IN");
  });

  test("two users taking the same username at once: exactly one gets it", async () => {
    const t = makeAuthTest();
    const ada = tokensOf(await password.signUp(t, EMAIL, PW));
    const bob = tokensOf(await password.signUp(t, "bob@example.com", PW));
    const results = await Promise.allSettled([
      as(t, ada.token).mutation(api.users.setUsername, { username: "wanted" }),
      as(t, bob.token).mutation(api.users.setUsername, { username: "WANTED" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect((lost?.reason as ConvexError<{ code: string }>).data.code).toBe("USERNAME_TAKEN");
    const holders = (await t.query(probe.rows, { table: "users" })).filter((u) => u.username === "wanted");
    expect(holders).toHaveLength(1);
  });
});

describe("no enumeration, and the same limits as email", () => {
  test("an unknown username and a wrong password fail with the same code and message", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    // A user with a username but no password (a guest who set one) is no different.
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
    await as(t, guest.token).mutation(api.users.setUsername, { username: "guest" });
    const wrong = await failureOf(byUsername(t, "ada", "wrong password!"));
    expect(wrong.code).toBe("INVALID_CREDENTIALS");
    expect(await failureOf(byUsername(t, "nobody", PW))).toEqual(wrong);
    expect(await failureOf(byUsername(t, "guest", PW))).toEqual(wrong);
  });

  test("10 failures lock the username for an hour (even the right password); the email has its own bucket", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    for (let i = 0; i < 10; i++) {
      await expectAuthError(byUsername(t, i % 2 ? "ADA" : " ada", `wrong password ${i}`), "INVALID_CREDENTIALS");
    }
    await expectAuthError(byUsername(t, "ada", PW), "RATE_LIMITED");
    // Per identifier: the email's bucket is untouched.
    tokensOf(await password.signIn(t, EMAIL, PW));
    const keys = (await t.query(probe.rows, { table: "rateLimits" })).map((r) => r.key).sort();
    expect(keys).toEqual(["attempts:password:ada", `attempts:password:${EMAIL}`]);
    vi.setSystemTime(new Date("2026-03-01T10:07:00Z"));
    // One token refills every 6 minutes, as for an email.
    tokensOf(await byUsername(t, "ada", PW));
  });

  test("unknown usernames are limited the same way (no enumeration by rate)", async () => {
    const t = makeAuthTest();
    for (let i = 0; i < 10; i++) {
      await expectAuthError(byUsername(t, "ghost", `guess ${i} long`), "INVALID_CREDENTIALS");
    }
    await expectAuthError(byUsername(t, "ghost", "guess 11 long"), "RATE_LIMITED");
  });

  test("concurrent wrong passwords by username: at most 10 are checked", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW, { username: "ada" });
    const results = await Promise.allSettled(
      Array.from({ length: 14 }, (_, i) => byUsername(t, "ada", `wrong password ${i}`)),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as ConvexError<{ code: string }>).data.code : "ok"));
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS").length).toBeLessThanOrEqual(10);
    expect(codes.filter((c) => c !== "INVALID_CREDENTIALS" && c !== "RATE_LIMITED")).toEqual([]);
    await expectAuthError(byUsername(t, "ada", PW), "RATE_LIMITED");
  });
});

describe("the usernames option", () => {
  const modules = import.meta.glob(["../fixtures/usernames/**/*.ts", "!../fixtures/usernames/**/*.*.ts"]);
  const signIn = makeFunctionReference<"action">("auth:signIn");
  const app = () =>
    makeTestOf(modules, { componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") } });
  const run = (t: ReturnType<typeof makeTestOf>, provider: string, params: Record<string, unknown>) =>
    t.action(signIn, { provider, params });

  beforeEach(() => {
    sent.length = 0;
  });

  test("required: a sign-up without a username is INVALID_USERNAME and writes nothing", async () => {
    const t = app();
    await expectAuthError(run(t, "required", { flow: "signUp", email: EMAIL, password: PW }), "INVALID_USERNAME");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    tokensOf(await run(t, "required", { flow: "signUp", email: EMAIL, password: PW, username: "ada" }));
    tokensOf(await run(t, "required", { flow: "signIn", username: "ada", password: PW }));
  });

  test("false: a username is refused at sign-up and sign-in", async () => {
    const t = app();
    await expectAuthError(run(t, "off", { flow: "signUp", email: EMAIL, password: PW, username: "ada" }), "INVALID_ARGUMENT");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    tokensOf(await run(t, "off", { flow: "signUp", email: EMAIL, password: PW }));
    await expectAuthError(run(t, "off", { flow: "signIn", username: "ada", password: PW }), "INVALID_ARGUMENT");
    tokensOf(await run(t, "off", { flow: "signIn", email: EMAIL, password: PW }));
  });

  test("with a verified email required, a sign-in by username sends the code to the account's email", async () => {
    const t = app();
    expect(await run(t, "password", { flow: "signUp", email: EMAIL, password: PW, username: "ada" })).toEqual({ started: true });
    expect(await run(t, "password", { flow: "signIn", username: "ADA", password: PW })).toEqual({ started: true });
    expect(sent.map((m) => m.email)).toEqual([EMAIL, EMAIL]);
    tokensOf(await run(t, "password", { flow: "emailVerification", email: EMAIL, code: sent[1]!.code }));
    tokensOf(await run(t, "password", { flow: "signIn", username: "ada", password: PW }));
  });
});
