/** Strings that are no ids get the documented answers (null, empty, NOT_FOUND), never an uncoded validator error. */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { as, claimsOf, makeAuthTest, password, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const page = { numItems: 10, cursor: null };

describe("auth.user with a malformed id", () => {
  test("get is null; update and delete are NOT_FOUND", async () => {
    const t = makeAuthTest();
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G" }));
    for (const junk of ["junk", "", groupId]) {
      expect(await t.query(async (ctx) => await auth.user.get(ctx, junk))).toBeNull();
      await expectAuthError(t.mutation(async (ctx) => await auth.admin.user.update(ctx, junk, { name: "x" })), "NOT_FOUND");
      await expectAuthError(t.mutation(async (ctx) => await auth.admin.user.delete(ctx, junk)), "NOT_FOUND");
    }
    expect(await t.query(components.auth.users.get, { userId: "junk" })).toBeNull();
    await expectAuthError(t.mutation(components.auth.users.update, { userId: "junk", patch: {} }), "NOT_FOUND");
    await expectAuthError(t.mutation(components.auth.users.delete, { userId: "junk" }), "NOT_FOUND");
  });
});

describe("auth.user acts on the signed-in caller", () => {
  test("update and delete need a live session and touch only the caller; nothing written when refused", async () => {
    const t = makeAuthTest();
    const ada = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const bob = tokensOf(await password.signUp(t, "bob@example.com", "correct horse battery"));
    const bobId = claimsOf(bob.token).userId!;
    await expectAuthError(t.mutation(async (ctx) => await auth.user.update(ctx, { name: "x" })), "NOT_SIGNED_IN");
    await expectAuthError(t.mutation(async (ctx) => await auth.user.delete(ctx)), "NOT_SIGNED_IN");
    await as(t, ada.token).mutation(async (ctx) => await auth.user.update(ctx, { name: "Ada" }));
    expect((await t.query(async (ctx) => await auth.user.get(ctx, bobId)))?.name).toBeUndefined();
    // A signed-out session's token no longer writes.
    await as(t, bob.token).action(api.auth.signOut, {});
    await expectAuthError(as(t, bob.token).mutation(async (ctx) => await auth.user.update(ctx, { name: "Mallory" })), "SESSION_ENDED");
    await expectAuthError(as(t, bob.token).mutation(async (ctx) => await auth.user.delete(ctx)), "SESSION_ENDED");
    expect(await t.query(async (ctx) => await auth.user.get(ctx, bobId))).toMatchObject({ email: "bob@example.com" });
    expect((await t.query(async (ctx) => await auth.user.get(ctx, bobId)))?.name).toBeUndefined();
  });
});

describe("auth.group and auth.member with malformed ids", () => {
  test("reads are null or empty; writes are NOT_FOUND", async () => {
    const t = makeAuthTest();
    const userId = await t.mutation(components.auth.users.create, { email: "ada@example.com" });
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: userId }));

    expect(await t.query(async (ctx) => await auth.group.get(ctx, "junk"))).toBeNull();
    expect(await t.query(async (ctx) => await auth.group.get(ctx, userId))).toBeNull();
    expect(await t.query(async (ctx) => await auth.group.getBySlug(ctx, "s", { parentGroupId: "junk" }))).toBeNull();
    expect((await t.query(async (ctx) => await auth.group.list(ctx, { parentGroupId: "junk", paginationOpts: page }))).page).toEqual([]);
    expect((await t.query(async (ctx) => await auth.group.list(ctx, { userId: "junk", paginationOpts: page }))).page).toEqual([]);
    await expectAuthError(t.mutation(async (ctx) => await auth.group.delete(ctx, "junk")), "NOT_FOUND");
    await expectAuthError(t.mutation(async (ctx) => await auth.group.update(ctx, "junk", { name: "x" })), "NOT_FOUND");
    await expectAuthError(t.mutation(async (ctx) => await auth.group.update(ctx, groupId, { parentGroupId: "junk" })), "NOT_FOUND");
    await expectAuthError(t.mutation(async (ctx) => await auth.group.create(ctx, { name: "H", parentGroupId: "junk" })), "NOT_FOUND");
    await expectAuthError(t.mutation(async (ctx) => await auth.group.create(ctx, { name: "H", ownerUserId: "junk" })), "NOT_FOUND");

    for (const ids of [{ groupId: "junk", userId }, { groupId, userId: "junk" }]) {
      expect(await t.query(async (ctx) => await auth.member.get(ctx, ids))).toBeNull();
      await expectAuthError(t.mutation(async (ctx) => await auth.member.add(ctx, { ...ids, role: "member" })), "NOT_FOUND");
      await expectAuthError(t.mutation(async (ctx) => await auth.member.updateRole(ctx, { ...ids, role: "admin" })), "NOT_FOUND");
      await expectAuthError(t.mutation(async (ctx) => await auth.member.remove(ctx, ids)), "NOT_FOUND");
    }
    expect((await t.query(async (ctx) => await auth.member.list(ctx, { groupId: "junk", paginationOpts: page }))).page).toEqual([]);
    // The real ones still work, and nothing was changed.
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId }))).toMatchObject({ role: "owner" });
    expect((await t.query(async (ctx) => await auth.group.get(ctx, groupId)))?.name).toBe("G");
  });
});
