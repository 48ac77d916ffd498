/** Sessions: refresh rotation and reuse detection, expiry, the per-user cap, sign-out and the helpers. */
import { describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { DEFAULT_OPTIONS } from "../../src/server/config.js";
import { advance, advanceFrom, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh as refreshMutation, refreshViaSignIn, tokensOf } from "../harness/auth.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const DAY = 24 * 60 * 60 * 1000;



async function revocations(t: ReturnType<typeof makeAuthTest>) {
  const events = await t.query(probe.rows, { table: "events" });
  return events.filter((e) => e.type === "session_revoked").map((e) => e.reason);
}

// The same rules whichever way the client refreshes: the public `refresh`
// mutation (one transaction) or `signIn({ refreshToken })` (an action).
describe.each([
  ["the refresh mutation", refreshMutation],
  ["signIn({ refreshToken })", refreshViaSignIn],
])("refresh through %s", (_, refresh) => {
  test("exchanges a refresh token for new tokens of the same session, and rotates it", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const second = tokensOf(await refresh(t, first.refreshToken));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(claimsOf(second.token).sessionId).toBe(claimsOf(first.token).sessionId);
    tokensOf(await refresh(t, second.refreshToken));
  });

  test("two refreshes with one token inside the window both succeed (two tabs racing); one chain lives on", async () => {
    useClock();
    const t = makeAuthTest();
    const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
    const [a, b] = await Promise.all([refresh(t, refreshToken), refresh(t, refreshToken)]);
    const tabA = tokensOf(a);
    const tabB = tokensOf(b);
    advance(9_000);
    const third = tokensOf(await refresh(t, refreshToken));
    // The first successor used wins: its chain goes on, its siblings are void.
    const next = tokensOf(await refresh(t, tabA.refreshToken));
    tokensOf(await refresh(t, next.refreshToken));
    // A sibling used later is a second chain: the session ends (tabs share storage, so a real tab adopts the winner).
    expect(await refresh(t, tabB.refreshToken)).toEqual({ tokens: null });
    expect(await refresh(t, third.refreshToken)).toEqual({ tokens: null });
    expect(await revocations(t)).toEqual(["refresh_reuse"]);
  });

  test("a reuse after the window, once a successor was used, revokes the session; every token of it then fails", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const second = tokensOf(await refresh(t, first.refreshToken));
    tokensOf(await refresh(t, first.refreshToken));
    // The client got `second` and moved on: the old token is now only a thief's.
    const third = tokensOf(await refresh(t, second.refreshToken));
    await advanceFrom(t, DEFAULT_OPTIONS.refreshReuseWindowMs + 1);
    expect(await refresh(t, first.refreshToken)).toEqual({ tokens: null });
    expect(await refresh(t, third.refreshToken)).toEqual({ tokens: null });
    // Its access token is still unexpired, but the live check refuses it.
    await expectAuthError(as(t, third.token).query(api.sessions.list, {}), "SESSION_ENDED");
    expect(await revocations(t)).toEqual(["refresh_reuse"]);
  });

  test("a lost response: a retry after the window with the old token re-rotates; the unused successor dies, one chain lives", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    // The server rotates, the response never arrives: the client still holds `first`.
    const lost = tokensOf(await refresh(t, first.refreshToken));
    advance(DEFAULT_OPTIONS.refreshReuseWindowMs + 20_000);
    const retried = tokensOf(await refresh(t, first.refreshToken));
    expect(claimsOf(retried.token).sessionId).toBe(claimsOf(first.token).sessionId);
    expect(await revocations(t)).toEqual([]);
    const next = tokensOf(await refresh(t, retried.refreshToken));
    tokensOf(await refresh(t, next.refreshToken));
    // Whoever holds the lost successor cannot use it: using it now is a second chain, so the session ends.
    expect(await refresh(t, lost.refreshToken)).toEqual({ tokens: null });
    expect(await revocations(t)).toEqual(["refresh_reuse"]);
  });

  test("a thief replaying a token after its successor was used ends the session, even under Promise.all", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const second = tokensOf(await refresh(t, first.refreshToken));
    tokensOf(await refresh(t, second.refreshToken));
    await advanceFrom(t, DEFAULT_OPTIONS.refreshReuseWindowMs + 1);
    const replays = await Promise.all([1, 2, 3, 4].map(() => refresh(t, first.refreshToken)));
    expect(replays).toEqual([{ tokens: null }, { tokens: null }, { tokens: null }, { tokens: null }]);
    expect(await revocations(t)).toEqual(["refresh_reuse"]);
  });

  test("lost responses re-rotate at most up to the token's exchange limit", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    for (let i = 0; i < 3; i++) {
      tokensOf(await refresh(t, first.refreshToken));
      advance(DEFAULT_OPTIONS.refreshReuseWindowMs + 1);
    }
    expect(await refresh(t, first.refreshToken)).toEqual({ tokens: null });
    expect(await revocations(t)).toEqual(["refresh_reuse"]);
  });

  test("unknown, malformed and signed-out refresh tokens give { tokens: null }", async () => {
    const t = makeAuthTest();
    const mine = tokensOf(await password.signUp(t, EMAIL, PW));
    expect(await refresh(t, "x".repeat(43))).toEqual({ tokens: null });
    expect(await refresh(t, "not a token")).toEqual({ tokens: null });
    await as(t, mine.token).action(api.auth.signOut, {});
    expect(await refresh(t, mine.refreshToken)).toEqual({ tokens: null });
  });

  test("refresh tokens are stored only as hashes", async () => {
    const t = makeAuthTest();
    const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
    const rows = JSON.stringify(await t.query(probe.rows, { table: "refreshTokens" }));
    expect(rows).not.toContain(refreshToken);
  });

  test("a refresh token is 256 random bits, new at every sign-in and every refresh", async () => {
    const t = makeAuthTest();
    const signedUp = tokensOf(await password.signUp(t, EMAIL, PW));
    const signedIn = tokensOf(await password.signIn(t, EMAIL, PW));
    const refreshed = tokensOf(await refresh(t, signedIn.refreshToken));
    const all = [signedUp, signedIn, refreshed].map((tokens) => tokens.refreshToken);
    for (const token of all) {
      // 43 base64url characters without padding: 32 bytes from the CSPRNG.
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(atob(token.replace(/-/g, "+").replace(/_/g, "/") + "=")).toHaveLength(32);
    }
    expect(new Set(all).size).toBe(3);
  });
});

describe("expiry", () => {
  test("a session not refreshed for the inactivity timeout (14 days) ends", async () => {
    useClock();
    const t = makeAuthTest();
    const a = tokensOf(await password.signUp(t, EMAIL, PW));
    const b = tokensOf(await password.signIn(t, EMAIL, PW));
    advance(DEFAULT_OPTIONS.session.inactiveDurationMs - 60_000);
    const b2 = tokensOf(await refreshMutation(t, b.refreshToken));
    advance(120_000);
    expect(await refreshMutation(t, a.refreshToken)).toEqual({ tokens: null });
    const listed = await as(t, b2.token).query(api.sessions.list, {});
    expect(listed.map((s) => s.id)).toEqual([claimsOf(b.token).sessionId]);
  });

  test("an active session still ends at its 30-day absolute lifetime", async () => {
    useClock();
    const t = makeAuthTest();
    let tokens = tokensOf(await password.signUp(t, EMAIL, PW));
    for (let day = 10; day < 30; day += 10) {
      advance(10 * DAY);
      tokens = tokensOf(await refreshMutation(t, tokens.refreshToken));
    }
    advance(10 * DAY + 1000);
    expect(await refreshMutation(t, tokens.refreshToken)).toEqual({ tokens: null });
  });
});

describe("per-user session cap", () => {
  test("the 51st session evicts the oldest, recorded as evicted", async () => {
    const t = makeAuthTest();
    const oldest = tokensOf(await password.signUp(t, EMAIL, PW));
    const userId = claimsOf(oldest.token).userId;
    // 49 more sessions straight through the component (hashing 49 passwords is slow).
    for (let i = 0; i < 49; i++) {
      await t.mutation(components.auth.sessions.issue, {
        userId,
        refreshTokenHash: `h${i}`,
        policy: DEFAULT_OPTIONS.session,
        proof: { kind: "firstFactor", provider: "test" },
      });
    }
    tokensOf(await refreshMutation(t, oldest.refreshToken));
    const newest = tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await refreshMutation(t, oldest.refreshToken)).toEqual({ tokens: null });
    expect(await as(t, newest.token).query(api.sessions.list, {})).toHaveLength(50);
    expect(await revocations(t)).toEqual(["evicted"]);
  });
});

describe("sign-out and the session helpers", () => {
  test("signOut ends the caller's session only and records logout", async () => {
    const t = makeAuthTest();
    const a = tokensOf(await password.signUp(t, EMAIL, PW));
    const b = tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await as(t, a.token).action(api.auth.signOut, {})).toBeNull();
    expect(await refreshMutation(t, a.refreshToken)).toEqual({ tokens: null });
    tokensOf(await refreshMutation(t, b.refreshToken));
    expect(await revocations(t)).toEqual(["logout"]);
    // Signing out twice, or while signed out, is harmless.
    expect(await as(t, a.token).action(api.auth.signOut, {})).toBeNull();
    expect(await t.action(api.auth.signOut, {})).toBeNull();
  });

  test("revoke ends one of my sessions; someone else's is NOT_FOUND", async () => {
    const t = makeAuthTest();
    const a = tokensOf(await password.signUp(t, EMAIL, PW));
    const b = tokensOf(await password.signIn(t, EMAIL, PW));
    const eve = tokensOf(await password.signUp(t, "eve@example.com", PW));
    await expectAuthError(
      as(t, eve.token).mutation(api.sessions.revoke, { sessionId: claimsOf(a.token).sessionId }),
      "NOT_FOUND",
    );
    await as(t, b.token).mutation(api.sessions.revoke, { sessionId: claimsOf(a.token).sessionId });
    expect(await refreshMutation(t, a.refreshToken)).toEqual({ tokens: null });
    expect(await as(t, b.token).query(api.sessions.list, {})).toHaveLength(1);
  });

  test("revokeAll except the current one", async () => {
    const t = makeAuthTest();
    const others = [tokensOf(await password.signUp(t, EMAIL, PW)), tokensOf(await password.signIn(t, EMAIL, PW))];
    const mine = tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await as(t, mine.token).mutation(api.sessions.revokeOthers, {})).toBe(2);
    for (const other of others) expect(await refreshMutation(t, other.refreshToken)).toEqual({ tokens: null });
    tokensOf(await refreshMutation(t, mine.refreshToken));
  });

  test("revokeAll of thousands of sessions finishes in background batches within limits", async () => {
    vi.useFakeTimers();
    const t = makeAuthTest();
    const mine = tokensOf(await password.signUp(t, EMAIL, PW));
    const userId = claimsOf(mine.token).userId;
    for (let from = 1; from < 2501; from += 500) {
      await t.mutation(probe.seedSessions, { userId, count: 500, tokensEach: 1, from: from + 1 });
    }
    const revokedNow = await as(t, mine.token).mutation(api.sessions.revokeOthers, {});
    expect(revokedNow).toBe(1000);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await t.query(probe.countUserData, { userId })).sessions).toBe(1);
    tokensOf(await refreshMutation(t, mine.refreshToken));
  });

  test("the session of a deleted user cannot be refreshed", async () => {
    const t = makeAuthTest();
    const mine = tokensOf(await password.signUp(t, EMAIL, PW));
    await t.mutation(components.auth.users.delete, { userId: claimsOf(mine.token).userId });
    expect(await refreshMutation(t, mine.refreshToken)).toEqual({ tokens: null });
  });
});
