/** The Anonymous provider and upgrading a guest by signing in with another provider. */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, claimsOf, makeAuthTest, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";

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
