/** Deleting a user never leaves a group without an owner. */
import { describe, expect, test } from "vitest";
import { components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { makeAuthTest, probe, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const newUser = (t: AuthTest, email: string) => t.mutation(components.auth.users.create, { email });
const deleteUser = (t: AuthTest, userId: string) => t.mutation(async (ctx) => await auth.admin.user.delete(ctx, userId));
const getUser = (t: AuthTest, userId: string) => t.query(async (ctx) => await auth.user.get(ctx, userId));
const memberOf = (t: AuthTest, groupId: string, userId: string) =>
  t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId }));

describe("auth.user.delete and group owners", () => {
  test("the last owner of a group cannot be deleted, and nothing of theirs is", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: ada }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: bob, role: "member" }));
    await t.mutation(probe.seedSessions, { userId: ada, count: 2, tokensEach: 1, from: 0 });

    await expectAuthError(deleteUser(t, ada), "LAST_OWNER");
    await expectAuthError(t.mutation(components.auth.users.delete, { userId: ada }), "LAST_OWNER");
    expect(await getUser(t, ada)).toMatchObject({ email: "ada@example.com" });
    expect(await memberOf(t, groupId, ada)).toMatchObject({ role: "owner" });
    expect(await t.query(probe.countUserData, { userId: ada })).toMatchObject({ users: 1, sessions: 2, refreshTokens: 2, members: 1 });
    expect(await t.query(probe.rows, { table: "deletions" })).toEqual([]);

    // A sole member who owns the group is its last owner too.
    const solo = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Solo", ownerUserId: bob }));
    await expectAuthError(deleteUser(t, bob), "LAST_OWNER");
    // Deleting the group first lets the user go.
    await t.mutation(async (ctx) => await auth.group.delete(ctx, solo));
    await deleteUser(t, bob);
    expect(await getUser(t, bob)).toBeNull();
  });

  test("after handing the group over (or with another owner) the user is deleted and the group keeps its owner", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: ada }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: bob, role: "member" }));
    await expectAuthError(deleteUser(t, ada), "LAST_OWNER");

    await t.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId: bob, role: "owner" }));
    await deleteUser(t, ada);
    expect(await getUser(t, ada)).toBeNull();
    // Ada's owner membership went with her at once: Bob is the last owner now.
    const owners = await t.query(async (ctx) =>
      await auth.member.list(ctx, { groupId, role: "owner", paginationOpts: { numItems: 10, cursor: null } }),
    );
    expect(owners.page.map((m) => m.userId)).toEqual([bob]);
    await expectAuthError(
      t.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: bob })),
      "LAST_OWNER",
    );
    await expectAuthError(deleteUser(t, bob), "LAST_OWNER");
  });

  test("plain members and owners of groups with other owners are deleted", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const cyd = await newUser(t, "cyd@example.com");
    const g1 = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G1", ownerUserId: ada }));
    const g2 = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G2", ownerUserId: cyd }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId: g1, userId: bob, role: "member" }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId: g2, userId: bob, role: "owner" }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId: g2, userId: ada, role: "admin" }));

    await deleteUser(t, bob);
    expect(await t.query(probe.countUserData, { userId: bob })).toMatchObject({ users: 0, members: 0 });
    expect(await memberOf(t, g1, ada)).toMatchObject({ role: "owner" });
    expect(await memberOf(t, g2, cyd)).toMatchObject({ role: "owner" });
  });
});
