/**
 * Impersonation (`signIn("impersonate", { userId })` and `{ flow: "stop" }`,
 * `Auth({ admin: { isAdmin, impersonation } })`), through the example app
 * as its Admin page drives it. The attacks come first: a non-admin, a
 * signed-out caller, an admin as the target, malformed ids, concurrent
 * starts, an impersonation trying to change the user's credentials or
 * act as an admin; each refused with a coded error and nothing written.
 * Then what it is: a session as the user whose token and session carry
 * the admin, at most an hour, the user's own sessions untouched, every
 * event in it the admin's, ended at once by a stop (which gives the admin
 * their own session back), by the admin's session ending, a ban, or the
 * admin losing their role.
 */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { advance, useClock } from "../harness/clock.js";
import { useOwnIssuer } from "../harness/env.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, verifiedAsConvex, type AuthTest, type Tokens } from "../harness/auth.js";
import { start as startPasskey } from "../fixtures/passkeyFlows.js";
import { useEnvVars } from "../harness/envVars.js";

const PW = "correct horse battery staple";
const ADMIN = "admin@example.com";
const OTHER_ADMIN = "root@example.com";
const ORIGIN = "https://app.example.test";
const HOUR = 60 * 60 * 1000;

useEnvVars({ ADMIN_EMAILS: `${ADMIN},${OTHER_ADMIN}`, SITE_URL: ORIGIN }, { each: true });

/** The component's tables (src/component/schema.ts), for "nothing was written". */
const TABLES = [
  "users", "accounts", "sessions", "refreshTokens", "verificationCodes", "verifiers", "rateLimits", "passkeys",
  "totpFactors", "recoveryCodes", "apiKeys", "groups", "members", "invites", "events", "deletions",
];
async function snapshot(t: AuthTest): Promise<string> {
  const rows: Record<string, unknown> = {};
  for (const table of TABLES) rows[table] = await t.query(probe.rows, { table });
  return JSON.stringify(rows);
}
type Row = Record<string, unknown> & { _id: string };
const rows = async (t: AuthTest, table: string) => (await t.query(probe.rows, { table })) as Row[];
const eventsOf = async (t: AuthTest, type: string) => (await rows(t, "events")).filter((e) => e.type === type);

async function signedUp(t: AuthTest, email: string, name?: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW, name !== undefined ? { name } : {}));
  return { tokens, userId: claimsOf(tokens.token).userId!, sessionId: claimsOf(tokens.token).sessionId! };
}

/** An admin (a verified email in ADMIN_EMAILS), signed in. */
async function adminOf(t: AuthTest, email = ADMIN) {
  const admin = await signedUp(t, email, "The Admin");
  await t.mutation(components.auth.users.update, { userId: admin.userId, patch: { emailVerificationTime: Date.now() } });
  return admin;
}

/** `signIn("impersonate", params)` as the client sends it: with the access token, and the refresh token in `params`. */
const signInImpersonate = (t: AuthTest, token: string, params: Record<string, unknown>) =>
  as(t, token).action(api.auth.signIn, { provider: "impersonate", params });
/** What `useAuthActions().impersonate(userId)` sends for the holder of `tokens`. */
const impersonate = (t: AuthTest, tokens: Tokens, params: Record<string, unknown>) =>
  signInImpersonate(t, tokens.token, { refreshToken: tokens.refreshToken, ...params });
/** What `useAuthActions().stopImpersonating()` sends. */
const stop = (t: AuthTest, tokens: Tokens) => impersonate(t, tokens, { flow: "stop" });
const liveState = async (t: AuthTest, token: string) => await as(t, token).query(api.auth.sessionState, {});

/** An admin, a user, and the admin impersonating the user. */
async function impersonating(t: AuthTest) {
  const admin = await adminOf(t);
  const zed = await signedUp(t, "zed@example.com", "Zed");
  const tokens = tokensOf(await impersonate(t, admin.tokens, { userId: zed.userId }));
  return { admin, zed, tokens, sessionId: claimsOf(tokens.token).sessionId! };
}

describe("attacks: refused with a coded error, nothing written", () => {
  test("a non-admin, a signed-out caller, an admin as the target, an ended admin session", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const root = await adminOf(t, OTHER_ADMIN);
    const bob = await signedUp(t, "bob@example.com");
    const zed = await signedUp(t, "zed@example.com");
    const before = await snapshot(t);
    // Bob is no admin: FORBIDDEN, whoever the target (so no probing who exists either).
    await expectAuthError(impersonate(t, bob.tokens, { userId: zed.userId }), "FORBIDDEN");
    await expectAuthError(impersonate(t, bob.tokens, { userId: "junk" }), "FORBIDDEN");
    await expectAuthError(impersonate(t, bob.tokens, { userId: admin.userId }), "FORBIDDEN");
    // Signed out.
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "impersonate", params: { userId: zed.userId, refreshToken: admin.tokens.refreshToken } }),
      "NOT_SIGNED_IN",
    );
    // An admin is never impersonated, not even by another admin, nor themself.
    await expectAuthError(impersonate(t, admin.tokens, { userId: root.userId }), "FORBIDDEN");
    await expectAuthError(impersonate(t, admin.tokens, { userId: admin.userId }), "FORBIDDEN");
    expect(await snapshot(t)).toBe(before);
    // An admin session that ended: its still-valid token starts nothing.
    await as(t, root.tokens.token).action(api.auth.signOut, {});
    const ended = await snapshot(t);
    await expectAuthError(impersonate(t, root.tokens, { userId: zed.userId }), "SESSION_ENDED");
    expect(await snapshot(t)).toBe(ended);
  });

  test("malformed ids and arguments", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com");
    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: "junk" }, "NOT_FOUND"],
      [{ userId: zed.sessionId }, "NOT_FOUND"], // an id of another table
      [{ userId: `${zed.userId}x` }, "NOT_FOUND"],
      [{}, "INVALID_ARGUMENT"],
      [{ userId: "" }, "INVALID_ARGUMENT"],
      [{ userId: 5 }, "INVALID_ARGUMENT"],
      [{ userId: [zed.userId] }, "INVALID_ARGUMENT"],
      [{ userId: "x".repeat(100_000) }, "INVALID_ARGUMENT"],
      [{ flow: "bogus", userId: zed.userId }, "INVALID_ARGUMENT"],
      [{ userId: zed.userId, refreshToken: "junk" }, "INVALID_ARGUMENT"],
      [{ userId: zed.userId, refreshToken: 5 }, "INVALID_ARGUMENT"],
      [{ userId: zed.userId, refreshToken: "x".repeat(100_000) }, "INVALID_ARGUMENT"],
      [{ flow: "stop" }, "SESSION_ENDED"], // the admin's refresh token is no impersonation's
    ];
    for (const [params, code] of cases) await expectAuthError(impersonate(t, admin.tokens, params), code as never);
    expect(await snapshot(t)).toBe(before);
  });

  test("a stolen access token starts nothing, and an impersonation's access token is no way back to the admin's session", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com");
    const before = await snapshot(t);
    // The thief has the admin's access token, not the refresh token only the admin's client holds.
    await expectAuthError(signInImpersonate(t, admin.tokens.token, { userId: zed.userId }), "INVALID_ARGUMENT");
    const guessed = "A".repeat(43);
    await expectAuthError(signInImpersonate(t, admin.tokens.token, { userId: zed.userId, refreshToken: guessed }), "INVALID_ARGUMENT");
    // Another session's refresh token (the victim's own, say) proves nothing about the admin's session.
    await expectAuthError(
      signInImpersonate(t, admin.tokens.token, { userId: zed.userId, refreshToken: zed.tokens.refreshToken }),
      "INVALID_ARGUMENT",
    );
    expect(await snapshot(t)).toBe(before);
    // The same holds for a stop: an impersonation's access token alone does not bring the admin's session.
    const tokens = tokensOf(await impersonate(t, admin.tokens, { userId: zed.userId }));
    const started = await snapshot(t);
    await expectAuthError(signInImpersonate(t, tokens.token, { flow: "stop" }), "INVALID_ARGUMENT");
    await expectAuthError(signInImpersonate(t, tokens.token, { flow: "stop", refreshToken: guessed }), "SESSION_ENDED");
    await expectAuthError(t.action(api.auth.signIn, { provider: "impersonate", params: { flow: "stop", refreshToken: zed.tokens.refreshToken } }), "SESSION_ENDED");
    expect(await snapshot(t)).toBe(started);
  });

  test("the admin's refresh token is parked meanwhile: its use is theft, ending the admin's session and the impersonation", async () => {
    const t = makeAuthTest();
    const { admin, tokens, sessionId } = await impersonating(t);
    expect(await refresh(t, admin.tokens.refreshToken)).toEqual({ tokens: null });
    expect(await t.query(components.auth.sessions.get, { sessionId: admin.sessionId })).toBeNull();
    expect((await eventsOf(t, "session_revoked")).filter((e) => e.sessionId === admin.sessionId)).toMatchObject([{ reason: "refresh_reuse" }]);
    expect(await liveState(t, tokens.token)).toEqual({ sessionId, live: false });
    await expectAuthError(stop(t, tokens), "SESSION_ENDED");
  });

  test("an admin session older than the re-authentication window starts nothing; the password again lets it", async () => {
    useClock();
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com", "Zed");
    advance(10 * 60 * 1000 + 60_000);
    const before = await snapshot(t);
    await expectAuthError(impersonate(t, admin.tokens, { userId: zed.userId }), "STEP_UP_REQUIRED");
    expect(await snapshot(t)).toBe(before);
    const again = tokensOf(
      await as(t, admin.tokens.token).action(api.auth.signIn, { provider: "password", params: { flow: "reauthenticate", password: PW } }),
    );
    const tokens = tokensOf(await impersonate(t, again, { userId: zed.userId }));
    expect(claimsOf(tokens.token).userId).toBe(zed.userId);
  });

  test("a banned user is not impersonated", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com");
    await as(t, admin.tokens.token).mutation(api.admin.ban, { userId: zed.userId, reason: "spam" });
    const before = await snapshot(t);
    await expectAuthError(impersonate(t, admin.tokens, { userId: zed.userId }), "USER_BANNED");
    expect(await snapshot(t)).toBe(before);
  });

  test("Promise.all of 10 starts from one admin session: one impersonation, the rest IMPERSONATING", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com");
    const amy = await signedUp(t, "amy@example.com");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => impersonate(t, admin.tokens, { userId: i % 2 === 0 ? zed.userId : amy.userId })),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as { data?: { code?: string } }).data?.code).toBe("IMPERSONATING");
    }
    const impersonations = (await rows(t, "sessions")).filter((s) => s.impersonatorUserId !== undefined);
    expect(impersonations).toHaveLength(1);
    expect(await eventsOf(t, "impersonation_started")).toHaveLength(1);
    // Stopped, the admin may start another.
    const back = tokensOf(await stop(t, tokensOf(won[0]!.value)));
    tokensOf(await impersonate(t, back, { userId: amy.userId }));
  });

  test("while impersonating: no admin helper, no second impersonation, none of the user's credentials, sessions or sign-in names", async () => {
    const t = makeAuthTest();
    const { admin, zed, tokens } = await impersonating(t);
    const asZed = as(t, tokens.token);
    const before = await snapshot(t);
    const refused: [string, () => Promise<unknown>][] = [
      ["admin list", () => asZed.query(api.admin.listUsers, { paginationOpts: { numItems: 10, cursor: null } })],
      ["admin ban", () => asZed.mutation(api.admin.ban, { userId: admin.userId, reason: "x" })],
      ["audit feed", () => asZed.query(api.admin.recentEvents, {})],
      ["another impersonation", () => impersonate(t, tokens, { userId: zed.userId })],
      ["password change", () => asZed.action(api.users.changePassword, { currentPassword: PW, newPassword: "another long passphrase" })],
      ["passkey", () => startPasskey(t, { flow: "register" }, { token: tokens.token })],
      ["authenticator", () => asZed.action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } })],
      // A sign-in that would link to the signed-in user (an email code, an OAuth or magic-link return).
      ["linking an email", () => asZed.action(api.auth.signIn, { provider: "email", params: { email: "new@example.com", code: "12345678" } })],
      ["linking a redirect", () => asZed.action(api.auth.signIn, { params: { code: "A".repeat(43) } })],
      ["API key", () => asZed.mutation(api.apiKeys.create, { name: "mine now", scopes: [{ resource: "profile", actions: ["read"] }] })],
      ["delete the account", () => asZed.mutation(api.users.deleteMe, {})],
      ["sign out the user's devices", () => asZed.mutation(api.sessions.revokeOthers, {})],
      ["revoke the user's device", () => asZed.mutation(api.sessions.revoke, { sessionId: zed.sessionId })],
      ["username", () => asZed.mutation(api.users.setUsername, { username: "taken-over" })],
      ["email", () => asZed.mutation(async (ctx) => await auth.user.update(ctx, { email: "attacker@example.com" }))],
      ["step-up", () => asZed.query(async (ctx) => await auth.stepUp.require(ctx))],
    ];
    for (const [what, run] of refused) {
      const error = await run().then(() => null, (e: unknown) => e);
      expect((error as { data?: { code?: string } } | null)?.data?.code, what).toBe("IMPERSONATING");
    }
    expect(await snapshot(t)).toBe(before);
    // Nor through the component: a new factor would continue or replace the impersonation's session.
    const outcome = await t.mutation(components.auth.sessions.issue, {
      userId: zed.userId,
      refreshTokenHash: "x".repeat(43),
      policy: { totalDurationMs: HOUR, inactiveDurationMs: HOUR, maxSessionsPerUser: 50 },
      proof: { kind: "continue", provider: "passkey", sessionId: claimsOf(tokens.token).sessionId! },
    });
    expect(outcome).toEqual({ status: "refused", reason: "impersonating" });
    // Nor a passkey ceremony bound to the impersonation's session.
    await expectAuthError(
      t.mutation(components.auth.passkeyCeremonies.beginRegistration, {
        ceremony: { verifierHash: "v".repeat(43), challenge: "c".repeat(43), expirationTime: Date.now() + 60_000 },
        provider: "passkey",
        target: { flow: "register", userId: zed.userId, sessionId: claimsOf(tokens.token).sessionId! },
        newUserHandle: "h".repeat(43),
      }),
      "IMPERSONATING",
    );
    expect(await snapshot(t)).toBe(before);
  });

  test("the component refuses a bad duration, the admin as target, an impersonation starting one", async () => {
    const t = makeAuthTest();
    const { admin, zed, sessionId } = await impersonating(t);
    const amy = await signedUp(t, "amy@example.com");
    const before = await snapshot(t);
    const issue = (userId: string, adminSessionId: string, durationMs: number) =>
      t.mutation(components.auth.sessions.issue, {
        userId,
        refreshTokenHash: "y".repeat(43),
        policy: { totalDurationMs: 30 * 24 * HOUR, inactiveDurationMs: 14 * 24 * HOUR, maxSessionsPerUser: 50 },
        proof: { kind: "impersonate", adminSessionId, tokenHash: "z".repeat(43), durationMs },
      });
    for (const durationMs of [0, 999, HOUR + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectAuthError(issue(amy.userId, admin.sessionId, durationMs), "INVALID_ARGUMENT");
    }
    await expectAuthError(issue(admin.userId, admin.sessionId, HOUR), "INVALID_ARGUMENT");
    expect(await issue(amy.userId, sessionId, HOUR)).toEqual({ status: "refused", reason: "impersonating" });
    expect(await issue(amy.userId, "junk", HOUR)).toEqual({ status: "refused", reason: "session_ended" });
    expect(await issue(amy.userId, admin.sessionId, HOUR)).toEqual({ status: "refused", reason: "impersonating" });
    // A fresh admin session, holding none, with a refresh token that is not its own.
    const fresh = tokensOf(await password.signIn(t, ADMIN, PW));
    const signedIn = await snapshot(t);
    expect(await issue(amy.userId, claimsOf(fresh.token).sessionId!, HOUR)).toEqual({ status: "refused", reason: "invalid" });
    expect(await snapshot(t)).toBe(signedIn);
    await expectAuthError(
      t.mutation(components.auth.sessions.issue, {
        userId: zed.userId,
        refreshTokenHash: "y".repeat(43),
        policy: { totalDurationMs: HOUR, inactiveDurationMs: HOUR, maxSessionsPerUser: 50 },
        proof: { kind: "endImpersonation", tokenHash: "z".repeat(43), reuseWindowMs: 10_000 },
      }),
      "INVALID_ARGUMENT",
    );
    expect(await snapshot(t)).toBe(signedIn);
    void before;
  });
});

describe("an impersonation", () => {
  test("is a session as the user: the token names the admin as its actor, the session carries them, and it verifies", async () => {
    useClock();
    const t = makeAuthTest();
    const started = Date.now();
    const { admin, zed, tokens, sessionId } = await impersonating(t);
    const claims = claimsOf(tokens.token);
    expect(claims.userId).toBe(zed.userId);
    expect(sessionId).not.toBe(zed.sessionId);
    expect((claims as { act?: unknown }).act).toEqual({ sub: admin.userId });
    const verified = await verifiedAsConvex(t, tokens.token);
    expect(verified.act).toEqual({ sub: admin.userId });
    // Functions see the user; the live helpers know who is acting.
    const asZed = as(t, tokens.token);
    expect(await asZed.query(api.users.viewer, {})).toMatchObject({ id: zed.userId, email: "zed@example.com" });
    expect(await asZed.query(async (ctx) => await auth.session.require(ctx))).toEqual({
      userId: zed.userId,
      sessionId,
      impersonatorUserId: admin.userId,
    });
    const [session] = (await rows(t, "sessions")).filter((s) => s._id === sessionId);
    // An hour from the transaction that started it (convex-test's clock may be a few ms past `Date.now()`).
    const ends = session!.expirationTime as number;
    expect(ends - started).toBeGreaterThanOrEqual(HOUR);
    expect(ends - started).toBeLessThan(HOUR + 50);
    expect(await asZed.query(api.sessions.impersonation, {})).toEqual({ user: "zed@example.com", admin: ADMIN, expiresAt: ends });
    expect(await as(t, zed.tokens.token).query(api.sessions.impersonation, {})).toBeNull();
    expect(await liveState(t, tokens.token)).toEqual({ sessionId, live: true });
    // No access token outlives the hour, nor the access-token lifetime.
    expect(claims.exp! * 1000).toBeLessThanOrEqual(ends);
    expect(session).toMatchObject({ userId: zed.userId, impersonatorUserId: admin.userId, impersonatorSessionId: admin.sessionId });
    // Recorded: about the user, done by the admin. No `sign_in` of the user's.
    expect(await eventsOf(t, "impersonation_started")).toMatchObject([
      { userId: zed.userId, actorUserId: admin.userId, sessionId, data: { expirationTime: ends } },
    ]);
    expect((await eventsOf(t, "sign_in")).filter((e) => e.sessionId === sessionId)).toEqual([]);
    // The admin sees it in the user's detail.
    const detail = await as(t, admin.tokens.token).query(api.admin.userDetail, { userId: zed.userId });
    expect(detail.sessions.find((s) => s._id === sessionId)).toMatchObject({ impersonatorUserId: admin.userId });
  });

  test("leaves the user's own sessions untouched, even at the per-user cap", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const zed = await signedUp(t, "zed@example.com");
    // Zed holds 50 sessions, the cap: a sign-in of theirs would evict the oldest.
    await t.mutation(probe.seedSessions, { userId: zed.userId, count: 49, tokensEach: 1, from: 100 });
    const zedRows = async () => {
      const sessions = (await rows(t, "sessions")).filter((s) => s.userId === zed.userId && s.impersonatorUserId === undefined);
      const tokens = (await rows(t, "refreshTokens")).filter((r) => r.userId === zed.userId);
      return JSON.stringify({ sessions, tokens: tokens.filter((r) => sessions.some((s) => s._id === r.sessionId)) });
    };
    const before = await zedRows();
    expect(JSON.parse(before).sessions).toHaveLength(50);
    const tokens = tokensOf(await impersonate(t, admin.tokens, { userId: zed.userId }));
    const refreshed = tokensOf((await refresh(t, tokens.refreshToken)));
    expect(await zedRows()).toBe(before);
    expect((await eventsOf(t, "session_revoked")).filter((e) => e.userId === zed.userId)).toEqual([]);
    await as(t, refreshed.token).mutation(api.users.rename, { name: "Renamed by support" });
    tokensOf(await stop(t, refreshed));
    expect(await zedRows()).toBe(before);
    // Zed's own device still works.
    expect(await as(t, zed.tokens.token).query(api.auth.sessionState, {})).toEqual({ sessionId: zed.sessionId, live: true });
  });

  test("every event in it carries the admin as actor", async () => {
    const t = makeAuthTest();
    const { admin, zed, tokens, sessionId } = await impersonating(t);
    const asZed = as(t, tokens.token);
    await asZed.mutation(api.users.rename, { name: "Zed (fixed by support)" });
    const groupId = await asZed.mutation(api.groups.create, { name: "Support test" });
    await asZed.mutation(api.groups.remove, { groupId });
    await asZed.action(api.auth.signOut, {});
    // Everything after the start (the admin's own set-up wrote a `user_updated` of theirs).
    const since = (await eventsOf(t, "impersonation_started"))[0]!._creationTime as number;
    const byType = async (type: string) =>
      (await eventsOf(t, type)).filter((e) => (e._creationTime as number) >= since).map((e) => ({ userId: e.userId ?? null, actorUserId: e.actorUserId ?? null }));
    expect(await byType("user_updated")).toEqual([{ userId: zed.userId, actorUserId: admin.userId }]);
    expect(await byType("group_created")).toEqual([{ userId: zed.userId, actorUserId: admin.userId }]);
    expect(await byType("group_deleted")).toEqual([{ userId: null, actorUserId: admin.userId }]);
    const signedOut = (await eventsOf(t, "session_revoked")).filter((e) => e.sessionId === sessionId);
    expect(signedOut).toMatchObject([{ userId: zed.userId, actorUserId: admin.userId, reason: "logout" }]);
    // What the admin did is found by actor.
    const done = await as(t, admin.tokens.token).query(
      async (ctx) => await auth.admin.audit.list(ctx, { actorUserId: admin.userId, paginationOpts: { numItems: 20, cursor: null } }),
    );
    expect(done.page.map((e) => e.type)).toEqual(["session_revoked", "group_deleted", "group_created", "user_updated", "impersonation_started"]);
  });

  test("stop ends it at once and hands the admin their own session back", async () => {
    const t = makeAuthTest();
    const { admin, zed, tokens, sessionId } = await impersonating(t);
    const back = tokensOf(await stop(t, tokens));
    const claims = claimsOf(back.token);
    expect([claims.userId, claims.sessionId]).toEqual([admin.userId, admin.sessionId]);
    expect((claims as { act?: unknown }).act).toBeUndefined();
    // The admin is an admin again; the impersonation's tokens work no more for anything live.
    expect((await as(t, back.token).query(api.admin.listUsers, { paginationOpts: { numItems: 10, cursor: null } })).page.length).toBe(2);
    expect(await liveState(t, tokens.token)).toEqual({ sessionId, live: false });
    await expectAuthError(as(t, tokens.token).query(async (ctx) => await auth.session.require(ctx)), "SESSION_ENDED");
    expect(await refresh(t, tokens.refreshToken)).toEqual({ tokens: null });
    await expectAuthError(stop(t, tokens), "SESSION_ENDED");
    // The admin's refresh token from the stop works.
    tokensOf(await refresh(t, back.refreshToken));
    expect(await eventsOf(t, "impersonation_ended")).toMatchObject([{ userId: zed.userId, actorUserId: admin.userId, sessionId }]);
    expect((await eventsOf(t, "session_revoked")).filter((e) => e.sessionId === sessionId)).toMatchObject([
      { userId: zed.userId, actorUserId: admin.userId, reason: "impersonation_ended" },
    ]);
    // The feed lists them, newest first.
    const feed = await as(t, back.token).query(api.admin.recentEvents, { limit: 3 });
    expect(feed.map((e) => [e.type, e.user, e.actor])).toEqual([
      ["session_revoked", "zed@example.com", ADMIN],
      ["impersonation_ended", "zed@example.com", ADMIN],
      ["impersonation_started", "zed@example.com", ADMIN],
    ]);
  });

  test("a stop racing a refresh of the impersonation works (the reuse window); a token from before that does not", async () => {
    const t = makeAuthTest();
    const { admin, tokens } = await impersonating(t);
    const refreshed = tokensOf(await refresh(t, tokens.refreshToken));
    // The client stopped with the token it held as the refresh went out.
    const back = tokensOf(await stop(t, tokens));
    expect(claimsOf(back.token).sessionId).toBe(admin.sessionId);
    await expectAuthError(stop(t, refreshed), "SESSION_ENDED");
  });

  test("ends with the hour: no refresh beyond it, and no token outlives it", async () => {
    useClock();
    const t = makeAuthTest();
    const started = Date.now();
    const { tokens, sessionId } = await impersonating(t);
    advance(50 * 60 * 1000);
    const late = tokensOf(await refresh(t, tokens.refreshToken));
    // 10 minutes left: the 15-minute access token is cut to them.
    expect(claimsOf(late.token).exp! * 1000).toBeLessThanOrEqual(started + HOUR);
    expect((claimsOf(late.token) as { act?: unknown }).act).toBeDefined();
    advance(10 * 60 * 1000 + 1);
    expect(await refresh(t, late.refreshToken)).toEqual({ tokens: null });
    expect(await liveState(t, late.token)).toEqual({ sessionId, live: false });
    await expectAuthError(stop(t, late), "SESSION_ENDED");
  });

  test("ends when the admin's own session ends, when the user is banned, or when the admin is no longer one", async () => {
    const t = makeAuthTest();
    // The admin's session ends (signed out everywhere by another admin): the impersonation with it.
    const first = await impersonating(t);
    await t.mutation(components.auth.sessions.revoke, { sessionId: first.admin.sessionId, reason: "admin_revoke" });
    expect(await liveState(t, first.tokens.token)).toEqual({ sessionId: first.sessionId, live: false });
    await expectAuthError(as(t, first.tokens.token).mutation(api.users.rename, { name: "x" }), "SESSION_ENDED");
    expect(await refresh(t, first.tokens.refreshToken)).toEqual({ tokens: null });
    await expectAuthError(stop(t, first.tokens), "SESSION_ENDED");

    // The user is banned: every session of theirs ends, the impersonation too.
    const admin = await signedUp(t, ADMIN.replace("admin", "admin2"));
    process.env.ADMIN_EMAILS += `,${ADMIN.replace("admin", "admin2")}`;
    await t.mutation(components.auth.users.update, { userId: admin.userId, patch: { emailVerificationTime: Date.now() } });
    const amy = await signedUp(t, "amy@example.com");
    const second = tokensOf(await impersonate(t, admin.tokens, { userId: amy.userId }));
    await as(t, admin.tokens.token).mutation(api.admin.ban, { userId: amy.userId, reason: "spam" });
    expect((await liveState(t, second.token))?.live).toBe(false);
    await as(t, admin.tokens.token).mutation(api.admin.unban, { userId: amy.userId });

    // The admin loses the role: the next refresh ends the impersonation. (The ban ended the
    // impersonation, not the stop: the admin's parked session needs a new sign-in.)
    const again = tokensOf(await password.signIn(t, ADMIN.replace("admin", "admin2"), PW));
    const third = tokensOf(await impersonate(t, again, { userId: amy.userId }));
    process.env.ADMIN_EMAILS = ADMIN;
    expect(await refresh(t, third.refreshToken)).toEqual({ tokens: null });
    expect((await liveState(t, third.token))?.live).toBe(false);
    const ended = (await eventsOf(t, "session_revoked")).filter((e) => e.sessionId === claimsOf(third.token).sessionId);
    expect(ended).toMatchObject([{ reason: "impersonation_ended" }]);
  });

  test("the feed: every event, newest first, for admins only; all with a selector is INVALID_ARGUMENT", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const bob = await signedUp(t, "bob@example.com");
    const feed = await as(t, admin.tokens.token).query(api.admin.recentEvents, { limit: 50 });
    expect(feed.map((e) => [e.type, e.user])).toEqual([
      ["sign_in", "bob@example.com"],
      ["sign_up", "bob@example.com"],
      ["user_updated", ADMIN],
      ["sign_in", ADMIN],
      ["sign_up", ADMIN],
    ]);
    await expectAuthError(as(t, bob.tokens.token).query(api.admin.recentEvents, {}), "FORBIDDEN");
    const page = { numItems: 5, cursor: null };
    for (const bad of [{ all: true, type: "sign_in" }, { all: true, userId: bob.userId }, { all: "yes" }, { all: false }]) {
      await expectAuthError(t.query(async (ctx) => await auth.admin.audit.list(ctx, { paginationOpts: page, ...bad } as never)), "INVALID_ARGUMENT");
    }
    const since = (await rows(t, "events")).at(-1)!._creationTime as number;
    expect((await t.query(components.auth.events.list, { all: true, since, paginationOpts: page })).page.map((e) => e.type)).toEqual(["sign_in"]);
  });
});

describe("with the app's own signing key", () => {
  useOwnIssuer();

  test("the RS256 token carries act and ends with the impersonation; stop gives the admin's session back", async () => {
    useClock();
    const t = makeAuthTest();
    const started = Date.now();
    const { admin, tokens } = await impersonating(t);
    const verified = await verifiedAsConvex(t, tokens.token);
    expect(verified.act).toEqual({ sub: admin.userId });
    advance(55 * 60 * 1000);
    const late: Tokens = tokensOf(await refresh(t, tokens.refreshToken));
    expect(claimsOf(late.token).exp! * 1000).toBeLessThanOrEqual(started + HOUR);
    const back = tokensOf(await stop(t, late));
    expect(claimsOf(back.token).sessionId).toBe(admin.sessionId);
    expect((await verifiedAsConvex(t, back.token)).act).toBeUndefined();
  });
});

