/**
 * Linking while signed in ("connect GitHub"), listing and unlinking
 * accounts, through the example app: `signIn("github", { link: true })`
 * against a GitHub look-alike (test/fixtures/oauthServers.ts), our
 * /api/auth/signin and /api/auth/callback routes, and `auth.account.*`
 * (example/convex/accounts.ts). The attacks are written first: flows that
 * cross browsers, users or sessions attach nothing to anyone.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { startGitHub, type Person } from "../fixtures/oauthServers.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey } from "../fixtures/passkeyFlows.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest, type Tokens } from "../harness/auth.js";
import { enrollTotp } from "../harness/totp.js";

const SITE = "https://app.example.test";
const PW = "correct horse battery";
const MINUTE = 60_000;
const users = (componentsGeneric() as AnyComponents).auth.users;
const createUser = users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;

let github: Awaited<ReturnType<typeof startGitHub>>;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  github = await startGitHub();
  const env = {
    SITE_URL: SITE,
    AUTH_GITHUB_ID: "gh-client",
    AUTH_GITHUB_SECRET: "gh-secret",
    // Read when the example's auth.ts loads (at the first call): GitHub at the look-alike.
    AUTH_GITHUB_ENTERPRISE_URL: github.base,
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  await github?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const rows = (t: AuthTest, table: string) => t.query(probe.rows, { table });
const accountsOf = async (t: AuthTest, userId: string) => (await rows(t, "accounts")).filter((a) => a.userId === userId);
const eventsOf = async (t: AuthTest, type: string) => (await rows(t, "events")).filter((e) => e.type === type);

/** A user signed up with a password; their tokens and ids. */
async function passwordUser(t: AuthTest, email: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW));
  const { userId, sessionId } = claimsOf(tokens.token);
  return { tokens, userId: userId!, sessionId: sessionId! };
}

/** Step 1: `signIn("github", params)`, as the holder of `token` (signed out without). */
async function start(t: AuthTest, params: Record<string, unknown>, token?: string) {
  const result = (await (token ? as(t, token) : t).action(api.auth.signIn, { provider: "github", params })) as {
    redirect: string;
    verifier: string;
  };
  expect(result).toEqual({ redirect: expect.any(String), verifier: expect.stringMatching(/^[\w-]{43}$/) });
  return result;
}

/** Step 2: the app's page posts the sign-in URL; the browser gets the binding cookie. */
async function open(t: AuthTest, redirect: string) {
  const url = new URL(redirect);
  const response = await t.fetch(url.pathname + url.search, { method: "POST", headers: { origin: SITE } });
  expect(response.status).toBe(302);
  return { authorize: new URL(response.headers.get("location")!), cookie: (response.headers.get("set-cookie") ?? "").split(";")[0] };
}

/** GitHub signs `person` in and sends the browser back: our callback URL. */
async function authorize(authorizeUrl: URL, person: Person): Promise<URL> {
  github.who(person);
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** Step 3: the browser (with `cookie`, or without) arrives at our callback; where it lands. */
async function callback(t: AuthTest, back: URL, cookie?: string): Promise<URL> {
  const response = await t.fetch(back.pathname + back.search, cookie ? { headers: { cookie } } : undefined);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** Steps 1 to 3 in one browser: the code it lands with and its verifier. */
async function toCode(t: AuthTest, person: Person, token?: string, params: Record<string, unknown> = { link: true }) {
  const { redirect, verifier } = await start(t, params, token);
  const { authorize: authorizeUrl, cookie } = await open(t, redirect);
  const landed = await callback(t, await authorize(authorizeUrl, person), cookie);
  const code = landed.searchParams.get("code");
  expect(code, landed.href).not.toBeNull();
  return { code: code!, verifier };
}

/** Step 4: the client exchanges the code (as the holder of `token`, or signed out). */
const exchange = (t: AuthTest, code: string, verifier: string, token?: string) =>
  (token ? as(t, token) : t).action(api.auth.signIn, { params: { code }, verifier });

/** A whole "connect GitHub" for the holder of `token`. */
async function connect(t: AuthTest, token: string, person: Person): Promise<Tokens> {
  const { code, verifier } = await toCode(t, person, token);
  return tokensOf(await exchange(t, code, verifier, token));
}

const OCTO: Person = { sub: "4242", name: "Octo Cat", email: "octo@example.com", emailVerified: true };

describe("attacks first: a link flow crossing browsers, users or sessions attaches nothing", () => {
  test("an attacker's link flow, finished by the victim at GitHub, is refused at the callback (no cookie)", async () => {
    const t = makeAuthTest();
    const attacker = await passwordUser(t, "mallory@example.com");
    const victim = await passwordUser(t, "victim@example.com");
    // The attacker starts linking and binds the flow in their browser, then lures the victim to
    // GitHub's authorize page: the victim approves with their GitHub account.
    const { redirect } = await start(t, { link: true }, attacker.tokens.token);
    const { authorize: authorizeUrl } = await open(t, redirect);
    const back = await authorize(authorizeUrl, { sub: "777", email: "victim@example.com", emailVerified: true });
    // GitHub sends the victim's browser back: it has no binding cookie.
    const landed = await callback(t, back);
    expect(landed.searchParams.get("authError")).toBe("OAUTH_FAILED");
    expect(landed.searchParams.get("code")).toBeNull();
    expect(await accountsOf(t, attacker.userId)).toHaveLength(1);
    expect(await accountsOf(t, victim.userId)).toHaveLength(1);
    expect((await rows(t, "accounts")).filter((a) => a.provider === "github")).toEqual([]);
    expect((await rows(t, "verifiers")).filter((v) => v.kind === "oauth_code")).toEqual([]);
  });

  test("an attacker's finished link code, handed to a signed-in victim, attaches nothing to either", async () => {
    const t = makeAuthTest();
    const attacker = await passwordUser(t, "mallory@example.com");
    const victim = await passwordUser(t, "victim@example.com");
    const { code, verifier } = await toCode(t, { sub: "666", email: "mallory@github.example", emailVerified: true }, attacker.tokens.token);
    // The victim's browser opens the code with its own session, with or without the attacker's verifier.
    await expectAuthError(exchange(t, code, verifier, victim.tokens.token), "INVALID_CODE");
    // The code is spent: the attacker's own session cannot use it now either.
    await expectAuthError(exchange(t, code, verifier, attacker.tokens.token), "INVALID_CODE");
    expect((await rows(t, "accounts")).filter((a) => a.provider === "github")).toEqual([]);
    expect(await eventsOf(t, "account_linked")).toEqual([]);
  });

  test("a victim's link code lifted by an attacker (with its verifier) attaches nothing to the attacker and signs nobody in", async () => {
    const t = makeAuthTest();
    const attacker = await passwordUser(t, "mallory@example.com");
    const victim = await passwordUser(t, "victim@example.com");
    const sessionsBefore = (await rows(t, "sessions")).length;
    const first = await toCode(t, OCTO, victim.tokens.token);
    // Redeemed in the attacker's signed-in browser: not the session that started it.
    await expectAuthError(exchange(t, first.code, first.verifier, attacker.tokens.token), "INVALID_CODE");
    // Redeemed signed out: a link code is no way in.
    const second = await toCode(t, OCTO, victim.tokens.token);
    await expectAuthError(exchange(t, second.code, second.verifier), "INVALID_CODE");
    // Redeemed by the victim's user in another session of theirs: refused too.
    const other = tokensOf(await password.signIn(t, "victim@example.com", PW));
    const third = await toCode(t, OCTO, victim.tokens.token);
    await expectAuthError(exchange(t, third.code, third.verifier, other.token), "INVALID_CODE");
    expect((await rows(t, "accounts")).filter((a) => a.provider === "github")).toEqual([]);
    expect(await eventsOf(t, "account_linked")).toEqual([]);
    expect((await rows(t, "sessions")).length).toBe(sessionsBefore + 1); // only the victim's own sign-in
  });

  test("a session that ended before the return links nothing (SESSION_ENDED)", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const { code, verifier } = await toCode(t, OCTO, ada.tokens.token);
    await as(t, ada.tokens.token).action(api.auth.signOut, {});
    // The access token still verifies until it expires; its session is gone.
    await expectAuthError(exchange(t, code, verifier, ada.tokens.token), "SESSION_ENDED");
    expect(await accountsOf(t, ada.userId)).toHaveLength(1);
    // And an ended session cannot start a link flow.
    await expectAuthError(as(t, ada.tokens.token).action(api.auth.signIn, { provider: "github", params: { link: true } }), "SESSION_ENDED");
    expect((await rows(t, "verifiers")).filter((v) => v.kind === "oauth_flow")).toEqual([]);
  });

  test("signed out, or with a malformed flag, a link flow does not start", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    await expectAuthError(t.action(api.auth.signIn, { provider: "github", params: { link: true } }), "NOT_SIGNED_IN");
    for (const link of ["yes", 1, null, {}]) {
      await expectAuthError(as(t, ada.tokens.token).action(api.auth.signIn, { provider: "github", params: { link } }), "INVALID_ARGUMENT");
    }
    expect((await rows(t, "verifiers")).filter((v) => v.kind === "oauth_flow")).toEqual([]);
  });
});

describe("connecting an account while signed in", () => {
  test("GitHub goes to the caller, not to whoever holds its email; the session goes on; it is listed and signs in", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    // Another user holds GitHub's (verified) email: a plain sign-in would link to them.
    const octo = await t.mutation(createUser, { email: "octo@example.com", emailVerificationTime: Date.now() });
    const tokens = await connect(t, ada.tokens.token, OCTO);
    expect(claimsOf(tokens.token)).toMatchObject({ userId: ada.userId, sessionId: ada.sessionId });
    const github = (await accountsOf(t, ada.userId)).find((a) => a.provider === "github");
    expect(github).toMatchObject({ providerAccountId: "4242", email: "octo@example.com", emailVerified: true });
    expect(await accountsOf(t, octo)).toEqual([]);
    // Ada's own profile is hers: no email or name from GitHub.
    expect(await as(t, tokens.token).query(api.users.viewer, {})).toMatchObject({ email: "ada@example.com", name: null });
    const [linked] = await eventsOf(t, "account_linked");
    expect(linked).toMatchObject({ userId: ada.userId, data: { provider: "github", accountId: github!._id } });
    expect(linked!.actorUserId).toBeUndefined();

    const list = await as(t, tokens.token).query(api.accounts.list, {});
    expect(list).toEqual([
      { accountId: github!._id, provider: "github", type: "oauth", linkedTime: expect.any(Number), email: "octo@example.com", phone: null },
      { accountId: expect.any(String), provider: "password", type: "credentials", linkedTime: expect.any(Number), email: "ada@example.com", phone: null },
    ]);
    const dump = JSON.stringify(list);
    expect(dump).not.toMatch(/argon2|secret/i);

    // Signing in with GitHub from anywhere now is Ada.
    const again = await toCode(t, OCTO, undefined, {});
    expect(claimsOf(tokensOf(await exchange(t, again.code, again.verifier)).token).userId).toBe(ada.userId);
  });

  test("a GitHub account that signs in to another user is refused (ACCOUNT_LINKED_ELSEWHERE); linking one's own again changes nothing", async () => {
    const t = makeAuthTest();
    const bob = await passwordUser(t, "bob@example.com");
    await connect(t, bob.tokens.token, OCTO);
    const ada = await passwordUser(t, "ada@example.com");
    const { code, verifier } = await toCode(t, OCTO, ada.tokens.token);
    const before = await rows(t, "accounts");
    await expectAuthError(exchange(t, code, verifier, ada.tokens.token), "ACCOUNT_LINKED_ELSEWHERE");
    expect(await rows(t, "accounts")).toEqual(before);
    expect((await accountsOf(t, bob.userId)).map((a) => a.provider).sort()).toEqual(["github", "password"]);
    // Bob connecting the same GitHub account again: fine, nothing new.
    await connect(t, bob.tokens.token, OCTO);
    expect(await rows(t, "accounts")).toEqual(before);
    expect(await eventsOf(t, "account_linked")).toHaveLength(1);
  });

  test("a guest who connects GitHub keeps their id and stops being anonymous", async () => {
    const t = makeAuthTest();
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous" }));
    const { userId } = claimsOf(guest.token);
    const tokens = await connect(t, guest.token, { sub: "99", email: "g@example.com", emailVerified: true });
    expect(claimsOf(tokens.token).userId).toBe(userId);
    expect(await as(t, tokens.token).query(api.users.viewer, {})).toMatchObject({ isGuest: false });
    expect(await eventsOf(t, "anonymous_upgraded")).toHaveLength(1);
    // The guest account is no way to sign in: not listed.
    expect((await as(t, tokens.token).query(api.accounts.list, {})).map((a) => a.provider)).toEqual(["github"]);
  });

  test("with a second factor, linking needs a step-up: at the start, and still at the return", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const { otp, tokens } = await enrollTotp(t, ada.tokens.token);
    // Verified 9 minutes ago (enrolment confirmed): a link flow starts, but the return comes
    // 90 s later, past the 10-minute step-up (the code itself lives 2 minutes).
    advance(9 * MINUTE);
    const late = await toCode(t, OCTO, tokens.token);
    advance(90_000);
    await expectAuthError(exchange(t, late.code, late.verifier, tokens.token), "STEP_UP_REQUIRED");
    expect((await accountsOf(t, ada.userId)).map((a) => a.provider)).toEqual(["password"]);
    // Starting now is refused before anything is stored.
    const flows = (await rows(t, "verifiers")).filter((v) => v.kind === "oauth_flow").length;
    await expectAuthError(as(t, tokens.token).action(api.auth.signIn, { provider: "github", params: { link: true } }), "STEP_UP_REQUIRED");
    expect((await rows(t, "verifiers")).filter((v) => v.kind === "oauth_flow")).toHaveLength(flows);
    // After a step-up it goes through.
    advance(30_000);
    await as(t, tokens.token).action(api.totp.verify, { code: otp.generate() });
    await connect(t, tokens.token, OCTO);
    expect((await accountsOf(t, ada.userId)).map((a) => a.provider).sort()).toEqual(["github", "password"]);
  });
});

describe("disconnecting an account", () => {
  test("unlinks one (audited), never the last way in (LAST_FACTOR); the unlinked account signs in no more", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const me = as(t, (await connect(t, ada.tokens.token, OCTO)).token);
    const github = (await me.query(api.accounts.list, {})).find((a) => a.provider === "github")!;
    await me.mutation(api.accounts.unlink, { accountId: github.accountId });
    const [unlinked] = await eventsOf(t, "account_unlinked");
    expect(unlinked).toMatchObject({ userId: ada.userId, data: { provider: "github", accountId: github.accountId } });
    const [left] = await me.query(api.accounts.list, {});
    expect(left).toMatchObject({ provider: "password" });
    // The password is now the only way in.
    const before = await rows(t, "accounts");
    await expectAuthError(me.mutation(api.accounts.unlink, { accountId: left!.accountId }), "LAST_FACTOR");
    expect(await rows(t, "accounts")).toEqual(before);
    expect(await eventsOf(t, "account_unlinked")).toHaveLength(1);
    // GitHub now makes a user of its own (its email is held verified by nobody).
    const back = await toCode(t, OCTO, undefined, {});
    expect(claimsOf(tokensOf(await exchange(t, back.code, back.verifier)).token).userId).not.toBe(ada.userId);
  });

  test("two disconnects at once of the last two ways in leave one", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const me = as(t, (await connect(t, ada.tokens.token, OCTO)).token);
    const list = await me.query(api.accounts.list, {});
    expect(list).toHaveLength(2);
    const results = await Promise.allSettled(list.map((a) => me.mutation(api.accounts.unlink, { accountId: a.accountId })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    await expectAuthError(Promise.reject(refused!.reason), "LAST_FACTOR");
    expect(await accountsOf(t, ada.userId)).toHaveLength(1);
    expect(await eventsOf(t, "account_unlinked")).toHaveLength(1);
  });

  test("a guest account is no way in; a passkey is", async () => {
    const t = makeAuthTest();
    // A guest upgraded by an email code holds a guest account and an email one.
    const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous" }));
    const userId = claimsOf(guest.token).userId!;
    await t.action(api.auth.signIn, { provider: "email", params: { email: "gus@example.com" } });
    const { code } = (await t.query(api.outbox.latest, { to: "gus@example.com" }))!;
    const gus = tokensOf(
      await as(t, guest.token).action(api.auth.signIn, { provider: "email", params: { email: "gus@example.com", code } }),
    );
    const [email] = await as(t, gus.token).query(api.accounts.list, {});
    expect(email).toMatchObject({ provider: "email", type: "email", email: "gus@example.com" });
    await expectAuthError(as(t, gus.token).mutation(api.accounts.unlink, { accountId: email!.accountId }), "LAST_FACTOR");
    // Through the component, the same rule (the guest account ignored, as the server asks).
    await expectAuthError(
      t.mutation(components.auth.credentials.remove, { accountId: email!.accountId, userId, ignoreProviders: ["anonymous"] }),
      "LAST_FACTOR",
    );
    expect(await accountsOf(t, userId)).toHaveLength(2);
    // With a passkey, the email account can go.
    const withPasskey = tokensOf(await addPasskey(t, gus.token, new SoftAuthenticator(SITE)));
    await as(t, withPasskey.token).mutation(api.accounts.unlink, { accountId: email!.accountId });
    expect((await accountsOf(t, userId)).map((a) => a.provider)).toEqual(["anonymous"]);
  });

  test("someone else's account, or a string that is no id, is NOT_FOUND; an ended session SESSION_ENDED", async () => {
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const bob = await passwordUser(t, "bob@example.com");
    const [bobs] = await as(t, bob.tokens.token).query(api.accounts.list, {});
    const before = await rows(t, "accounts");
    for (const accountId of [bobs!.accountId, "junk", ""]) {
      await expectAuthError(as(t, ada.tokens.token).mutation(api.accounts.unlink, { accountId }), "NOT_FOUND");
    }
    await as(t, bob.tokens.token).action(api.auth.signOut, {});
    await expectAuthError(as(t, bob.tokens.token).mutation(api.accounts.unlink, { accountId: bobs!.accountId }), "SESSION_ENDED");
    await expectAuthError(t.mutation(api.accounts.unlink, { accountId: bobs!.accountId }), "NOT_SIGNED_IN");
    expect(await rows(t, "accounts")).toEqual(before);
  });

  test("with a second factor, unlinking needs a step-up", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await passwordUser(t, "ada@example.com");
    const { otp, tokens } = await enrollTotp(t, ada.tokens.token);
    const me = as(t, (await connect(t, tokens.token, OCTO)).token);
    const github = (await me.query(api.accounts.list, {})).find((a) => a.provider === "github")!;
    advance(11 * MINUTE);
    await expectAuthError(me.mutation(api.accounts.unlink, { accountId: github.accountId }), "STEP_UP_REQUIRED");
    expect(await accountsOf(t, ada.userId)).toHaveLength(2);
    await me.action(api.totp.verify, { code: otp.generate() });
    await me.mutation(api.accounts.unlink, { accountId: github.accountId });
    expect(await accountsOf(t, ada.userId)).toHaveLength(1);
  });
});
