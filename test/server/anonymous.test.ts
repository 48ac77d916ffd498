/**
 * The Anonymous provider and upgrading a guest: by signing in with another
 * provider (an email or phone code), and by signing up with a password or a
 * passkey while signed in as the guest (the guest keeps its id and data).
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";
import { useEnvVars } from "../harness/envVars.js";
import { expectAuthError } from "../harness/errors.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { finish, signInWithPasskey, start } from "../fixtures/passkeyFlows.js";

const users = (componentsGeneric() as AnyComponents).auth.users;
const createUser = users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;
const getUser = users.get as FunctionReference<"query", "internal", { userId: string }, Record<string, any> | null>;
const EMAIL = "ada@example.com";

const guest = async (t: AuthTest) => tokensOf(await t.action(api.auth.signIn, { provider: "anonymous" }));

async function emailCode(t: AuthTest, address: string): Promise<string> {
  await t.action(api.auth.signIn, { provider: "email", params: { email: address } });
  return (await t.query(api.outbox.latest, { to: address }))!.code;
}

test("signing in anonymously creates a guest user with a session", async () => {
  const t = makeAuthTest();
  const tokens = await guest(t);
  const { userId } = claimsOf(tokens.token);
  expect(await t.query(getUser, { userId })).toMatchObject({ isAnonymous: true });
  expect(await as(t, tokens.token).query(api.users.viewerId, {})).toBe(userId);
  // A refresh works like any session's.
  tokensOf(await refresh(t, tokens.refreshToken));
  // Each guest is a new user.
  expect(claimsOf((await guest(t)).token).userId).not.toBe(userId);
});

test("a guest who proves an email keeps their id and stops being anonymous", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  const { userId } = claimsOf(anon.token);
  const code = await emailCode(t, EMAIL);
  const upgraded = tokensOf(
    await as(t, anon.token).action(api.auth.signIn, { provider: "email", params: { email: EMAIL, code, name: "Ada" } }),
  );
  expect(claimsOf(upgraded.token).userId).toBe(userId);
  const user = await t.query(getUser, { userId });
  expect(user).toMatchObject({ email: EMAIL, name: "Ada", emailVerificationTime: expect.any(Number) });
  expect(user!.isAnonymous).toBeUndefined();
  const accounts = await t.query(probe.rows, { table: "accounts" });
  expect(accounts.map((a) => a.provider).sort()).toEqual(["anonymous", "email"]);
  expect((await t.query(probe.rows, { table: "events" })).map((e) => e.type)).toContain("anonymous_upgraded");
  // The email now signs in to the same user from anywhere.
  const later = tokensOf(await t.action(api.auth.signIn, { provider: "email", params: { email: EMAIL, code: await emailCode(t, EMAIL) } }));
  expect(claimsOf(later.token).userId).toBe(userId);
});

test("a guest proving an address another user verified signs in as that user; the guest stays a guest", async () => {
  const t = makeAuthTest();
  const owner = await t.mutation(createUser, { email: EMAIL, emailVerificationTime: Date.now() });
  const anon = await guest(t);
  const code = await emailCode(t, EMAIL);
  const tokens = tokensOf(await as(t, anon.token).action(api.auth.signIn, { provider: "email", params: { email: EMAIL, code } }));
  expect(claimsOf(tokens.token).userId).toBe(owner);
  expect(await t.query(getUser, { userId: claimsOf(anon.token).userId })).toMatchObject({ isAnonymous: true });
});

test("a guest upgrades by a phone code too", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  const phone = "+447700900123";
  await t.action(api.auth.signIn, { provider: "phone", params: { phone } });
  const { code } = (await t.query(api.outbox.latest, { to: phone }))!;
  const tokens = tokensOf(await as(t, anon.token).action(api.auth.signIn, { provider: "phone", params: { phone, code } }));
  expect(claimsOf(tokens.token).userId).toBe(claimsOf(anon.token).userId);
  const user = await t.query(getUser, { userId: claimsOf(anon.token).userId });
  expect(user).toMatchObject({ phone, phoneVerificationTime: expect.any(Number) });
  expect(user!.isAnonymous).toBeUndefined();
});

// ---------------------------------------------------------------------------
// A guest who signs up with a password or a passkey keeps their user (and so their data).

const ORIGIN = "https://app.example.test";
const PW = "correct horse battery";
useEnvVars({ SITE_URL: ORIGIN });

const addNote = (t: AuthTest, token: string, text: string) => as(t, token).mutation(api.notes.add, { text });
const notes = async (t: AuthTest, token: string) => (await as(t, token).query(api.notes.list, {})).map((n) => n.text);
const signUp = (t: AuthTest, email: string, token?: string, extra: Record<string, unknown> = {}) =>
  (token ? as(t, token) : t).action(api.auth.signIn, {
    provider: "password",
    params: { flow: "signUp", email, password: PW, ...extra },
  });
const authRows = async (t: AuthTest) => ({
  users: await t.query(probe.rows, { table: "users" }),
  accounts: await t.query(probe.rows, { table: "accounts" }),
  passkeys: await t.query(probe.rows, { table: "passkeys" }),
  events: await t.query(probe.rows, { table: "events" }),
});

test("a guest's password sign-up keeps their id and notes, in a new session; the user is no guest any more", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  const { userId, sessionId } = claimsOf(anon.token);
  await addNote(t, anon.token, "my first note");
  const tokens = tokensOf(await signUp(t, EMAIL, anon.token, { name: "Ada", username: "ada" }));
  expect(claimsOf(tokens.token).userId).toBe(userId);
  expect(claimsOf(tokens.token).sessionId).not.toBe(sessionId);
  expect(await notes(t, tokens.token)).toEqual(["my first note"]);
  const user = await t.query(getUser, { userId });
  expect(user).toMatchObject({ email: EMAIL, name: "Ada", username: "ada" });
  expect(user!.isAnonymous).toBeUndefined();
  const { users: all, accounts, events } = await authRows(t);
  expect(all).toHaveLength(1);
  expect(accounts.map((a) => a.provider).sort()).toEqual(["anonymous", "password"]);
  expect(events.filter((e) => e.type === "anonymous_upgraded")).toEqual([
    expect.objectContaining({ userId, data: { provider: "password" } }),
  ]);
  expect(events.filter((e) => e.type === "sign_up").map((e) => e.userId)).toEqual([userId]); // the guest's own
  // Signed out, the password signs in to the same user, notes and all.
  const later = tokensOf(await password.signIn(t, EMAIL, PW));
  expect(claimsOf(later.token).userId).toBe(userId);
  expect(await notes(t, later.token)).toEqual(["my first note"]);
});

test("a guest signing up with a taken email gets the answer anyone gets (ACCOUNT_EXISTS), and stays a guest", async () => {
  const t = makeAuthTest();
  tokensOf(await signUp(t, EMAIL));
  await expectAuthError(signUp(t, EMAIL), "ACCOUNT_EXISTS");
  const anon = await guest(t);
  await addNote(t, anon.token, "mine");
  const before = await authRows(t);
  await expectAuthError(signUp(t, EMAIL, anon.token), "ACCOUNT_EXISTS");
  await expectAuthError(signUp(t, " ADA@example.com ", anon.token), "ACCOUNT_EXISTS");
  expect(await authRows(t)).toEqual(before);
  expect(await t.query(getUser, { userId: claimsOf(anon.token).userId })).toMatchObject({ isAnonymous: true });
});

test("a taken username is refused for a guest as for anyone, writing nothing", async () => {
  const t = makeAuthTest();
  tokensOf(await signUp(t, "first@example.com", undefined, { username: "taken" }));
  const anon = await guest(t);
  const before = await authRows(t);
  await expectAuthError(signUp(t, EMAIL, anon.token, { username: "Taken" }), "USERNAME_TAKEN");
  expect(await authRows(t)).toEqual(before);
});

test("a signed-in user who is no guest and signs up gets a new user; theirs is left alone", async () => {
  const t = makeAuthTest();
  const ada = tokensOf(await signUp(t, EMAIL));
  await addNote(t, ada.token, "ada's");
  const adaUser = await t.query(getUser, { userId: claimsOf(ada.token).userId });
  const bob = tokensOf(await signUp(t, "bob@example.com", ada.token));
  expect(claimsOf(bob.token).userId).not.toBe(claimsOf(ada.token).userId);
  expect(await t.query(getUser, { userId: claimsOf(ada.token).userId })).toEqual(adaUser);
  expect(await notes(t, bob.token)).toEqual([]);
  expect((await authRows(t)).events.filter((e) => e.type === "anonymous_upgraded")).toEqual([]);
});

test("a guest token whose session ended cannot sign up as the guest (SESSION_ENDED), and nothing is written", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  await addNote(t, anon.token, "mine");
  await as(t, anon.token).action(api.auth.signOut, {});
  const before = await authRows(t);
  // The access token still verifies; its session is gone.
  await expectAuthError(signUp(t, EMAIL, anon.token), "SESSION_ENDED");
  expect(await authRows(t)).toEqual(before);
  // Straight to the component with a session id that is not the guest's: the same.
  const other = await guest(t);
  const mix = { userId: claimsOf(anon.token).userId!, sessionId: claimsOf(other.token).sessionId! };
  await expectAuthError(
    t.mutation(createUser, { email: EMAIL, account: { provider: "password", providerAccountId: EMAIL }, caller: mix }),
    "SESSION_ENDED",
  );
  expect((await authRows(t)).users.filter((u) => u.email === EMAIL)).toEqual([]);
});

test("two sign-ups of one guest at once upgrade it once", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  const { userId } = claimsOf(anon.token);
  const results = await Promise.allSettled([signUp(t, "one@example.com", anon.token), signUp(t, "two@example.com", anon.token)]);
  expect(results.every((r) => r.status === "fulfilled")).toBe(true);
  const { events, users: all } = await authRows(t);
  expect(events.filter((e) => e.type === "anonymous_upgraded")).toHaveLength(1);
  // The other found no guest any more: a user of its own, as for any signed-in caller.
  expect(all).toHaveLength(2);
  expect(all.find((u) => u._id === userId)!.email).toMatch(/^(one|two)@example\.com$/);
});

test("a guest's passkey sign-up keeps their id and notes, in a new session; the passkey signs in to them", async () => {
  const t = makeAuthTest();
  const anon = await guest(t);
  const { userId, sessionId } = claimsOf(anon.token);
  await addNote(t, anon.token, "kept");
  const key = new SoftAuthenticator(ORIGIN);
  const tokens = tokensOf(await signUpAsCaller(t, key, anon.token, { email: EMAIL, name: "Ada" }));
  expect(claimsOf(tokens.token).userId).toBe(userId);
  expect(claimsOf(tokens.token).sessionId).not.toBe(sessionId);
  const user = await t.query(getUser, { userId });
  expect(user).toMatchObject({ email: EMAIL, name: "Ada" });
  expect(user!.isAnonymous).toBeUndefined();
  const { users: all, passkeys, events } = await authRows(t);
  expect(all).toHaveLength(1);
  expect(passkeys.map((p) => p.userId)).toEqual([userId]);
  expect(events.filter((e) => e.type === "anonymous_upgraded")).toEqual([expect.objectContaining({ userId, data: { provider: "passkey" } })]);
  const later = tokensOf(await signInWithPasskey(t, key));
  expect(claimsOf(later.token).userId).toBe(userId);
  expect(await notes(t, later.token)).toEqual(["kept"]);
});

test("passkey sign-up: no merge for a signed-in user who is no guest; a taken email and an ended guest session are refused", async () => {
  const t = makeAuthTest();
  const ada = tokensOf(await signUp(t, EMAIL));
  const made = tokensOf(await signUpAsCaller(t, new SoftAuthenticator(ORIGIN), ada.token, { email: "bob@example.com" }));
  expect(claimsOf(made.token).userId).not.toBe(claimsOf(ada.token).userId);
  expect((await authRows(t)).passkeys.map((p) => p.userId)).toEqual([claimsOf(made.token).userId]);

  const anon = await guest(t);
  await expectAuthError(startSignUp(t, anon.token, { email: EMAIL }), "ACCOUNT_EXISTS");
  // The guest's session ends between the two calls: the passkey is not stored for it.
  const step = await startSignUp(t, anon.token, { email: "gus@example.com" });
  await as(t, anon.token).action(api.auth.signOut, {});
  const before = await authRows(t);
  const response = await new SoftAuthenticator(ORIGIN).create(step.options as never);
  await expectAuthError(finish(t, response, step.verifier, anon.token), "SESSION_ENDED");
  expect(await authRows(t)).toEqual(before);
  await expectAuthError(startSignUp(t, anon.token, {}), "SESSION_ENDED");
});

const startSignUp = (t: AuthTest, token: string, params: Record<string, unknown>) => start(t, { flow: "signUp", ...params }, { token });

async function signUpAsCaller(t: AuthTest, key: SoftAuthenticator, token: string, params: Record<string, unknown>) {
  const step = await startSignUp(t, token, params);
  return await finish(t, await key.create(step.options as never), step.verifier, token);
}

describe("session fixation (ASVS 3.2.1): a guest's tokens do not become the account's", () => {
  /** The guest's tokens are dead: the refresh token gets nothing, the access token fails a live check, the session ended. */
  async function expectDead(t: AuthTest, held: { token: string; refreshToken: string }) {
    expect(await refresh(t, held.refreshToken)).toEqual({ tokens: null });
    await expectAuthError(as(t, held.token).mutation(api.users.rename, { name: "Mallory was here" }), "SESSION_ENDED");
    const ended = (await t.query(probe.rows, { table: "events" })).filter(
      (e) => e.type === "session_revoked" && e.sessionId === claimsOf(held.token).sessionId,
    );
    expect(ended).toEqual([expect.objectContaining({ reason: "guest_upgraded" })]);
  }

  test("a password sign-up: the guest's refresh and access tokens (an attacker's copy) stop working; the new session works", async () => {
    const t = makeAuthTest();
    const anon = await guest(t);
    const fresh = tokensOf(await signUp(t, EMAIL, anon.token));
    await expectDead(t, anon);
    tokensOf(await refresh(t, fresh.refreshToken));
    expect((await t.query(getUser, { userId: claimsOf(fresh.token).userId! }))!.name).toBeUndefined();
  });

  test("a passkey sign-up and an email code: the same", async () => {
    const t = makeAuthTest();
    const first = await guest(t);
    tokensOf(await signUpAsCaller(t, new SoftAuthenticator(ORIGIN), first.token, { email: EMAIL }));
    await expectDead(t, first);

    const second = await guest(t);
    const code = await emailCode(t, "bob@example.com");
    tokensOf(await as(t, second.token).action(api.auth.signIn, { provider: "email", params: { email: "bob@example.com", code } }));
    await expectDead(t, second);
  });

  test("refreshes of the guest's token racing the upgrade: whatever they got is dead afterwards", async () => {
    const t = makeAuthTest();
    const anon = await guest(t);
    const [upgrade, ...raced] = await Promise.allSettled([
      signUp(t, EMAIL, anon.token),
      // Two: within the reuse window's allowance (more would be taken for theft and end the guest's session anyway).
      ...Array.from({ length: 2 }, () => refresh(t, anon.refreshToken)),
    ]);
    expect(upgrade.status, String((upgrade as PromiseRejectedResult).reason)).toBe("fulfilled");
    const upgradedSession = claimsOf(tokensOf((upgrade as PromiseFulfilledResult<unknown>).value).token).sessionId;
    for (const result of raced) {
      if (result.status !== "fulfilled") continue;
      const got = (result.value as { tokens: { token: string; refreshToken: string } | null }).tokens;
      if (got === null) continue;
      expect(claimsOf(got.token).sessionId).not.toBe(upgradedSession);
      expect(await refresh(t, got.refreshToken)).toEqual({ tokens: null });
      await expectAuthError(as(t, got.token).mutation(api.users.rename, { name: "Mallory" }), "SESSION_ENDED");
    }
    // Ended sessions are deleted: only the upgrade's is left.
    expect((await t.query(probe.rows, { table: "sessions" })).map((row) => row._id)).toEqual([upgradedSession]);
  });
});
