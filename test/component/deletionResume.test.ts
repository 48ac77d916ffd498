/**
 * Deletions that continue in background transactions are resumed: when a
 * continuation fails (or is lost), its pending-deletion marker stays and the
 * hourly sweep runs the next batch, until nothing of the user or group is left.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterEach, expect, test, vi } from "vitest";
import { components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { groupSeed, groupSeedModule } from "../fixtures/groupSeed.js";
import { makeAuthTest, probe, type AuthTest } from "../harness/auth.js";
import type { Around } from "../harness/instrument.js";

const resumeDeletions = (componentsGeneric() as AnyComponents).auth.sweep.resumeDeletions as FunctionReference<
  "mutation",
  "internal",
  Record<string, never>,
  null
>;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Makes the next `count` runs of the component function `name` (`module:export`) throw before they start. */
function failing(name: string, count: number): { around: Around; failures: () => number } {
  let left = count;
  let failed = 0;
  return {
    around: async (frame, run) => {
      if (frame.name === name && left > 0) {
        left -= 1;
        failed += 1;
        throw new Error(`injected fault in ${name}`);
      }
      return await run();
    },
    failures: () => failed,
  };
}

const deletions = (t: AuthTest) => t.query(probe.rows, { table: "deletions" });
const minutes = (n: number) => n * 60_000;

test("a user deletion whose continuation fails is resumed by the sweep and nothing of the user remains", { timeout: 60_000 }, async () => {
  vi.useFakeTimers();
  // The failed scheduled function is logged by convex-test; keep the output quiet.
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  const fault = failing("users:deleteDataContinue", 1);
  const t = makeAuthTest({ around: fault.around });
  const userId = await t.mutation(components.auth.users.create, { email: "ada@example.com" });
  const bystander = await t.mutation(components.auth.users.create, { email: "bob@example.com" });
  // More rows than one deletion transaction takes (4,000).
  for (let from = 0; from < 2_100; from += 700) {
    await t.mutation(probe.seedSessions, { userId, count: 700, tokensEach: 1, from });
  }
  await t.mutation(probe.seedSessions, { userId: bystander, count: 1, tokensEach: 1, from: 0 });

  await t.mutation(async (ctx) => await auth.admin.user.delete(ctx, userId));
  // The marker is written with the first batch; the user reads as gone at once.
  expect(await deletions(t)).toMatchObject([{ kind: "user", targetId: userId }]);
  expect(await t.query(async (ctx) => await auth.user.get(ctx, userId))).toBeNull();

  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(fault.failures()).toBe(1);
  // The continuation failed: rows remain, and so does the marker.
  const stuck = await t.query(probe.countUserData, { userId });
  expect(stuck.sessions + stuck.refreshTokens).toBeGreaterThan(0);
  expect(await deletions(t)).toHaveLength(1);

  // A sweep before the marker is due leaves it alone (a running deletion is not doubled).
  await t.mutation(resumeDeletions, {});
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await t.query(probe.countUserData, { userId })).toEqual(stuck);

  vi.setSystemTime(Date.now() + minutes(6));
  await t.mutation(resumeDeletions, {});
  await t.finishAllScheduledFunctions(vi.runAllTimers);

  expect(await t.query(probe.countUserData, { userId })).toEqual({
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
  expect(await deletions(t)).toEqual([]);
  expect(await t.query(probe.countUserData, { userId: bystander })).toMatchObject({ users: 1, sessions: 1, refreshTokens: 1 });
});

test("a user deletion that finishes in one transaction leaves no marker", async () => {
  const t = makeAuthTest();
  const userId = await t.mutation(components.auth.users.create, { email: "ada@example.com" });
  await t.mutation(probe.seedSessions, { userId, count: 3, tokensEach: 2, from: 0 });
  await t.mutation(async (ctx) => await auth.admin.user.delete(ctx, userId));
  expect(await deletions(t)).toEqual([]);
  expect(await t.query(probe.countUserData, { userId })).toMatchObject({ users: 0, sessions: 0, refreshTokens: 0 });
});

test("a group deletion whose continuations fail is resumed by the sweep, subgroups included", { timeout: 120_000 }, async () => {
  vi.useFakeTimers();
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  // The root's and its subgroup's continuations both fail once.
  const fault = failing("groups:deleteContinue", 2);
  const t = makeAuthTest({ around: fault.around, componentModules: groupSeedModule });
  const root = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Big" }));
  const team = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Team", parentGroupId: root }));
  const other = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Other" }));
  for (let from = 0; from < 4_200; from += 1_400) {
    await t.mutation(groupSeed.seedMembers, { groupId: root, from, count: 1_400, role: "member" });
  }
  await t.mutation(groupSeed.seedMembers, { groupId: team, from: 10_000, count: 20, role: "member" });
  await t.mutation(groupSeed.seedInvites, { groupId: team, from: 10_000, count: 5 });
  await t.mutation(groupSeed.seedMembers, { groupId: other, from: 20_000, count: 2, role: "member" });

  expect(await t.mutation(components.auth.groups.delete, { groupId: root })).toBe(false);
  expect((await deletions(t)).map((d) => [d.kind, d.targetId]).sort()).toEqual(
    [
      ["group", root],
      ["group", team],
    ].sort(),
  );
  expect(await t.query(async (ctx) => await auth.group.get(ctx, root))).toBeNull();

  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(fault.failures()).toBe(2);
  expect((await t.query(groupSeed.countGroupRows, { groupId: root })).members).toBeGreaterThan(0);
  expect((await t.query(groupSeed.countGroupRows, { groupId: team })).members).toBe(20);

  vi.setSystemTime(Date.now() + minutes(6));
  await t.mutation(resumeDeletions, {});
  await t.finishAllScheduledFunctions(vi.runAllTimers);

  const nothing = { group: 0, members: 0, invites: 0, children: 0 };
  expect(await t.query(groupSeed.countGroupRows, { groupId: root })).toEqual(nothing);
  expect(await t.query(groupSeed.countGroupRows, { groupId: team })).toEqual(nothing);
  expect(await deletions(t)).toEqual([]);
  expect(await t.query(groupSeed.countGroupRows, { groupId: other })).toEqual({ group: 1, members: 2, invites: 0, children: 0 });
});

test("the sweep resumes a deletion again when the resumed batch fails too", { timeout: 60_000 }, async () => {
  vi.useFakeTimers();
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  const fault = failing("users:deleteDataContinue", 2);
  const t = makeAuthTest({ around: fault.around });
  const userId = await t.mutation(components.auth.users.create, {});
  for (let from = 0; from < 2_100; from += 700) {
    await t.mutation(probe.seedSessions, { userId, count: 700, tokensEach: 1, from });
  }
  await t.mutation(async (ctx) => await auth.admin.user.delete(ctx, userId));
  await t.finishAllScheduledFunctions(vi.runAllTimers);

  vi.setSystemTime(Date.now() + minutes(6));
  await t.mutation(resumeDeletions, {});
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(fault.failures()).toBe(2);
  expect(await deletions(t)).toMatchObject([{ kind: "user", targetId: userId, attempts: 1 }]);

  vi.setSystemTime(Date.now() + minutes(60));
  await t.mutation(resumeDeletions, {});
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await t.query(probe.countUserData, { userId })).toMatchObject({ users: 0, sessions: 0, refreshTokens: 0 });
  expect(await deletions(t)).toEqual([]);
});
