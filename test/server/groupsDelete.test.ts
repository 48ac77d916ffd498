/** Deleting a group removes its members, invites and subgroups, in batches that fit Convex's transaction limits. */
import { afterEach, expect, test, vi } from "vitest";
import { components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { groupSeed, groupSeedModule } from "../fixtures/groupSeed.js";
import { makeAuthTest, type AuthTest } from "../harness/auth.js";

afterEach(() => {
  vi.useRealTimers();
});

const count = (t: AuthTest, groupId: string) => t.query(groupSeed.countGroupRows, { groupId });
const nothing = { group: 0, members: 0, invites: 0, children: 0 };

test(
  "a group with 5,000 members and 1,000 invites is deleted within transaction limits and nothing of it remains",
  { timeout: 120_000 },
  async () => {
    vi.useFakeTimers();
    const t = makeAuthTest({ componentModules: groupSeedModule });
    const owner = await t.mutation(components.auth.users.create, { email: "owner@example.com" });
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Big", ownerUserId: owner }));
    for (let from = 0; from < 5_000 - 1; from += 1_250) {
      await t.mutation(groupSeed.seedMembers, { groupId, from, count: Math.min(1_250, 4_999 - from), role: "member" });
    }
    for (let from = 0; from < 1_000; from += 500) {
      await t.mutation(groupSeed.seedInvites, { groupId, from, count: 500 });
    }
    // A subtree (subgroup with members and its own subgroup) and a bystander group.
    const team = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Team", parentGroupId: groupId }));
    await t.mutation(groupSeed.seedMembers, { groupId: team, from: 10_000, count: 20, role: "member" });
    await t.mutation(groupSeed.seedInvites, { groupId: team, from: 10_000, count: 5 });
    const squad = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Squad", parentGroupId: team }));
    await t.mutation(groupSeed.seedMembers, { groupId: squad, from: 20_000, count: 3, role: "member" });
    const bystander = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Other", ownerUserId: owner }));
    await t.mutation(groupSeed.seedInvites, { groupId: bystander, from: 30_000, count: 2 });
    expect(await count(t, groupId)).toEqual({ group: 1, members: 5_000, invites: 1_000, children: 1 });

    await t.mutation(async (ctx) => await auth.group.delete(ctx, groupId));
    // The group is gone at once: no function finds it or its members.
    expect(await t.query(async (ctx) => await auth.group.get(ctx, groupId))).toBeNull();
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId: owner }))).toBeNull();
    const listed = await t.query(async (ctx) =>
      await auth.member.list(ctx, { groupId, paginationOpts: { numItems: 10, cursor: null } }),
    );
    expect(listed.page).toEqual([]);
    expect((await t.query(async (ctx) => await auth.group.list(ctx, { userId: owner, paginationOpts: { numItems: 10, cursor: null } }))).page.map((g) => g._id)).toEqual([bystander]);
    // The rest follows in background transactions, each under convex-test's limits.
    expect((await count(t, groupId)).members).toBeGreaterThan(0);
    await t.finishAllScheduledFunctions(vi.runAllTimers);

    expect(await count(t, groupId)).toEqual(nothing);
    expect(await count(t, team)).toEqual(nothing);
    expect(await count(t, squad)).toEqual(nothing);
    expect(await count(t, bystander)).toEqual({ group: 1, members: 1, invites: 2, children: 0 });
    // Users are not deleted with their memberships.
    expect(await t.query(components.auth.users.get, { userId: owner })).not.toBeNull();
  },
);

test("a group with many subgroups is deleted in batches too", { timeout: 120_000 }, async () => {
  vi.useFakeTimers();
  const t = makeAuthTest({ componentModules: groupSeedModule });
  const root = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Root" }));
  const children: string[] = [];
  // 250 subgroups, each with members and invites, more than one transaction visits.
  await t.mutation(async (ctx) => {
    for (let i = 0; i < 250; i++) children.push(await auth.group.create(ctx, { name: `Child ${i}`, slug: `c${i}`, parentGroupId: root }));
  });
  for (const [i, child] of children.entries()) {
    if (i % 25 !== 0) continue;
    await t.mutation(groupSeed.seedMembers, { groupId: child, from: i * 100, count: 40, role: "member" });
    await t.mutation(groupSeed.seedInvites, { groupId: child, from: i * 100, count: 10 });
  }
  const deletedNow = await t.mutation(components.auth.groups.delete, { groupId: root });
  expect(deletedNow).toBe(false);
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await count(t, root)).toEqual(nothing);
  for (const child of children) expect(await count(t, child)).toEqual(nothing);
});

test("a small group is deleted in one transaction", async () => {
  const t = makeAuthTest({ componentModules: groupSeedModule });
  const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Small" }));
  await t.mutation(groupSeed.seedMembers, { groupId, from: 0, count: 10, role: "member" });
  await t.mutation(groupSeed.seedInvites, { groupId, from: 0, count: 10 });
  expect(await t.mutation(components.auth.groups.delete, { groupId })).toBe(true);
  expect(await count(t, groupId)).toEqual(nothing);
});
