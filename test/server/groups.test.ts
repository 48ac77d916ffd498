/** Groups and memberships: the whole lifecycle through the example app, the helpers, the last-owner guard. */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const PW = "correct horse battery";
const page = (numItems: number, cursor: string | null = null) => ({ numItems, cursor });

/** Signs a user up through the app; returns a client acting as them and their id. */
async function signUp(t: AuthTest, email: string, name?: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW, name ? { name } : {}));
  return { client: as(t, tokens.token), userId: claimsOf(tokens.token).userId };
}

/** A user created directly in the component (no password hashing: fast). */
async function newUser(t: AuthTest, email: string) {
  return await t.mutation(components.auth.users.create, { email });
}

describe("lifecycle through the example app", () => {
  test("create a group, invite by link, accept as another user, list members, leave, delete", async () => {
    const t = makeAuthTest();
    const ada = await signUp(t, "ada@example.com", "Ada");
    const bob = await signUp(t, "bob@example.com", "Bob");

    // Ada creates a group and is its owner.
    const groupId = await ada.client.mutation(api.groups.create, { name: "Analytical Engines" });
    expect((await ada.client.query(api.groups.mine, { paginationOpts: page(10) })).page).toEqual([
      { id: groupId, name: "Analytical Engines", role: "owner" },
    ]);

    // Bob is not a member: the group does not exist for him.
    await expectAuthError(bob.client.query(api.groups.members, { groupId, paginationOpts: page(10) }), "NOT_FOUND");
    await expectAuthError(bob.client.mutation(api.groups.createInviteLink, { groupId }), "NOT_FOUND");

    // Ada makes an invite link; anyone holding it sees what it offers.
    const { token, inviteId } = await ada.client.mutation(api.groups.createInviteLink, { groupId });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await t.query(api.groups.invitePreview, { token })).toMatchObject({
      status: "pending",
      groupId,
      groupName: "Analytical Engines",
      role: "member",
      invitedBy: "Ada",
    });
    expect(await ada.client.query(api.groups.pendingInvites, { groupId })).toMatchObject([{ id: inviteId, role: "member" }]);

    // Bob accepts and is a member.
    expect(await bob.client.mutation(api.groups.acceptInvite, { token })).toEqual({ groupId, role: "member" });
    expect((await bob.client.query(api.groups.mine, { paginationOpts: page(10) })).page).toEqual([
      { id: groupId, name: "Analytical Engines", role: "member" },
    ]);
    const members = await bob.client.query(api.groups.members, { groupId, paginationOpts: page(10) });
    expect(members.page.map((m) => [m.name, m.role]).sort()).toEqual([
      ["Ada", "owner"],
      ["Bob", "member"],
    ]);
    // The link worked once.
    await expectAuthError(bob.client.mutation(api.groups.acceptInvite, { token }), "INVITE_NOT_PENDING");
    expect((await t.query(api.groups.invitePreview, { token }))?.status).toBe("accepted");
    expect(await ada.client.query(api.groups.pendingInvites, { groupId })).toEqual([]);

    // A member cannot invite; Ada, the only owner, cannot leave.
    await expect(bob.client.mutation(api.groups.createInviteLink, { groupId })).rejects.toThrow(/owner or admin/);
    await expectAuthError(
      ada.client.mutation(api.groups.removeMember, { groupId, userId: ada.userId }),
      "LAST_OWNER",
    );
    // Bob leaves; Ada deletes the group.
    await bob.client.mutation(api.groups.removeMember, { groupId, userId: bob.userId });
    expect((await bob.client.query(api.groups.mine, { paginationOpts: page(10) })).page).toEqual([]);
    await ada.client.mutation(api.groups.remove, { groupId });
    expect((await ada.client.query(api.groups.mine, { paginationOpts: page(10) })).page).toEqual([]);
    expect(await t.query(api.groups.invitePreview, { token })).toBeNull();
    for (const table of ["groups", "members", "invites"]) {
      expect(await t.query(probe.rows, { table })).toEqual([]);
    }
  });

  test("only the invite's hash is stored, and no function returns it", async () => {
    const t = makeAuthTest();
    const ada = await signUp(t, "ada@example.com");
    const groupId = await ada.client.mutation(api.groups.create, { name: "G" });
    const { token, inviteId } = await ada.client.mutation(api.groups.createInviteLink, { groupId });
    const rows = await t.query(probe.rows, { table: "invites" });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0].tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const viaId = await t.query(async (ctx) => await auth.invite.get(ctx, inviteId));
    const viaToken = await t.query(async (ctx) => await auth.invite.getByToken(ctx, token));
    expect(viaId).toEqual(viaToken);
    expect(viaId).not.toHaveProperty("tokenHash");
    expect(await t.query(async (ctx) => await auth.invite.getByToken(ctx, "not a token"))).toBeNull();
    expect(await t.query(async (ctx) => await auth.invite.getByToken(ctx, "A".repeat(43)))).toBeNull();
  });
});

describe("auth.group", () => {
  test("slugs are unique among siblings; groups nest, list by parent and move", async () => {
    const t = makeAuthTest();
    const create = (args: Parameters<typeof auth.group.create>[1]) =>
      t.mutation(async (ctx) => await auth.group.create(ctx, args));
    const acme = await create({ name: "Acme", slug: "acme", extend: { plan: "pro" } });
    await expectAuthError(create({ name: "Other Acme", slug: "acme" }), "SLUG_TAKEN");
    const design = await create({ name: "Design", slug: "design", parentGroupId: acme });
    const ops = await create({ name: "Ops", slug: "ops", parentGroupId: acme });
    // The same slug is fine under another parent.
    const designTop = await create({ name: "Design (top level)", slug: "design" });
    await expectAuthError(create({ name: "Blank", slug: "" }), "INVALID_ARGUMENT");
    await expectAuthError(create({ name: "  " }), "INVALID_ARGUMENT");

    const get = (groupId: string) => t.query(async (ctx) => await auth.group.get(ctx, groupId));
    expect(await get(acme)).toMatchObject({ name: "Acme", slug: "acme", extend: { plan: "pro" } });
    expect((await t.query(async (ctx) => await auth.group.getBySlug(ctx, "design", { parentGroupId: acme })))?._id).toBe(design);
    expect((await t.query(async (ctx) => await auth.group.getBySlug(ctx, "design")))?._id).toBe(designTop);

    const children = await t.query(async (ctx) => await auth.group.list(ctx, { parentGroupId: acme, paginationOpts: page(1) }));
    expect(children.page.map((g) => g.slug)).toEqual(["design"]);
    const rest = await t.query(async (ctx) =>
      await auth.group.list(ctx, { parentGroupId: acme, paginationOpts: page(5, children.continueCursor) }),
    );
    expect(rest.page.map((g) => g.slug)).toEqual(["ops"]);
    expect(rest.isDone).toBe(true);
    const top = await t.query(async (ctx) => await auth.group.list(ctx, { paginationOpts: page(10) }));
    expect(top.page.map((g) => g._id).sort()).toEqual([acme, designTop].sort());

    const update = (groupId: string, patch: Parameters<typeof auth.group.update>[2]) =>
      t.mutation(async (ctx) => await auth.group.update(ctx, groupId, patch));
    // Moving Design to the top level clashes with the top-level "design".
    await expectAuthError(update(design, { parentGroupId: null }), "SLUG_TAKEN");
    await update(design, { parentGroupId: null, slug: "design-2", name: "Design 2" });
    expect(await get(design)).toMatchObject({ name: "Design 2", slug: "design-2" });
    expect(await get(design)).not.toHaveProperty("parentGroupId");
    // A group cannot go under itself or its descendant.
    await expectAuthError(update(acme, { parentGroupId: acme }), "INVALID_ARGUMENT");
    await expectAuthError(update(acme, { parentGroupId: ops }), "INVALID_ARGUMENT");
    await update(ops, { slug: null, extend: { color: "red" } });
    expect(await get(ops)).toMatchObject({ name: "Ops", parentGroupId: acme, extend: { color: "red" } });
    expect(await get(ops)).not.toHaveProperty("slug");
    await expectAuthError(update(design, { parentGroupId: await newGroupIdThatIsGone(t) }), "NOT_FOUND");
  });

  test("create with an owner adds the membership in the same transaction; unknown owner or parent is NOT_FOUND", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: ada }));
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId: ada }))).toMatchObject({ role: "owner" });
    const goneUser = await newUser(t, "gone@example.com");
    await t.mutation(components.auth.users.delete, { userId: goneUser });
    await expectAuthError(t.mutation(async (ctx) => await auth.group.create(ctx, { name: "H", ownerUserId: goneUser })), "NOT_FOUND");
    const gone = await newGroupIdThatIsGone(t);
    await expectAuthError(
      t.mutation(async (ctx) => await auth.group.create(ctx, { name: "H", parentGroupId: gone })),
      "NOT_FOUND",
    );
    expect(await t.query(probe.rows, { table: "groups" })).toHaveLength(1);
  });

  test("list({ userId }) gives the user's groups with their role", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const one = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "One", ownerUserId: ada }));
    const two = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Two", ownerUserId: bob }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId: two, userId: ada, role: "admin" }));
    const mine = await t.query(async (ctx) => await auth.group.list(ctx, { userId: ada, paginationOpts: page(10) }));
    expect(mine.page.map((g) => [g._id, g.name, g.membership.role])).toEqual([
      [one, "One", "owner"],
      [two, "Two", "admin"],
    ]);
    await expectAuthError(
      t.query(async (ctx) => await auth.group.list(ctx, { userId: ada, parentGroupId: one, paginationOpts: page(1) } as never)),
      "INVALID_ARGUMENT",
    );
  });
});

/** An id of the groups table that no longer names a group. */
async function newGroupIdThatIsGone(t: AuthTest): Promise<string> {
  const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Gone" }));
  await t.mutation(async (ctx) => await auth.group.delete(ctx, groupId));
  return groupId;
}

describe("auth.member", () => {
  test("add, get, list a page at a time and by role, update a role, remove", async () => {
    const t = makeAuthTest();
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push(await newUser(t, `user${i}@example.com`));
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: users[0] }));
    for (const userId of users.slice(1)) {
      await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId, role: "member", extend: { seat: 1 } }));
    }
    await expectAuthError(
      t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: users[1], role: "admin" })),
      "ALREADY_MEMBER",
    );
    await expectAuthError(
      t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: users[1], role: " " })),
      "INVALID_ARGUMENT",
    );
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId: users[1] }))).toMatchObject({
      groupId,
      userId: users[1],
      role: "member",
      extend: { seat: 1 },
    });

    // Every member exactly once over the pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const result = await t.query(async (ctx) => await auth.member.list(ctx, { groupId, paginationOpts: page(2, cursor) }));
      expect(result.page.length).toBeLessThanOrEqual(2);
      seen.push(...result.page.map((m) => m.userId));
      if (result.isDone) break;
      cursor = result.continueCursor;
    }
    expect(seen.sort()).toEqual([...users].sort());

    await t.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId: users[2], role: "admin" }));
    const admins = await t.query(async (ctx) => await auth.member.list(ctx, { groupId, role: "admin", paginationOpts: page(10) }));
    expect(admins.page.map((m) => m.userId)).toEqual([users[2]]);

    await t.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: users[3] }));
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId: users[3] }))).toBeNull();
    await expectAuthError(t.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: users[3] })), "NOT_FOUND");
    await expectAuthError(
      t.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId: users[3], role: "admin" })),
      "NOT_FOUND",
    );
    // Unknown group or user.
    const gone = await newGroupIdThatIsGone(t);
    await expectAuthError(t.mutation(async (ctx) => await auth.member.add(ctx, { groupId: gone, userId: users[3], role: "member" })), "NOT_FOUND");
    await t.mutation(components.auth.users.delete, { userId: users[3] });
    await expectAuthError(t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: users[3], role: "member" })), "NOT_FOUND");
  });

  test("the last owner can be neither removed nor demoted", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: ada }));
    const remove = (userId: string) => t.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId }));
    const setRole = (userId: string, role: string) =>
      t.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId, role }));
    const roleOf = async (userId: string) =>
      (await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId })))?.role;

    await expectAuthError(remove(ada), "LAST_OWNER");
    await expectAuthError(setRole(ada, "admin"), "LAST_OWNER");
    await setRole(ada, "owner"); // no change is fine
    expect(await roleOf(ada)).toBe("owner");

    // Hand the group over: promote Bob, then Ada can step down...
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: bob, role: "member" }));
    await setRole(bob, "owner");
    await setRole(ada, "member");
    // ...and now Bob is the one who cannot go.
    await expectAuthError(remove(bob), "LAST_OWNER");
    await expectAuthError(setRole(bob, "member"), "LAST_OWNER");
    await remove(ada);
    expect(await roleOf(ada)).toBeUndefined();
    expect(await roleOf(bob)).toBe("owner");

    // Two owners demoting each other at once: one of them stays owner.
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: ada, role: "owner" }));
    const results = await Promise.allSettled([setRole(ada, "member"), setRole(bob, "member")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await t.query(async (ctx) => await auth.member.list(ctx, { groupId, role: "owner", paginationOpts: page(10) }));
    expect(owners.page).toHaveLength(1);
  });

  test("a group without owners has no guard to trip; deleting a group ignores the guard", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G" }));
    await t.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: ada, role: "member" }));
    await t.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: ada }));
    const owned = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "H", ownerUserId: ada }));
    await t.mutation(async (ctx) => await auth.group.delete(ctx, owned));
    expect(await t.query(probe.rows, { table: "members" })).toEqual([]);
    await expectAuthError(t.mutation(async (ctx) => await auth.group.delete(ctx, owned)), "NOT_FOUND");
  });
});

describe("component functions", () => {
  test("groups.get: each unique key finds the same group; a malformed id or unknown slug is null", async () => {
    const t = makeAuthTest();
    const acme = await t.mutation(components.auth.groups.create, { name: "Acme", slug: "acme" });
    const design = await t.mutation(components.auth.groups.create, { name: "Design", slug: "design", parentGroupId: acme });
    const get = (key: { groupId?: string; slug?: string; parentGroupId?: string }) =>
      t.query(components.auth.groups.get, key);

    const byId = await get({ groupId: acme });
    expect(byId).toMatchObject({ _id: acme, name: "Acme", slug: "acme" });
    expect(await get({ slug: "acme" })).toEqual(byId);
    const designById = await get({ groupId: design });
    expect(designById).toMatchObject({ _id: design, parentGroupId: acme });
    expect(await get({ slug: "design", parentGroupId: acme })).toEqual(designById);
    // The slug is unique among siblings only: not at the top level.
    expect(await get({ slug: "design" })).toBeNull();
    expect(await get({ slug: "nope" })).toBeNull();
    for (const junk of ["junk", ""]) {
      expect(await get({ groupId: junk })).toBeNull();
      expect(await get({ slug: "design", parentGroupId: junk })).toBeNull();
    }
    // Exactly one key; parentGroupId only with a slug.
    await expectAuthError(get({ groupId: acme, slug: "acme" }), "INVALID_ARGUMENT");
    await expectAuthError(get({}), "INVALID_ARGUMENT");
    await expectAuthError(get({ parentGroupId: acme }), "INVALID_ARGUMENT");
    await expectAuthError(get({ groupId: design, parentGroupId: acme }), "INVALID_ARGUMENT");
  });

  test("members.list: a group's members and a user's memberships, one shape: each membership with its group", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const one = await t.mutation(components.auth.groups.create, { name: "One", ownerUserId: ada });
    const two = await t.mutation(components.auth.groups.create, { name: "Two", ownerUserId: bob });
    await t.mutation(components.auth.members.set, { groupId: two, userId: ada, role: "admin" });
    const list = (of: { groupId?: string; role?: string; userId?: string }) =>
      t.query(components.auth.members.list, { ...of, paginationOpts: page(10) });
    const groupTwo = await t.query(components.auth.groups.get, { groupId: two });

    const ofTwo = (await list({ groupId: two })).page;
    expect(ofTwo.map((m) => [m.userId, m.role]).sort()).toEqual([[ada, "admin"], [bob, "owner"]].sort());
    for (const m of ofTwo) expect(m.group).toEqual(groupTwo);
    expect((await list({ groupId: two, role: "admin" })).page.map((m) => m.userId)).toEqual([ada]);

    const adas = (await list({ userId: ada })).page;
    expect(adas.map((m) => [m.group._id, m.group.name, m.role])).toEqual([
      [one, "One", "owner"],
      [two, "Two", "admin"],
    ]);
    // The same membership documents either way.
    const { group: _g, ...adaInTwo } = adas[1];
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId: two, userId: ada }))).toEqual(adaInTwo);
    expect(ofTwo.find((m) => m.userId === ada)).toEqual(adas[1]);

    for (const junk of ["junk", ""]) {
      expect((await list({ groupId: junk })).page).toEqual([]);
      expect((await list({ userId: junk })).page).toEqual([]);
    }
    // Exactly one of groupId, userId; role only with groupId.
    await expectAuthError(list({ groupId: two, userId: ada }), "INVALID_ARGUMENT");
    await expectAuthError(list({}), "INVALID_ARGUMENT");
    await expectAuthError(list({ userId: ada, role: "admin" }), "INVALID_ARGUMENT");
    // The helper passes both through to the same refusal.
    await expectAuthError(
      t.query(async (ctx) => await auth.member.list(ctx, { groupId: two, userId: ada, paginationOpts: page(1) } as never)),
      "INVALID_ARGUMENT",
    );
  });

  test("members.set adds or changes a role; keeps the guards; a refusal writes nothing", async () => {
    const t = makeAuthTest();
    const ada = await newUser(t, "ada@example.com");
    const bob = await newUser(t, "bob@example.com");
    const groupId = await t.mutation(components.auth.groups.create, { name: "G", ownerUserId: ada });
    const set = (args: { userId: string; role: string; extend?: unknown; onlyNew?: boolean; onlyExisting?: boolean }) =>
      t.mutation(components.auth.members.set, { groupId, ...args });
    const rows = () => t.query(probe.rows, { table: "members" });
    const bobsMembership = async () => (await rows()).find((m) => m.userId === bob);

    // Adds.
    const memberId = await set({ userId: bob, role: "member", extend: { seat: 1 } });
    expect(await bobsMembership()).toMatchObject({ _id: memberId, role: "member", extend: { seat: 1 } });
    // Changes the role of the same membership; `extend` omitted is kept, given is replaced.
    expect(await set({ userId: bob, role: "admin" })).toBe(memberId);
    expect(await bobsMembership()).toMatchObject({ _id: memberId, role: "admin", extend: { seat: 1 } });
    expect(await set({ userId: bob, role: "admin", extend: { seat: 2 } })).toBe(memberId);
    expect(await bobsMembership()).toMatchObject({ role: "admin", extend: { seat: 2 } });
    expect(await rows()).toHaveLength(2);

    // Refusals, each leaving the table as it was.
    const before = await rows();
    await expectAuthError(set({ userId: ada, role: "member" }), "LAST_OWNER");
    await expectAuthError(set({ userId: bob, role: "owner", onlyNew: true }), "ALREADY_MEMBER");
    await expectAuthError(set({ userId: bob, role: "owner", onlyNew: true, onlyExisting: true }), "INVALID_ARGUMENT");
    const carol = await newUser(t, "carol@example.com");
    await expectAuthError(set({ userId: carol, role: "member", onlyExisting: true }), "NOT_FOUND");
    await expectAuthError(set({ userId: "junk", role: "member" }), "NOT_FOUND");
    await expectAuthError(t.mutation(components.auth.members.set, { groupId: "junk", userId: bob, role: "member" }), "NOT_FOUND");
    const gone = await newGroupIdThatIsGone(t);
    await expectAuthError(t.mutation(components.auth.members.set, { groupId: gone, userId: bob, role: "member" }), "NOT_FOUND");
    await t.mutation(components.auth.users.delete, { userId: carol });
    await expectAuthError(set({ userId: carol, role: "member" }), "NOT_FOUND");
    expect(await rows()).toEqual(before);

    // onlyNew adds a new member; onlyExisting changes an existing one.
    const dave = await newUser(t, "dave@example.com");
    const daveId = await set({ userId: dave, role: "member", onlyNew: true });
    expect(await set({ userId: dave, role: "owner", onlyExisting: true })).toBe(daveId);
    // With a second owner, Ada may step down.
    expect(await set({ userId: ada, role: "member" })).toBeTypeOf("string");
    expect((await rows()).filter((m) => m.role === "owner").map((m) => m.userId)).toEqual([dave]);
  });
});
