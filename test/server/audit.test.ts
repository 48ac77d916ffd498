/**
 * A complete audit trail (issue "Accounts", §3): every change of state is
 * an event with its subject (`userId`, the user it is about), its actor
 * (`actorUserId`, who did it when someone else), its time, and the
 * request's IP and user agent where Convex passes them; `events.list`
 * finds them by user, by actor, by type and by time.
 */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { EVENT_USER_AGENT_MAX } from "../../src/component/model/events.js";
import { enrollTotp } from "../harness/totp.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey } from "../fixtures/passkeyFlows.js";
import { useEnvVars } from "../harness/envVars.js";

const PW = "correct horse battery staple";
const ADMIN = "admin@example.com";
const ORIGIN = "https://app.example.test";
const META = { ip: "203.0.113.7", userAgent: "AuditTest/1.0 (X11; Linux x86_64)" };

useEnvVars({ ADMIN_EMAILS: ADMIN, SITE_URL: ORIGIN }, { each: true });

type Event = {
  _creationTime: number;
  type: string;
  userId?: string;
  actorUserId?: string;
  reason?: string;
  data?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
  expirationTime?: number;
};
const allEvents = async (t: AuthTest) => (await t.query(probe.rows, { table: "events" })) as Event[];
/** The events of `type`, oldest first. */
const ofType = async (t: AuthTest, type: string) => (await allEvents(t)).filter((e) => e.type === type);
/** The one event of `type` (about `userId`, when given), checked to be one. */
async function only(t: AuthTest, type: string, userId?: string): Promise<Event> {
  const found = (await ofType(t, type)).filter((e) => userId === undefined || e.userId === userId);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

async function signedUp(t: AuthTest, email: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW));
  return { tokens, userId: claimsOf(tokens.token).userId!, client: as(t, tokens.token) };
}

/** The admin (a verified email in ADMIN_EMAILS), acting from a known browser. */
async function adminOf(t: AuthTest) {
  const admin = await signedUp(t, ADMIN);
  await t.mutation(components.auth.users.update, { userId: admin.userId, patch: { emailVerificationTime: Date.now() } });
  return { ...admin, client: admin.client.withRequestMetadata(META) };
}

describe("groups, memberships and invites", () => {
  test("each change is an event about the member (if any), with the caller as actor when it is someone else", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t, "ada@example.com");
    const bob = await signedUp(t, "bob@example.com");
    const carol = await signedUp(t, "carol@example.com");
    const asAda = ada.client.withRequestMetadata(META);

    const groupId = await asAda.mutation(async (ctx) => await auth.group.create(ctx, { name: "Engines", ownerUserId: ada.userId }));
    expect(await only(t, "group_created")).toMatchObject({ userId: ada.userId, data: { groupId, name: "Engines" }, ...META });
    expect((await only(t, "group_created")).actorUserId).toBeUndefined(); // the owner created it
    const forBob = await asAda.mutation(async (ctx) => await auth.group.create(ctx, { name: "Bob's", ownerUserId: bob.userId }));
    expect((await ofType(t, "group_created"))[1]).toMatchObject({ userId: bob.userId, actorUserId: ada.userId, data: { groupId: forBob } });

    const memberId = await asAda.mutation(async (ctx) => await auth.member.add(ctx, { groupId, userId: bob.userId, role: "member" }));
    expect(await only(t, "member_added")).toMatchObject({ userId: bob.userId, actorUserId: ada.userId, data: { groupId, memberId, role: "member" } });
    await asAda.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId: bob.userId, role: "admin" }));
    expect(await only(t, "member_role_changed")).toMatchObject({
      userId: bob.userId,
      actorUserId: ada.userId,
      data: { groupId, memberId, from: "member", role: "admin" },
    });
    // The same role again changes nothing and records nothing.
    await asAda.mutation(async (ctx) => await auth.member.updateRole(ctx, { groupId, userId: bob.userId, role: "admin" }));
    expect(await ofType(t, "member_role_changed")).toHaveLength(1);

    await asAda.mutation(async (ctx) => await auth.group.update(ctx, groupId, { name: "Analytical Engines", slug: "ae" }));
    const updated = await only(t, "group_updated");
    expect(updated).toMatchObject({ actorUserId: ada.userId, data: { groupId, fields: "name,slug" } });
    expect(updated.userId).toBeUndefined();

    const invite = await asAda.mutation(
      async (ctx) => await auth.invite.create(ctx, { groupId, email: "carol@example.com", emailCheck: "match", role: "viewer" }),
    );
    const created = await only(t, "invite_created");
    expect(created).toMatchObject({ actorUserId: ada.userId, data: { inviteId: invite.inviteId, groupId, email: "carol@example.com", role: "viewer" } });
    expect(JSON.stringify(created)).not.toContain(invite.token);
    const accepted = await carol.client.mutation(async (ctx) => await auth.invite.accept(ctx, invite.token, { userId: carol.userId }));
    const acceptedEvent = await only(t, "invite_accepted");
    expect(acceptedEvent).toMatchObject({ userId: carol.userId, data: { inviteId: invite.inviteId, groupId, memberId: accepted.memberId, role: "viewer" } });
    expect(acceptedEvent.actorUserId).toBeUndefined();

    const revoked = await asAda.mutation(async (ctx) => await auth.invite.create(ctx, { groupId }));
    await asAda.mutation(async (ctx) => await auth.invite.revoke(ctx, revoked.inviteId));
    expect(await only(t, "invite_revoked")).toMatchObject({ actorUserId: ada.userId, data: { inviteId: revoked.inviteId, groupId } });

    await asAda.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: bob.userId }));
    await carol.client.mutation(async (ctx) => await auth.member.remove(ctx, { groupId, userId: carol.userId }));
    const removed = await ofType(t, "member_removed");
    expect(removed.map((e) => [e.userId, e.actorUserId ?? null, e.data?.role])).toEqual([
      [bob.userId, ada.userId, "admin"],
      [carol.userId, null, "viewer"], // she left herself
    ]);

    await asAda.mutation(async (ctx) => await auth.group.delete(ctx, groupId));
    expect(await only(t, "group_deleted")).toMatchObject({ actorUserId: ada.userId, data: { groupId, name: "Analytical Engines" }, ...META });

    // What Ada did to others, newest first; and of one type.
    const page = { numItems: 50, cursor: null };
    const byAda = await t.query(components.auth.events.list, { actorUserId: ada.userId, paginationOpts: page });
    expect(byAda.page.map((e) => e.type)).toEqual([
      "group_deleted",
      "member_removed",
      "invite_revoked",
      "invite_created",
      "invite_created",
      "group_updated",
      "member_role_changed",
      "member_added",
      "group_created",
    ]);
    const adaRemoved = await t.query(components.auth.events.list, { actorUserId: ada.userId, type: "member_removed", paginationOpts: page });
    expect(adaRemoved.page.map((e) => e.userId)).toEqual([bob.userId]);
    // Bob's own trail shows what was done to him.
    const aboutBob = await t.query(components.auth.events.list, { userId: bob.userId, paginationOpts: page });
    expect(aboutBob.page.map((e) => e.type)).toEqual(["member_removed", "member_role_changed", "member_added", "group_created", "sign_in", "sign_up"]);
    await expectAuthError(
      t.query(components.auth.events.list, { userId: bob.userId, actorUserId: ada.userId, paginationOpts: page }),
      "INVALID_ARGUMENT",
    );
    expect((await t.query(components.auth.events.list, { actorUserId: "junk", paginationOpts: page })).page).toEqual([]);
  });

  test("a component call names its actor (invitedByUserId for an invite); a malformed actor is INVALID_ARGUMENT and writes nothing", async () => {
    const t = makeAuthTest();
    const ada = await t.mutation(components.auth.users.create, { email: "ada@example.com" });
    const admin = await t.mutation(components.auth.users.create, { email: "admin@example.com" });
    const groupId = await t.mutation(components.auth.groups.create, { name: "G", actorUserId: admin });
    await t.mutation(components.auth.invites.create, { tokenHash: "h1", groupId, invitedByUserId: ada });
    expect(await only(t, "invite_created")).toMatchObject({ actorUserId: ada });
    const before = JSON.stringify(await allEvents(t));
    await expectAuthError(t.mutation(components.auth.members.set, { groupId, userId: ada, role: "x", actorUserId: "junk" }), "INVALID_ARGUMENT");
    await expectAuthError(t.mutation(components.auth.groups.delete, { groupId, actorUserId: "junk" }), "INVALID_ARGUMENT");
    expect(JSON.stringify(await allEvents(t))).toBe(before);
    expect(await t.query(components.auth.members.get, { groupId, userId: ada })).toBeNull();
  });
});

describe("API keys", () => {
  test("created, updated, rotated, revoked and removed: the user's own without an actor, an admin's with them", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t, "ada@example.com");
    const admin = await adminOf(t);
    const scopes = [{ resource: "profile", actions: ["read"] }];

    const own = await ada.client.mutation(async (ctx) => await auth.key.create(ctx, { name: "CI", scopes }));
    await ada.client.mutation(async (ctx) => await auth.key.update(ctx, own.keyId, { name: "CI deploys", rateLimit: null }));
    const rotated = await ada.client.mutation(async (ctx) => await auth.key.rotate(ctx, own.keyId));
    await ada.client.mutation(async (ctx) => await auth.key.revoke(ctx, rotated.keyId));
    const byAdmin = await admin.client.mutation(async (ctx) => await auth.admin.key.create(ctx, { userId: ada.userId, name: "Support", scopes }));
    await admin.client.mutation(async (ctx) => await auth.admin.key.update(ctx, byAdmin.keyId, { scopes: [] }));
    await admin.client.mutation(async (ctx) => await auth.admin.key.remove(ctx, byAdmin.keyId));

    const keyEvents = (await allEvents(t)).filter((e) => e.type.startsWith("api_key_"));
    expect(keyEvents.map((e) => [e.type, e.userId, e.actorUserId ?? null, e.data])).toEqual([
      ["api_key_created", ada.userId, null, { keyId: own.keyId, name: "CI" }],
      ["api_key_updated", ada.userId, null, { keyId: own.keyId, fields: "name,rateLimit" }],
      ["api_key_rotated", ada.userId, null, { keyId: own.keyId, newKeyId: rotated.keyId }],
      ["api_key_revoked", ada.userId, null, { keyId: rotated.keyId }],
      ["api_key_created", ada.userId, admin.userId, { keyId: byAdmin.keyId, name: "Support" }],
      ["api_key_updated", ada.userId, admin.userId, { keyId: byAdmin.keyId, fields: "scopes" }],
      ["api_key_removed", ada.userId, admin.userId, { keyId: byAdmin.keyId }],
    ]);
    for (const event of keyEvents.filter((e) => e.actorUserId !== undefined)) expect(event).toMatchObject(META);
    expect(JSON.stringify(keyEvents)).not.toContain(own.raw);
  });
});

describe("factors", () => {
  test("TOTP added and removed, recovery codes regenerated, a passkey added, renamed and removed by an admin", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t, "ada@example.com");
    const admin = await adminOf(t);
    const { tokens, totpId } = await enrollTotp(t, ada.tokens.token, "Phone");
    expect(await only(t, "totp_added")).toMatchObject({ userId: ada.userId, data: { totpId } });
    const codes = await as(t, tokens.token).mutation(api.totp.regenerateRecoveryCodes, {});
    expect(await only(t, "recovery_codes_generated")).toMatchObject({ userId: ada.userId, data: { count: codes.length } });

    const { passkeyId } = (await addPasskey(t, tokens.token, new SoftAuthenticator(ORIGIN))) as { passkeyId?: string };
    const added = await only(t, "passkey_added");
    expect(added).toMatchObject({ userId: ada.userId, data: { secondFactor: false } });
    const addedId = String(added.data!.passkeyId);
    if (passkeyId !== undefined) expect(addedId).toBe(passkeyId);
    await as(t, tokens.token).mutation(api.passkeys.rename, { passkeyId: addedId, name: "Laptop" });
    expect(await only(t, "passkey_updated")).toMatchObject({ userId: ada.userId, data: { passkeyId: addedId, name: "Laptop" } });
    await admin.client.mutation(async (ctx) => await auth.admin.passkey.remove(ctx, addedId));
    expect(await only(t, "passkey_removed")).toMatchObject({ userId: ada.userId, actorUserId: admin.userId, ...META });

    await as(t, tokens.token).mutation(api.totp.remove, { totpId });
    const removed = await only(t, "totp_removed");
    expect(removed).toMatchObject({ userId: ada.userId, data: { totpId } });
    expect(removed.actorUserId).toBeUndefined();
    for (const code of codes) expect(JSON.stringify(await allEvents(t))).not.toContain(code);
  });
});

describe("accounts administration and bans", () => {
  test("admin changes are events about the user with the admin as actor and the request's IP and user agent", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t, "ada@example.com");
    const admin = await adminOf(t);

    await admin.client.mutation(async (ctx) => await auth.admin.user.update(ctx, ada.userId, { name: "Ada L.", phone: "+15555550100" }));
    expect(await only(t, "user_updated", ada.userId)).toMatchObject({ userId: ada.userId, actorUserId: admin.userId, data: { fields: "name,phone" }, ...META });
    // Values never reach the log: only the names of the fields.
    expect(JSON.stringify(await allEvents(t))).not.toContain("+15555550100");

    await admin.client.mutation(async (ctx) => await auth.admin.user.ban(ctx, ada.userId, { reason: "spam" }));
    expect(await only(t, "user_banned")).toMatchObject({ userId: ada.userId, actorUserId: admin.userId, data: { reason: "spam" }, ...META });
    expect(await only(t, "session_revoked")).toMatchObject({ userId: ada.userId, actorUserId: admin.userId, reason: "banned", ...META });
    await admin.client.mutation(async (ctx) => await auth.admin.user.unban(ctx, ada.userId));
    expect(await only(t, "user_unbanned")).toMatchObject({ userId: ada.userId, actorUserId: admin.userId, ...META });

    await admin.client.mutation(async (ctx) => await auth.admin.user.delete(ctx, ada.userId));
    const deleted = await only(t, "user_deleted");
    expect(deleted).toMatchObject({ actorUserId: admin.userId, data: { userId: ada.userId }, ...META });
    expect(deleted.userId).toBeUndefined();
    // Ada's own events went with her; what was done to her by whom stays, under the admin.
    expect((await allEvents(t)).filter((e) => e.userId === ada.userId)).toEqual([]);
    const byAdmin = await t.query(components.auth.events.list, { actorUserId: admin.userId, paginationOpts: { numItems: 10, cursor: null } });
    expect(byAdmin.page.map((e) => e.type)).toEqual(["user_deleted"]);
  });

  test("a user deleting themself is the actor of user_deleted; a user made without an account is user_created", async () => {
    const t = makeAuthTest();
    const bob = await signedUp(t, "bob@example.com");
    await bob.client.mutation(api.users.deleteMe, {});
    expect(await only(t, "user_deleted")).toMatchObject({ actorUserId: bob.userId, data: { userId: bob.userId } });
    const admin = await t.mutation(components.auth.users.create, { email: "admin@example.com" });
    const carol = await t.mutation(components.auth.users.create, { email: "carol@example.com", actorUserId: admin });
    expect((await ofType(t, "user_created")).map((e) => [e.userId, e.actorUserId ?? null])).toEqual([
      [admin, null],
      [carol, admin],
    ]);
  });
});

describe("auth.admin.audit.list", () => {
  test("an admin reads a user's trail and an actor's; anyone else is FORBIDDEN; malformed arguments are INVALID_ARGUMENT", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t, "ada@example.com");
    const admin = await adminOf(t);
    await admin.client.mutation(async (ctx) => await auth.admin.user.ban(ctx, ada.userId, { reason: "spam" }));
    const page = { numItems: 10, cursor: null };
    const aboutAda = await admin.client.query(async (ctx) => await auth.admin.audit.list(ctx, { userId: ada.userId, paginationOpts: page }));
    expect(aboutAda.page.map((e) => e.type)).toEqual(["user_banned", "session_revoked", "sign_in", "sign_up"]);
    const byAdmin = await admin.client.query(
      async (ctx) => await auth.admin.audit.list(ctx, { actorUserId: admin.userId, type: "user_banned", paginationOpts: page }),
    );
    expect(byAdmin.page).toMatchObject([{ type: "user_banned", userId: ada.userId, actorUserId: admin.userId, ip: META.ip }]);
    const banned = await t.query(async (ctx) => await auth.admin.audit.list(ctx, { type: "user_banned", since: Date.now() - 60_000, paginationOpts: page }));
    expect(banned.page).toHaveLength(1);
    const bob = await signedUp(t, "bob@example.com");
    await expectAuthError(bob.client.query(async (ctx) => await auth.admin.audit.list(ctx, { userId: ada.userId, paginationOpts: page })), "FORBIDDEN");
    for (const bad of [{ userId: 5 }, { type: "sign_in", since: "yesterday" }, { type: "sign_in", paginationOpts: { numItems: "x" } }, {}]) {
      await expectAuthError(
        t.query(async (ctx) => await auth.admin.audit.list(ctx, { paginationOpts: page, ...bad } as never)),
        "INVALID_ARGUMENT",
      );
    }
  });
});

describe("request metadata", () => {
  test("sign-in events carry the IP and user agent Convex passes the action; an overlong user agent is cut", async () => {
    const t = makeAuthTest();
    await password.signUp(t, "ada@example.com", PW);
    const browser = t.withRequestMetadata(META);
    await browser.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: "ada@example.com", password: PW } });
    const [first, second] = await ofType(t, "sign_in");
    expect(first!.ip).toBeUndefined();
    expect(first!.userAgent).toBeUndefined();
    expect(second).toMatchObject(META);
    const long = "x".repeat(5000);
    await t
      .withRequestMetadata({ ip: META.ip, userAgent: long })
      .action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: "ada@example.com", password: PW } });
    expect((await ofType(t, "sign_in"))[2]!.userAgent).toBe(long.slice(0, EVENT_USER_AGENT_MAX));
  });
});
