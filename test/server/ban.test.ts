/**
 * Bans (`auth.admin.user.ban` / `unban`): a banned user's sessions end at
 * once, and every sign-in, refresh and API key of theirs is refused with
 * `USER_BANNED` until the ban ends. Refusals write nothing.
 */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";

const PW = "correct horse battery staple";

async function signedUp(t: AuthTest, email = "ada@example.com") {
  const tokens = tokensOf(await password.signUp(t, email, PW));
  return { tokens, userId: claimsOf(tokens.token).userId! };
}
const ban = (t: AuthTest, userId: string, args: { reason: string; expirationTime?: number }) =>
  t.mutation(async (ctx) => await auth.admin.user.ban(ctx, userId, args));
const unban = (t: AuthTest, userId: string) => t.mutation(async (ctx) => await auth.admin.user.unban(ctx, userId));
const sessions = async (t: AuthTest) => (await t.query(probe.rows, { table: "sessions" })).length;
const newKey = (t: AuthTest, userId: string) =>
  t.action(async (ctx) => await auth.admin.key.create(ctx, { userId, name: "CI", scopes: [{ resource: "profile", actions: ["read"] }] }));
const verifyKey = (t: AuthTest, raw: string) =>
  t.action(async (ctx) => ({ userId: (await auth.key.verify(ctx, raw)).userId }));

describe("banning a user", () => {
  test("ends every session at once: the live check refuses, the refresh token is dead, the reason is recorded", async () => {
    const t = makeAuthTest();
    const { tokens, userId } = await signedUp(t);
    const other = tokensOf(await password.signIn(t, "ada@example.com", PW));
    await ban(t, userId, { reason: "abuse" });
    await expectAuthError(as(t, tokens.token).query(api.sessions.list, {}), "SESSION_ENDED");
    expect(await refresh(t, other.refreshToken)).toEqual({ tokens: null });
    const events = await t.query(probe.rows, { table: "events" });
    expect(events.filter((e) => e.type === "session_revoked").map((e) => e.reason)).toEqual(["banned", "banned"]);
    expect(events.find((e) => e.type === "user_banned")?.data).toEqual({ reason: "abuse" });
  });

  test("refuses every sign-in with USER_BANNED, concurrent ones too, and starts no session", async () => {
    const t = makeAuthTest();
    const { userId } = await signedUp(t);
    await ban(t, userId, { reason: "abuse" });
    expect(await sessions(t)).toBe(0);
    const attempts = await Promise.allSettled([1, 2, 3, 4].map(() => password.signIn(t, "ada@example.com", PW)));
    for (const attempt of attempts) {
      expect(attempt.status).toBe("rejected");
      expect((attempt as PromiseRejectedResult).reason.data.code).toBe("USER_BANNED");
    }
    expect(await sessions(t)).toBe(0);
  });

  test("suspends the user's API keys (USER_BANNED, 403) until unbanned; then all works again", async () => {
    const t = makeAuthTest();
    const { userId } = await signedUp(t);
    const { raw } = await newKey(t, userId);
    expect((await verifyKey(t, raw)).userId).toBe(userId);
    await ban(t, userId, { reason: "abuse" });
    await expectAuthError(verifyKey(t, raw), "USER_BANNED");
    const { apiKeyErrorResponse } = await import("../../src/server/apiKeys/http.js");
    const response = await verifyKey(t, raw).catch((error: unknown) => apiKeyErrorResponse(error));
    expect((response as Response).status).toBe(403);
    await unban(t, userId);
    expect((await verifyKey(t, raw)).userId).toBe(userId);
    tokensOf(await password.signIn(t, "ada@example.com", PW));
    expect((await t.query(probe.rows, { table: "events" })).some((e) => e.type === "user_unbanned")).toBe(true);
  });

  test("a ban with an end lapses by itself: sign-in and keys work again after it", async () => {
    useClock();
    const t = makeAuthTest();
    const { userId } = await signedUp(t);
    const { raw } = await newKey(t, userId);
    await ban(t, userId, { reason: "cool off", expirationTime: Date.now() + 60_000 });
    await expectAuthError(password.signIn(t, "ada@example.com", PW), "USER_BANNED");
    await expectAuthError(verifyKey(t, raw), "USER_BANNED");
    advance(60_001);
    tokensOf(await password.signIn(t, "ada@example.com", PW));
    expect((await verifyKey(t, raw)).userId).toBe(userId);
  });

  test("bad input is refused and writes nothing: an unknown user, a blank or long reason, an end in the past", async () => {
    const t = makeAuthTest();
    const { userId } = await signedUp(t);
    const before = JSON.stringify(await t.query(probe.rows, { table: "users" }));
    const sessionsBefore = await sessions(t);
    await expectAuthError(ban(t, "junk", { reason: "x" }), "NOT_FOUND");
    await expectAuthError(ban(t, userId, { reason: "  " }), "INVALID_ARGUMENT");
    await expectAuthError(ban(t, userId, { reason: "x".repeat(501) }), "INVALID_ARGUMENT");
    await expectAuthError(ban(t, userId, { reason: "x", expirationTime: Date.now() - 1 }), "INVALID_ARGUMENT");
    await expectAuthError(unban(t, "junk"), "NOT_FOUND");
    expect(JSON.stringify(await t.query(probe.rows, { table: "users" }))).toBe(before);
    expect(await sessions(t)).toBe(sessionsBefore);
    // The component functions are the same refusals.
    await expectAuthError(t.mutation(components.auth.users.ban, { userId: "junk", reason: "x" }), "NOT_FOUND");
  });

  test("an admin call with an ended session's token is refused", async () => {
    const t = makeAuthTest();
    const admin = await signedUp(t, "admin@example.com");
    const { userId } = await signedUp(t);
    await as(t, admin.tokens.token).action(api.auth.signOut, {});
    await expectAuthError(
      as(t, admin.tokens.token).mutation(async (ctx) => await auth.admin.user.ban(ctx, userId, { reason: "x" })),
      "SESSION_ENDED",
    );
    tokensOf(await password.signIn(t, "ada@example.com", PW));
  });

  test("from a signed-in call, only an admin (the app's isAdmin) may ban: anyone else is FORBIDDEN and nothing is written", async () => {
    const t = makeAuthTest();
    const admin = await signedUp(t, "admin@example.com");
    const mallory = await signedUp(t, "mallory@example.com");
    const { userId } = await signedUp(t);
    // The example's isAdmin: a verified email listed in ADMIN_EMAILS.
    await t.mutation(components.auth.users.update, { userId: admin.userId, patch: { emailVerificationTime: Date.now() } });
    process.env.ADMIN_EMAILS = "admin@example.com";
    try {
      const before = JSON.stringify(await t.query(probe.rows, { table: "users" }));
      await expectAuthError(
        as(t, mallory.tokens.token).mutation(async (ctx) => await auth.admin.user.ban(ctx, userId, { reason: "x" })),
        "FORBIDDEN",
      );
      await expectAuthError(
        as(t, mallory.tokens.token).query(async (ctx) => await auth.admin.passkey.list(ctx, userId)),
        "FORBIDDEN",
      );
      expect(JSON.stringify(await t.query(probe.rows, { table: "users" }))).toBe(before);
      tokensOf(await password.signIn(t, "ada@example.com", PW));
      await as(t, admin.tokens.token).mutation(async (ctx) => await auth.admin.user.ban(ctx, userId, { reason: "abuse" }));
      await expectAuthError(password.signIn(t, "ada@example.com", PW), "USER_BANNED");
    } finally {
      delete process.env.ADMIN_EMAILS;
    }
    // No admins configured: no signed-in user may.
    await expectAuthError(
      as(t, admin.tokens.token).mutation(async (ctx) => await auth.admin.user.unban(ctx, userId)),
      "FORBIDDEN",
    );
  });
});
