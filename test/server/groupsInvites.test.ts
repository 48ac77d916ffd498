/** Invites: single use under races, expiry, duplicates, email binding, revocation, listing. */
import { componentsGeneric, makeFunctionReference, type AnyComponents, type FunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import type { CreateInviteArgs, InviteEmailCheck } from "../../src/server/helpers/group.js";
import { sent } from "../fixtures/verifiedEmail/auth.js";
import { auth as verifyingAuth } from "../fixtures/verifiedEmail/auth.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";

const PW = "correct horse battery";
const HOUR = 60 * 60 * 1000;
const page = (numItems: number, cursor: string | null = null) => ({ numItems, cursor });

afterEach(() => {
  vi.useRealTimers();
});

function useClock(iso = "2026-05-01T00:00:00Z") {
  vi.useFakeTimers({ now: new Date(iso), toFake: ["Date"] });
}
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function newUser(t: AuthTest, email: string, verified = false) {
  return await t.mutation(components.auth.users.create, {
    email,
    ...(verified ? { emailVerificationTime: Date.now() } : {}),
  });
}

async function setup() {
  const t = makeAuthTest();
  const owner = await newUser(t, "owner@example.com", true);
  const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G", ownerUserId: owner }));
  const invite = (args: CreateInviteArgs = {}) =>
    t.mutation(async (ctx) => await auth.invite.create(ctx, { groupId, invitedByUserId: owner, ...args }));
  const accept = (token: string, userId: string, emailCheck?: InviteEmailCheck) =>
    t.mutation(async (ctx) => await auth.invite.accept(ctx, token, { userId, ...(emailCheck ? { emailCheck } : {}) }));
  const getInvite = (inviteId: string) => t.query(async (ctx) => await auth.invite.get(ctx, inviteId));
  const memberIds = async () =>
    (await t.query(probe.rows, { table: "members" })).filter((m) => m.groupId === groupId).map((m) => m.userId);
  return { t, owner, groupId, invite, accept, getInvite, memberIds };
}

describe("accepting", () => {
  test("adds the membership with the invite's role and marks it accepted, in one transaction", async () => {
    const { t, groupId, invite, accept, getInvite } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const { inviteId, token } = await invite({ role: "admin", extend: { note: "welcome" } });
    const accepted = await accept(token, bob);
    expect(accepted).toMatchObject({ inviteId, groupId, role: "admin" });
    expect(await t.query(async (ctx) => await auth.member.get(ctx, { groupId, userId: bob }))).toMatchObject({
      _id: accepted.memberId,
      role: "admin",
    });
    expect(await getInvite(inviteId)).toMatchObject({
      status: "accepted",
      acceptedByUserId: bob,
      role: "admin",
      extend: { note: "welcome" },
    });
    expect((await getInvite(inviteId))?.acceptedTime).toBeTypeOf("number");
  });

  test("two accepts racing (two mutations) yield exactly one membership", async () => {
    const { t, owner, invite, accept, memberIds } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const carol = await newUser(t, "carol@example.com");
    const { token } = await invite();
    const results = await Promise.allSettled([accept(token, bob), accept(token, carol)]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    await expectAuthError(Promise.reject(lost[0].reason), "INVITE_NOT_PENDING");
    expect(await memberIds()).toHaveLength(2); // the owner and the winner
    expect((await memberIds()).filter((id) => id !== owner)).toHaveLength(1);

    // The same user racing themself: also one membership.
    const { token: second } = await invite();
    const dave = await newUser(t, "dave@example.com");
    const again = await Promise.allSettled([accept(second, dave), accept(second, dave)]);
    expect(again.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await memberIds()).filter((id) => id === dave)).toHaveLength(1);
  });

  test("through the app's mutations, two users racing for one link: one joins", async () => {
    const t = makeAuthTest();
    const signUp = async (email: string) => {
      const tokens = tokensOf(await password.signUp(t, email, PW));
      return { client: as(t, tokens.token), userId: claimsOf(tokens.token).userId };
    };
    const ada = await signUp("ada@example.com");
    const bob = await signUp("bob@example.com");
    const carol = await signUp("carol@example.com");
    const groupId = await ada.client.mutation(api.groups.create, { name: "G" });
    const { token } = await ada.client.mutation(api.groups.createInviteLink, { groupId });
    const results = await Promise.allSettled([
      bob.client.mutation(api.groups.acceptInvite, { token }),
      carol.client.mutation(api.groups.acceptInvite, { token }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const members = await ada.client.query(api.groups.members, { groupId, paginationOpts: page(10) });
    expect(members.page).toHaveLength(2);
  });

  test("unknown or malformed tokens, a user who is already a member, a deleted group", async () => {
    const { t, groupId, owner, invite, accept, getInvite } = await setup();
    await expectAuthError(accept("A".repeat(43), owner), "NOT_FOUND");
    await expectAuthError(accept("short", owner), "NOT_FOUND");
    const { inviteId, token } = await invite();
    await expectAuthError(accept(token, owner), "ALREADY_MEMBER");
    expect((await getInvite(inviteId))?.status).toBe("pending");
    const bob = await newUser(t, "bob@example.com");
    await t.mutation(async (ctx) => await auth.group.delete(ctx, groupId));
    await expectAuthError(accept(token, bob), "NOT_FOUND");
  });

  test("an invite without a group is accepted without a membership", async () => {
    const { t } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const { inviteId, token } = await t.mutation(async (ctx) => await auth.invite.create(ctx, { extend: { plan: "beta" } }));
    expect(await t.mutation(async (ctx) => await auth.invite.accept(ctx, token, { userId: bob }))).toEqual({
      inviteId,
      groupId: null,
      memberId: null,
      role: null,
    });
  });
});

describe("expiry", () => {
  test("an expired invite fails with INVITE_EXPIRED, reads and lists as expired, and is marked expired", async () => {
    useClock();
    const { t, groupId, invite, accept, getInvite, memberIds } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const { inviteId, token } = await invite({ expirationTime: Date.now() + HOUR });
    const stored = async () => (await t.query(probe.rows, { table: "invites" })).find((i) => i._id === inviteId)?.status;
    const pending = () =>
      t.query(async (ctx) => await auth.invite.list(ctx, { groupId, status: "pending", paginationOpts: page(10) }));

    advance(HOUR - 1);
    expect((await getInvite(inviteId))?.status).toBe("pending");
    expect((await pending()).page).toHaveLength(1);
    advance(1);
    // Past due: every read says so before anything is written.
    expect((await getInvite(inviteId))?.status).toBe("expired");
    expect((await t.query(async (ctx) => await auth.invite.getByToken(ctx, token)))?.status).toBe("expired");
    expect((await pending()).page).toEqual([]);
    expect(await stored()).toBe("pending");

    // In a mutation the error rolls the mark back with everything else...
    await expectAuthError(accept(token, bob), "INVITE_EXPIRED");
    expect(await stored()).toBe("pending");
    // ...from an action (each call its own transaction) the mark stays.
    await expectAuthError(
      t.action(async (ctx) => await auth.invite.accept(ctx, token, { userId: bob })),
      "INVITE_EXPIRED",
    );
    expect(await stored()).toBe("expired");
    expect(await memberIds()).not.toContain(bob);
    // Expired is final.
    await expectAuthError(accept(token, bob), "INVITE_NOT_PENDING");
    const expired = await t.query(async (ctx) => await auth.invite.list(ctx, { groupId, status: "expired", paginationOpts: page(10) }));
    expect(expired.page.map((i) => i._id)).toEqual([inviteId]);
  });

  test("the component's accept marks and returns expired; expireDue marks what is due", async () => {
    useClock();
    const { t, invite, getInvite } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const a = await invite({ expirationTime: Date.now() + HOUR });
    const b = await invite({ expirationTime: Date.now() + HOUR });
    const c = await invite({ expirationTime: Date.now() + 3 * HOUR });
    const d = await invite();
    advance(2 * HOUR);
    const tokenHash = (await t.query(probe.rows, { table: "invites" })).find((i) => i._id === a.inviteId)?.tokenHash as string;
    expect(await t.mutation(components.auth.invites.accept, { tokenHash, userId: bob })).toEqual({
      status: "expired",
      inviteId: a.inviteId,
    });
    // Internal to the component; the hourly sweep would run it.
    const expireDue = (componentsGeneric() as AnyComponents).auth.invites.expireDue as FunctionReference<
      "mutation",
      "internal",
      Record<string, never>,
      number
    >;
    expect(await t.mutation(expireDue, {})).toBe(1); // b; a is already marked
    const stored = async () =>
      Object.fromEntries((await t.query(probe.rows, { table: "invites" })).map((i) => [i._id as string, i.status]));
    expect((await stored())[a.inviteId]).toBe("expired");
    expect((await stored())[b.inviteId]).toBe("expired");
    expect((await stored())[c.inviteId]).toBe("pending");
    expect((await getInvite(b.inviteId))?.status).toBe("expired");
    expect((await getInvite(c.inviteId))?.status).toBe("pending");
    expect((await getInvite(d.inviteId))?.status).toBe("pending");
  });

  test("expirationTime must be in the future; revoking a past-due invite reports INVITE_EXPIRED and marks it", async () => {
    useClock();
    const { t, invite, getInvite } = await setup();
    await expectAuthError(invite({ expirationTime: Date.now() }), "INVALID_ARGUMENT");
    const { inviteId } = await invite({ expirationTime: Date.now() + HOUR });
    advance(HOUR);
    await expectAuthError(
      t.action(async (ctx) => await auth.invite.revoke(ctx, inviteId)),
      "INVITE_EXPIRED",
    );
    expect((await getInvite(inviteId))?.status).toBe("expired");
    await expectAuthError(t.mutation(async (ctx) => await auth.invite.revoke(ctx, inviteId)), "INVITE_NOT_PENDING");
  });
});

describe("duplicates", () => {
  test("a second pending invite for the same email and group is refused, compared normalised", async () => {
    useClock();
    const { t, invite, accept, owner } = await setup();
    const first = await invite({ email: "Grace@Example.com " });
    await expectAuthError(invite({ email: "grace@example.com" }), "DUPLICATE_INVITE");
    // Another group, or no group, is another invite.
    const other = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Other", ownerUserId: owner }));
    await t.mutation(async (ctx) => await auth.invite.create(ctx, { groupId: other, email: "grace@example.com" }));
    await t.mutation(async (ctx) => await auth.invite.create(ctx, { email: "grace@example.com" }));
    await expectAuthError(
      t.mutation(async (ctx) => await auth.invite.create(ctx, { email: "GRACE@example.com" })),
      "DUPLICATE_INVITE",
    );
    // Invites without an email are never duplicates.
    await invite();
    await invite();
    // Once the first is no longer pending, a new one may go out.
    await t.mutation(async (ctx) => await auth.invite.revoke(ctx, first.inviteId));
    const second = await invite({ email: "grace@example.com", expirationTime: Date.now() + HOUR });
    expect((await t.query(async (ctx) => await auth.invite.get(ctx, second.inviteId)))?.email).toBe("grace@example.com");
    await expectAuthError(invite({ email: "grace@example.com" }), "DUPLICATE_INVITE");
    // A pending one past its expiry does not block (and is marked expired).
    advance(HOUR);
    const third = await invite({ email: "grace@example.com" });
    const statuses = Object.fromEntries(
      (await t.query(probe.rows, { table: "invites" })).map((i) => [i._id as string, i.status]),
    );
    expect(statuses[second.inviteId]).toBe("expired");
    expect(statuses[third.inviteId]).toBe("pending");
    // Accepted also frees the slot.
    const grace = await newUser(t, "grace@example.com", true);
    await accept(third.token, grace);
    await invite({ email: "grace@example.com" });
    await expectAuthError(invite({ email: "not an email" }), "INVALID_ARGUMENT");
  });
});

describe("email binding", () => {
  test("by default only a user whose verified email matches can accept", async () => {
    const { t, invite, accept, memberIds } = await setup();
    const graceUnverified = await newUser(t, "grace@example.com");
    const bobVerified = await newUser(t, "bob@example.com", true);
    const { token } = await invite({ email: "GRACE@example.com" });
    await expectAuthError(accept(token, graceUnverified), "INVITE_EMAIL_MISMATCH");
    await expectAuthError(accept(token, bobVerified), "INVITE_EMAIL_MISMATCH");
    expect(await memberIds()).toHaveLength(1);
    await t.mutation(components.auth.users.update, { userId: graceUnverified, patch: { emailVerificationTime: Date.now() } });
    await accept(token, graceUnverified);
    expect(await memberIds()).toContain(graceUnverified);
  });

  test("opting out on create: emailCheck 'match' skips verification, 'none' lets anyone with the link in", async () => {
    const { t, invite, accept } = await setup();
    const grace = await newUser(t, "grace@example.com");
    const bob = await newUser(t, "bob@example.com", true);
    const matching = await invite({ email: "grace@example.com", emailCheck: "match" });
    await expectAuthError(accept(matching.token, bob), "INVITE_EMAIL_MISMATCH");
    await accept(matching.token, grace);
    const anyone = await invite({ email: "hal@example.com", emailCheck: "none" });
    expect((await accept(anyone.token, bob)).role).toBe("member");
    await expectAuthError(
      t.mutation(async (ctx) => await auth.invite.create(ctx, { emailCheck: "none" })),
      "INVALID_ARGUMENT",
    );
  });

  test("opting out on accept: the accept's emailCheck overrides the invite's", async () => {
    const { t, invite, accept } = await setup();
    const grace = await newUser(t, "grace@example.com");
    const bob = await newUser(t, "bob@example.com");
    const { token } = await invite({ email: "grace@example.com" });
    await expectAuthError(accept(token, grace), "INVITE_EMAIL_MISMATCH");
    await expectAuthError(accept(token, bob, "match"), "INVITE_EMAIL_MISMATCH");
    await accept(token, grace, "match");
  });

  test("an email verified through the Password provider's code flow satisfies the default check", async () => {
    sent.length = 0;
    const modules = import.meta.glob(["../fixtures/verifiedEmail/**/*.ts", "!../fixtures/verifiedEmail/**/*.*.ts"]);
    const t = makeTestOf(modules);
    const signIn = makeFunctionReference<"action">("auth:signIn");
    const groupId = await t.mutation(async (ctx) => await verifyingAuth.group.create(ctx, { name: "G" }));
    const { token } = await t.mutation(
      async (ctx) => await verifyingAuth.invite.create(ctx, { groupId, email: "grace@example.com" }),
    );
    await t.action(signIn, { provider: "password", params: { flow: "signUp", email: "grace@example.com", password: PW } });
    const grace = await t.query(components.auth.users.get, { email: "grace@example.com" });
    const accept = () => t.mutation(async (ctx) => await verifyingAuth.invite.accept(ctx, token, { userId: grace!._id }));
    await expectAuthError(accept(), "INVITE_EMAIL_MISMATCH");
    await t.action(signIn, {
      provider: "password",
      params: { flow: "emailVerification", email: "grace@example.com", code: sent.at(-1)!.code },
    });
    expect((await accept()).groupId).toBe(groupId);
  });
});

describe("revoking and listing", () => {
  test("a revoked invite cannot be accepted or revoked again", async () => {
    const { t, invite, accept, getInvite } = await setup();
    const bob = await newUser(t, "bob@example.com");
    const { inviteId, token } = await invite();
    await t.mutation(async (ctx) => await auth.invite.revoke(ctx, inviteId));
    expect((await getInvite(inviteId))?.status).toBe("revoked");
    await expectAuthError(accept(token, bob), "INVITE_NOT_PENDING");
    await expectAuthError(t.mutation(async (ctx) => await auth.invite.revoke(ctx, inviteId)), "INVITE_NOT_PENDING");
  });

  test("list by group and by status, a page at a time", async () => {
    const { t, groupId, owner, invite, accept } = await setup();
    const other = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Other", ownerUserId: owner }));
    const made: { inviteId: string; token: string }[] = [];
    for (let i = 0; i < 5; i++) made.push(await invite());
    await t.mutation(async (ctx) => await auth.invite.create(ctx, { groupId: other }));
    await t.mutation(async (ctx) => await auth.invite.revoke(ctx, made[1].inviteId));
    await accept(made[2].token, await newUser(t, "bob@example.com"));
    const list = (args: { groupId?: string; status?: "pending" | "accepted" | "revoked" | "expired" }, n = 10, cursor: string | null = null) =>
      t.query(async (ctx) => await auth.invite.list(ctx, { ...args, paginationOpts: page(n, cursor) }));

    const ids = (r: { page: { _id: string }[] }) => r.page.map((i) => i._id);
    // A group's invites come by status (revoked, pending, expired, accepted), newest first within each.
    const byStatus = [made[1], made[4], made[3], made[0], made[2]].map((m) => m.inviteId);
    expect(ids(await list({ groupId }))).toEqual(byStatus);
    expect(ids(await list({ groupId, status: "pending" }))).toEqual([made[4], made[3], made[0]].map((m) => m.inviteId));
    expect(ids(await list({ status: "revoked" }))).toEqual([made[1].inviteId]);
    expect(ids(await list({ status: "accepted" }))).toEqual([made[2].inviteId]);
    expect((await list({})).page).toHaveLength(6);
    const first = await list({ groupId }, 2);
    const second = await list({ groupId }, 10, first.continueCursor);
    expect([...ids(first), ...ids(second)]).toEqual(byStatus);
    expect(JSON.stringify(await list({}))).not.toContain("tokenHash");
  });
});

describe("invites.get", () => {
  test("each unique key finds the same invite; a malformed id or unknown hash is null", async () => {
    const { t, invite } = await setup();
    const { inviteId } = await invite({ role: "admin" });
    const tokenHash = (await t.query(probe.rows, { table: "invites" })).find((i) => i._id === inviteId)?.tokenHash as string;
    const byId = await t.query(components.auth.invites.get, { inviteId });
    expect(byId).toMatchObject({ _id: inviteId, role: "admin", status: "pending" });
    expect(byId).not.toHaveProperty("tokenHash");
    expect(await t.query(components.auth.invites.get, { tokenHash })).toEqual(byId);
    expect(await t.query(components.auth.invites.get, { tokenHash: "A".repeat(43) })).toBeNull();
    for (const junk of ["junk", ""]) {
      expect(await t.query(components.auth.invites.get, { inviteId: junk })).toBeNull();
    }
    // Exactly one key.
    await expectAuthError(t.query(components.auth.invites.get, { inviteId, tokenHash }), "INVALID_ARGUMENT");
    await expectAuthError(t.query(components.auth.invites.get, {}), "INVALID_ARGUMENT");
  });
});
