/**
 * Accounts administration (`auth.admin.user.*`, through the example's
 * convex/admin.ts as an app calls it): the user list (newest first, filters,
 * email and name prefix search, pages), a user's detail (no secrets, capped
 * lists), signing a user out everywhere, marking an email verified and
 * removing a factor, each audited with the admin as actor. Refusals (a
 * non-admin, a signed-out caller, an ended session, malformed ids, oversized
 * searches, bad pages) are coded errors and write nothing.
 */
import type { FunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { enrollTotp } from "../harness/totp.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey, signUpWithPasskey } from "../fixtures/passkeyFlows.js";
import { useEnvVars } from "../harness/envVars.js";

const PW = "correct horse battery staple";
const ADMIN = "admin@example.com";
const ORIGIN = "https://app.example.test";

useEnvVars({ ADMIN_EMAILS: ADMIN, SITE_URL: ORIGIN }, { each: true });

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
const rows = async (t: AuthTest, table: string) => await t.query(probe.rows, { table });

async function signedUp(t: AuthTest, email: string, name?: string) {
  const tokens = tokensOf(await password.signUp(t, email, PW, name !== undefined ? { name } : {}));
  return { tokens, userId: claimsOf(tokens.token).userId! };
}

/** The admin (a verified email in ADMIN_EMAILS), signed in, and a client acting as them. */
async function adminOf(t: AuthTest) {
  const admin = await signedUp(t, ADMIN, "The Admin");
  await t.mutation(components.auth.users.update, { userId: admin.userId, patch: { emailVerificationTime: Date.now() } });
  return { ...admin, as: as(t, admin.tokens.token) };
}

const page = (numItems: number, cursor: string | null = null) => ({ numItems, cursor });
type ListArgs = { search?: string; filter?: "banned" | "unverified" | "has2fa" };

/** Every page of the admin list, following the cursor; the emails in order. */
async function allEmails(client: ReturnType<AuthTest["withIdentity"]>, args: ListArgs, numItems = 2): Promise<string[]> {
  const emails: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const result: { page: { email: string | null }[]; isDone: boolean; continueCursor: string } = await client.query(
      api.admin.listUsers,
      { ...args, paginationOpts: page(numItems, cursor) },
    );
    emails.push(...result.page.map((u) => u.email ?? "(none)"));
    if (result.isDone) return emails;
    cursor = result.continueCursor;
  }
  throw new Error("the list never ended");
}

describe("auth.admin.user.list", () => {
  test("every user newest first, a page at a time", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    for (const who of ["b", "c", "d", "e"]) await signedUp(t, `${who}@example.com`);
    expect(await allEmails(admin.as, {})).toEqual(["e@example.com", "d@example.com", "c@example.com", "b@example.com", ADMIN]);
    const first = await admin.as.query(api.admin.listUsers, { paginationOpts: page(2) });
    expect(first.page.map((u) => u.email)).toEqual(["e@example.com", "d@example.com"]);
    expect(first.isDone).toBe(false);
    // The same through the helper directly.
    const direct = await admin.as.query(async (ctx) => await auth.admin.user.list(ctx, { paginationOpts: page(2) }));
    expect(direct.page.map((u) => u.email)).toEqual(["e@example.com", "d@example.com"]);
  });

  test("search: an email prefix (normalised as emails are), then a name prefix (any case); nobody twice", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    await signedUp(t, "ada@example.com", "Zed");
    await signedUp(t, "adam@example.com", "Adam Smith");
    await signedUp(t, "bob@example.com", "Ada Lovelace");
    await signedUp(t, "carl@example.com", "ADAline");
    await signedUp(t, "dan@example.com", "Daniel");
    // Emails first (email order), then names (name order); adam is listed once though both match.
    expect(await allEmails(admin.as, { search: "  ADA " })).toEqual(["ada@example.com", "adam@example.com", "bob@example.com", "carl@example.com"]);
    expect(await allEmails(admin.as, { search: "ada" }, 50)).toEqual(["ada@example.com", "adam@example.com", "bob@example.com", "carl@example.com"]);
    expect(await allEmails(admin.as, { search: "ada l" })).toEqual(["bob@example.com"]);
    expect(await allEmails(admin.as, { search: "adam@" })).toEqual(["adam@example.com"]);
    expect(await allEmails(admin.as, { search: "zzz" })).toEqual([]);
    // A blank search is no search.
    expect((await allEmails(admin.as, { search: "   " })).length).toBe(6);
  });

  test("a renamed user is found by the new name only; a name unset is found by none", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com", "Lovelace");
    expect(await allEmails(admin.as, { search: "love" })).toEqual(["ada@example.com"]);
    await as(t, ada.tokens.token).mutation(api.users.rename, { name: "Byron" });
    expect(await allEmails(admin.as, { search: "love" })).toEqual([]);
    expect(await allEmails(admin.as, { search: "BYR" })).toEqual(["ada@example.com"]);
    await t.mutation(components.auth.users.update, { userId: ada.userId, patch: { name: null } });
    expect(await allEmails(admin.as, { search: "byr" })).toEqual([]);
    // Users made without a password account (and by OAuth, passkeys...) are keyed too.
    await t.mutation(components.auth.users.create, { email: "x@example.com", name: "Grace Hopper" });
    expect(await allEmails(admin.as, { search: "grace" })).toEqual(["x@example.com"]);
  });

  test("filters: banned (now; most recently banned first), unverified, has2fa (TOTP or a two-factor passkey)", async () => {
    useClock();
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const b = await signedUp(t, "b@example.com");
    const c = await signedUp(t, "c@example.com");
    const d = await signedUp(t, "d@example.com");
    const e = await signedUp(t, "e@example.com");
    await admin.as.mutation(api.admin.ban, { userId: c.userId, reason: "spam" });
    advance(1000);
    await admin.as.mutation(api.admin.ban, { userId: b.userId, reason: "spam" });
    await admin.as.mutation(async (ctx) => await auth.admin.user.ban(ctx, d.userId, { reason: "cool off", expirationTime: Date.now() + 60_000 }));
    expect(await allEmails(admin.as, { filter: "banned" })).toEqual(["d@example.com", "b@example.com", "c@example.com"]);
    advance(60_001);
    // A lapsed ban is left out.
    expect(await allEmails(admin.as, { filter: "banned" })).toEqual(["b@example.com", "c@example.com"]);

    await t.mutation(components.auth.users.update, { userId: e.userId, patch: { emailVerificationTime: Date.now() } });
    expect(await allEmails(admin.as, { filter: "unverified" })).toEqual(["d@example.com", "c@example.com", "b@example.com"]);

    expect(await allEmails(admin.as, { filter: "has2fa" })).toEqual([]);
    await enrollTotp(t, e.tokens.token);
    const key = new SoftAuthenticator(ORIGIN);
    const f = await signedUp(t, "f@example.com");
    tokensOf(await addPasskey(t, f.tokens.token, key, { secondFactor: true }));
    // A passkey only to sign in with is no second factor.
    const g = await signedUp(t, "g@example.com");
    tokensOf(await addPasskey(t, g.tokens.token, new SoftAuthenticator(ORIGIN)));
    expect(await allEmails(admin.as, { filter: "has2fa" })).toEqual(["f@example.com", "e@example.com"]);

    // The flag follows the factors: the passkey stops counting, then counts again.
    const [passkey] = await t.query(async (ctx) => await auth.admin.passkey.list(ctx, f.userId));
    await t.mutation(components.auth.credentials.update, { passkeyId: passkey!._id, secondFactor: false });
    expect(await allEmails(admin.as, { filter: "has2fa" })).toEqual(["e@example.com"]);
    await t.mutation(components.auth.credentials.update, { passkeyId: passkey!._id, secondFactor: true });
    expect(await allEmails(admin.as, { filter: "has2fa" })).toEqual(["f@example.com", "e@example.com"]);
    // Removing it turns the flag off.
    await admin.as.mutation(api.admin.removeFactor, { userId: f.userId, kind: "passkey", id: passkey!._id });
    expect(await allEmails(admin.as, { filter: "has2fa" })).toEqual(["e@example.com"]);
    void g;
  });

  test("search and filter together: the search's pages, keeping the users the filter takes", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    await signedUp(t, "adam@example.com");
    await signedUp(t, "bob@example.com", "Ada B");
    await admin.as.mutation(api.admin.ban, { userId: ada.userId, reason: "spam" });
    expect(await allEmails(admin.as, { search: "ada", filter: "banned" }, 1)).toEqual(["ada@example.com"]);
    expect(await allEmails(admin.as, { search: "ada", filter: "unverified" }, 1)).toEqual([
      "ada@example.com",
      "adam@example.com",
      "bob@example.com",
    ]);
    // A page may be short (the filter dropped users), yet the list goes on until isDone.
    const first = await admin.as.query(api.admin.listUsers, { search: "ada", filter: "has2fa", paginationOpts: page(1) });
    expect(first).toMatchObject({ page: [], isDone: false });
  });

  test("refused, writing nothing: a long search, a page size out of range, a foreign cursor, an unknown filter", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    for (const who of ["b", "c", "d"]) await signedUp(t, `${who}@example.com`);
    const before = await snapshot(t);
    const list = (args: Record<string, unknown>) => admin.as.query(async (ctx) => await auth.admin.user.list(ctx, args as never));
    await expectAuthError(list({ search: "x".repeat(321), paginationOpts: page(10) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ search: "x".repeat(200_000), paginationOpts: page(10) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: page(0) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: page(201) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: page(1.5) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: { numItems: "10", cursor: null } }), "INVALID_ARGUMENT");
    await expectAuthError(list({}), "INVALID_ARGUMENT");
    await expectAuthError(list({ filter: "admins", paginationOpts: page(10) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ search: 42, paginationOpts: page(10) }), "INVALID_ARGUMENT");
    const { continueCursor } = await admin.as.query(api.admin.listUsers, { paginationOpts: page(1) });
    // A cursor of another list, a made-up one, one whose index part is garbage.
    await expectAuthError(list({ filter: "banned", paginationOpts: page(1, continueCursor) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ search: "b", paginationOpts: page(1, continueCursor) }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: page(1, "junk") }), "INVALID_ARGUMENT");
    await expectAuthError(list({ paginationOpts: page(1, "all|{not json") }), "INVALID_ARGUMENT");
    expect(await snapshot(t)).toBe(before);
  });
});

describe("auth.admin.user.detail", () => {
  test("the user, accounts, sessions (device, IP, start, last use), factors, keys and groups, and no secret", async () => {
    useClock();
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com", "Ada");
    advance(5_000);
    const refreshed = tokensOf(await refresh(t, ada.tokens.refreshToken));
    const { tokens: verified } = await enrollTotp(t, refreshed.token, "Phone");
    await t.action(async (ctx) => await auth.admin.key.create(ctx, { userId: ada.userId, name: "CI", scopes: [{ resource: "profile", actions: ["read"] }] }));
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "Acme", ownerUserId: ada.userId }));
    void verified;

    const detail = await admin.as.query(api.admin.userDetail, { userId: ada.userId });
    expect(detail.user).toMatchObject({ _id: ada.userId, email: "ada@example.com", name: "Ada", hasSecondFactor: true });
    expect(detail.accounts).toEqual([
      expect.objectContaining({ provider: "password", providerAccountId: "ada@example.com", hasSecret: true }),
    ]);
    expect(detail.sessions.length).toBe(1);
    const [session] = detail.sessions;
    expect(session!.live).toBe(true);
    expect(session!.lastUsedTime).toBeGreaterThanOrEqual(session!._creationTime);
    expect(detail.totpFactors).toEqual([expect.objectContaining({ name: "Phone", activatedTime: expect.any(Number) })]);
    expect(detail.recoveryCodesLeft).toBe(0);
    expect(detail.passkeys).toEqual([]);
    expect(detail.apiKeys).toEqual([expect.objectContaining({ name: "CI", displayPrefix: expect.stringMatching(/^sk_test_/) })]);
    expect(detail.groups).toEqual([expect.objectContaining({ groupId, role: "owner", group: expect.objectContaining({ name: "Acme" }) })]);
    expect(detail.truncated).toEqual({ accounts: false, sessions: false, totpFactors: false, apiKeys: false, groups: false });

    // No secret or hash of any kind.
    const json = JSON.stringify(detail);
    for (const field of ["secret", "secretCiphertext", "secretIv", "keyHash", "tokenHash", "codeHash", "publicKey", "userHandle", "bucket"]) {
      expect(json).not.toContain(`"${field}"`);
    }
    const [account] = await rows(t, "accounts");
    expect(json).not.toContain(String((account as { secret: string }).secret));
  });

  test("lists are capped and say so; reads stay bounded", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    await t.mutation(probe.seedSessions, { userId: ada.userId, count: 80, tokensEach: 2, from: 10 });
    const detail = await admin.as.query(api.admin.userDetail, { userId: ada.userId });
    expect(detail.sessions.length).toBe(50);
    expect(detail.truncated.sessions).toBe(true);
    // Newest first.
    expect(detail.sessions[0]!._creationTime).toBeGreaterThanOrEqual(detail.sessions[49]!._creationTime);
  });

  test("malformed or unknown ids are NOT_FOUND", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const groupId = await t.mutation(async (ctx) => await auth.group.create(ctx, { name: "G" }));
    for (const junk of ["junk", "", groupId, "x".repeat(200_000)]) {
      await expectAuthError(admin.as.query(api.admin.userDetail, { userId: junk }), "NOT_FOUND");
    }
    await expectAuthError(admin.as.query(async (ctx) => await auth.admin.user.detail(ctx, { userId: 7 } as never)), "INVALID_ARGUMENT");
  });
});

describe("acting on a user", () => {
  test("revokeSessions ends every session (admin_revoke); the live check refuses; audited with the admin", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    const phone = tokensOf(await password.signIn(t, "ada@example.com", PW));
    expect(await admin.as.mutation(api.admin.revokeSessions, { userId: ada.userId })).toEqual({ ended: 2, continuing: false });
    await expectAuthError(as(t, ada.tokens.token).query(api.sessions.list, {}), "SESSION_ENDED");
    expect(await refresh(t, phone.refreshToken)).toEqual({ tokens: null });
    expect(await as(t, phone.token).query(api.auth.sessionState, {})).toMatchObject({ live: false });
    const events = (await rows(t, "events")) as { type: string; reason?: string; actorUserId?: string; data?: unknown }[];
    const revoked = events.filter((e) => e.type === "session_revoked" && e.reason === "admin_revoke");
    expect(revoked.length).toBe(2);
    expect(revoked.every((e) => e.actorUserId === admin.userId)).toBe(true);
    expect(events.find((e) => e.type === "sessions_revoked")).toMatchObject({ data: { ended: 2, continuing: false }, actorUserId: admin.userId });
    // The admin's own session lives on; the user can sign in again.
    expect((await admin.as.query(api.admin.listUsers, { paginationOpts: page(1) })).page.length).toBe(1);
    tokensOf(await password.signIn(t, "ada@example.com", PW));
  });

  test("ban and unban are audited with the admin as actor", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    await admin.as.mutation(api.admin.ban, { userId: ada.userId, reason: "spam" });
    await admin.as.mutation(api.admin.unban, { userId: ada.userId });
    const events = (await rows(t, "events")) as { type: string; reason?: string; actorUserId?: string }[];
    for (const type of ["user_banned", "user_unbanned"]) expect(events.find((e) => e.type === type)?.actorUserId).toBe(admin.userId);
    expect(events.find((e) => e.type === "session_revoked" && e.reason === "banned")?.actorUserId).toBe(admin.userId);
  });

  test("markEmailVerified sets the time once, audited; a user without an email is INVALID_ARGUMENT", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    expect(await admin.as.mutation(api.admin.markEmailVerified, { userId: ada.userId })).toBe(true);
    const user = await t.query(components.auth.users.get, { userId: ada.userId });
    expect(user?.emailVerificationTime).toEqual(expect.any(Number));
    // The admin vouched: nothing of the user was cleared (their session lives on).
    expect((await as(t, ada.tokens.token).query(api.sessions.list, {})).length).toBe(1);
    const before = await snapshot(t);
    expect(await admin.as.mutation(api.admin.markEmailVerified, { userId: ada.userId })).toBe(false);
    expect(await snapshot(t)).toBe(before);
    const events = (await rows(t, "events")) as { type: string; actorUserId?: string; userId?: string }[];
    expect(events.filter((e) => e.type === "email_verified" && e.userId === ada.userId)).toEqual([
      expect.objectContaining({ actorUserId: admin.userId }),
    ]);
    const guest = await t.mutation(components.auth.users.create, { isAnonymous: true });
    const withGuest = await snapshot(t);
    await expectAuthError(admin.as.mutation(api.admin.markEmailVerified, { userId: guest }), "INVALID_ARGUMENT");
    expect(await snapshot(t)).toBe(withGuest);
  });

  test("removeFactor: a TOTP factor (its recovery codes go too; 2FA off) and a passkey, audited; never the last way in", async () => {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const ada = await signedUp(t, "ada@example.com");
    const { totpId, tokens } = await enrollTotp(t, ada.tokens.token);
    await as(t, tokens.token).mutation(api.totp.regenerateRecoveryCodes, {});
    expect((await admin.as.query(api.admin.userDetail, { userId: ada.userId })).recoveryCodesLeft).toBeGreaterThan(0);
    // Someone else's factor, or a junk id, is NOT_FOUND.
    const bob = await signedUp(t, "bob@example.com");
    const before = await snapshot(t);
    await expectAuthError(admin.as.mutation(api.admin.removeFactor, { userId: bob.userId, kind: "totp", id: totpId }), "NOT_FOUND");
    await expectAuthError(admin.as.mutation(api.admin.removeFactor, { userId: ada.userId, kind: "passkey", id: totpId }), "NOT_FOUND");
    await expectAuthError(admin.as.mutation(api.admin.removeFactor, { userId: ada.userId, kind: "totp", id: "junk" }), "NOT_FOUND");
    await expectAuthError(
      admin.as.mutation(async (ctx) => await auth.admin.user.removeFactor(ctx, { userId: ada.userId, factor: { kind: "sms", id: totpId } as never })),
      "INVALID_ARGUMENT",
    );
    await expectAuthError(
      admin.as.mutation(async (ctx) => await auth.admin.user.removeFactor(ctx, { userId: ada.userId } as never)),
      "INVALID_ARGUMENT",
    );
    expect(await snapshot(t)).toBe(before);

    await admin.as.mutation(api.admin.removeFactor, { userId: ada.userId, kind: "totp", id: totpId });
    const detail = await admin.as.query(api.admin.userDetail, { userId: ada.userId });
    expect(detail.totpFactors).toEqual([]);
    expect(detail.recoveryCodesLeft).toBe(0);
    expect(detail.user.hasSecondFactor).toBeUndefined();
    // A password sign-in needs no second factor any more.
    tokensOf(await password.signIn(t, "ada@example.com", PW));
    const events = (await rows(t, "events")) as { type: string; actorUserId?: string }[];
    expect(events.find((e) => e.type === "totp_removed")?.actorUserId).toBe(admin.userId);

    // A passkey-only user's passkey is their last way in.
    const key = new SoftAuthenticator(ORIGIN);
    const signUp = tokensOf(await signUpWithPasskey(t, key, { email: "pk@example.com", name: "Petra Key" }));
    const pkUser = claimsOf(signUp.token).userId!;
    // A passkey sign-up's name is searchable too.
    expect(await allEmails(admin.as, { search: "petra" })).toEqual(["pk@example.com"]);
    const [passkey] = (await admin.as.query(api.admin.userDetail, { userId: pkUser })).passkeys;
    await expectAuthError(admin.as.mutation(api.admin.removeFactor, { userId: pkUser, kind: "passkey", id: passkey!._id }), "LAST_FACTOR");
    // With a second passkey, one may go.
    tokensOf(await addPasskey(t, signUp.token, new SoftAuthenticator(ORIGIN)));
    await admin.as.mutation(api.admin.removeFactor, { userId: pkUser, kind: "passkey", id: passkey!._id });
    expect((await admin.as.query(api.admin.userDetail, { userId: pkUser })).passkeys.length).toBe(1);
    const removed = ((await rows(t, "events")) as { type: string; actorUserId?: string }[]).find((e) => e.type === "passkey_removed");
    expect(removed?.actorUserId).toBe(admin.userId);
  });
});

describe("who may", () => {
  /** Every admin function of the example, with valid arguments about `userId`. */
  const calls = (userId: string, factorId: string) => [
    { kind: "query", ref: api.admin.listUsers, args: { paginationOpts: page(10) } },
    { kind: "query", ref: api.admin.userDetail, args: { userId } },
    { kind: "mutation", ref: api.admin.ban, args: { userId, reason: "spam" } },
    { kind: "mutation", ref: api.admin.unban, args: { userId } },
    { kind: "mutation", ref: api.admin.revokeSessions, args: { userId } },
    { kind: "mutation", ref: api.admin.markEmailVerified, args: { userId } },
    { kind: "mutation", ref: api.admin.removeFactor, args: { userId, kind: "totp", id: factorId } },
  ] as const;

  async function world() {
    const t = makeAuthTest();
    const admin = await adminOf(t);
    const mallory = await signedUp(t, "mallory@example.com");
    const ada = await signedUp(t, "ada@example.com");
    const { totpId } = await enrollTotp(t, ada.tokens.token);
    // A ban to lift, so unban would write.
    await admin.as.mutation(api.admin.ban, { userId: ada.userId, reason: "spam" });
    return { t, admin, mallory, ada, totpId };
  }

  type AnyRef<K extends "query" | "mutation"> = FunctionReference<K, "public", Record<string, unknown>>;
  const run = (client: AuthTest | ReturnType<AuthTest["withIdentity"]>, call: ReturnType<typeof calls>[number]) =>
    call.kind === "query"
      ? client.query(call.ref as AnyRef<"query">, call.args)
      : client.mutation(call.ref as unknown as AnyRef<"mutation">, call.args);

  test("a signed-in non-admin is FORBIDDEN, a signed-out caller NOT_SIGNED_IN, an ended session SESSION_ENDED; nothing written", async () => {
    const { t, mallory, ada, totpId } = await world();
    const before = await snapshot(t);
    for (const call of calls(ada.userId, totpId)) {
      await expectAuthError(run(as(t, mallory.tokens.token), call), "FORBIDDEN");
      await expectAuthError(run(t, call), "NOT_SIGNED_IN");
    }
    // The helpers themselves refuse a non-admin the same way.
    await expectAuthError(as(t, mallory.tokens.token).query(async (ctx) => await auth.admin.user.list(ctx, { paginationOpts: page(5) })), "FORBIDDEN");
    await expectAuthError(as(t, mallory.tokens.token).query(async (ctx) => await auth.admin.user.detail(ctx, { userId: ada.userId })), "FORBIDDEN");
    await expectAuthError(
      as(t, mallory.tokens.token).mutation(async (ctx) => await auth.admin.user.removeFactor(ctx, { userId: ada.userId, factor: { kind: "totp", id: totpId } })),
      "FORBIDDEN",
    );
    expect(await snapshot(t)).toBe(before);

    // Once their session ended: SESSION_ENDED.
    await as(t, mallory.tokens.token).action(api.auth.signOut, {});
    const afterSignOut = await snapshot(t);
    for (const call of calls(ada.userId, totpId)) await expectAuthError(run(as(t, mallory.tokens.token), call), "SESSION_ENDED");
    expect(await snapshot(t)).toBe(afterSignOut);
  });

  test("an admin whose session ended is refused (SESSION_ENDED); an admin whose email is not verified is FORBIDDEN", async () => {
    const { t, admin, ada, totpId } = await world();
    await admin.as.action(api.auth.signOut, {});
    const before = await snapshot(t);
    for (const call of calls(ada.userId, totpId)) await expectAuthError(run(admin.as, call), "SESSION_ENDED");
    expect(await snapshot(t)).toBe(before);

    // ADMIN_EMAILS names an address, but it is not verified: not an admin.
    process.env.ADMIN_EMAILS = `${ADMIN},mallory@example.com`;
    const mallory = tokensOf(await password.signIn(t, "mallory@example.com", PW));
    const snap = await snapshot(t);
    await expectAuthError(run(as(t, mallory.token), calls(ada.userId, totpId)[4]), "FORBIDDEN");
    expect(await snapshot(t)).toBe(snap);
  });

  test("malformed ids are NOT_FOUND for every function taking a user, and nothing is written", async () => {
    const { t, admin, totpId } = await world();
    const before = await snapshot(t);
    for (const junk of ["junk", "", "x".repeat(200_000), totpId]) {
      for (const call of calls(junk, totpId).slice(1)) await expectAuthError(run(admin.as, call), "NOT_FOUND");
    }
    expect(await snapshot(t)).toBe(before);
    // The component's admin functions say the same.
    await expectAuthError(t.mutation(components.auth.users.revokeSessions, { userId: "junk" }), "NOT_FOUND");
    await expectAuthError(t.mutation(components.auth.users.markEmailVerified, { userId: "junk" }), "NOT_FOUND");
    await expectAuthError(t.query(components.auth.users.detail, { userId: "junk" }), "NOT_FOUND");
    await expectAuthError(
      t.mutation(components.auth.users.revokeSessions, { userId: admin.userId, actorUserId: "junk" }),
      "INVALID_ARGUMENT",
    );
    expect(await snapshot(t)).toBe(before);
  });

  test("called without an identity (an internal function, a script) the app vouches: it goes ahead, with no actor", async () => {
    const { t, ada } = await world();
    expect(await t.mutation(async (ctx) => await auth.admin.user.revokeSessions(ctx, { userId: ada.userId }))).toEqual({ ended: 0, continuing: false });
    const event = ((await rows(t, "events")) as { type: string; actorUserId?: string }[]).find((e) => e.type === "sessions_revoked");
    expect(event).toBeDefined();
    expect(event!.actorUserId).toBeUndefined();
  });
});
