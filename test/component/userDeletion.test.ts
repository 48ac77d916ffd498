/** Deleting a user removes everything of theirs, in batches that fit Convex's transaction limits. */
import { afterEach, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf } from "../harness/auth.js";

afterEach(() => {
  vi.useRealTimers();
});

test("a user with 3,000 sessions is deleted within transaction limits and nothing of theirs remains", { timeout: 60_000 }, async () => {
  vi.useFakeTimers();
  const t = makeAuthTest();
  const mine = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
  const bystander = tokensOf(await password.signUp(t, "bob@example.com", "correct horse battery"));
  const userId = claimsOf(mine.token).userId;
  for (let from = 1; from < 3001; from += 500) {
    await t.mutation(probe.seedSessions, { userId, count: 500, tokensEach: 2, from });
  }
  const before = await t.query(probe.countUserData, { userId });
  expect(before.sessions).toBe(3001);

  await as(t, mine.token).mutation(api.users.deleteMe, {});
  // The user is gone at once; the rest follows in background transactions,
  // each of which runs under convex-test's transaction limits.
  expect(await t.query(api.users.byEmail, { email: "ada@example.com" })).toBeNull();
  expect(await refresh(t, mine.refreshToken)).toEqual({ tokens: null });
  await t.finishAllScheduledFunctions(vi.runAllTimers);

  const after = await t.query(probe.countUserData, { userId });
  expect(after).toEqual({
    accounts: 0,
    sessions: 0,
    verificationCodes: 0,
    verifiers: 0,
    passkeys: 0,
    totpFactors: 0,
    recoveryCodes: 0,
    apiKeys: 0,
    members: 0,
    events: 0,
    users: 0,
    refreshTokens: 0,
  });
  tokensOf(await refresh(t, bystander.refreshToken));
});
