/**
 * Malformed and oversized input to the example app's public functions and to
 * the documented helpers: a string that is no id, an empty string, a 200 kB
 * string. Each answers with null / empty or a coded `ConvexError` (never
 * Convex's uncoded "Validator error" from inside the component), and writes
 * nothing. (`auth:signIn`, `auth:signOut`, `auth:sessionState` are covered
 * elsewhere.)
 */
import type { FunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { beforeAll, describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import * as accountsModule from "../../example/convex/accounts.js";
import * as adminModule from "../../example/convex/admin.js";
import * as apiKeysModule from "../../example/convex/apiKeys.js";
import * as groupsModule from "../../example/convex/groups.js";
import * as notesModule from "../../example/convex/notes.js";
import * as outboxModule from "../../example/convex/outbox.js";
import * as passkeysModule from "../../example/convex/passkeys.js";
import * as sessionsModule from "../../example/convex/sessions.js";
import * as totpModule from "../../example/convex/totp.js";
import * as usersModule from "../../example/convex/users.js";
import { ERROR_CODES } from "../../src/server/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const BIG = "x".repeat(200_000);
const JUNK = ["junk", "", BIG];
const page = { numItems: 10, cursor: null };

/** The component's tables (src/component/schema.ts). */
const TABLES = [
  "users",
  "accounts",
  "sessions",
  "refreshTokens",
  "verificationCodes",
  "verifiers",
  "rateLimits",
  "passkeys",
  "totpFactors",
  "recoveryCodes",
  "apiKeys",
  "groups",
  "members",
  "invites",
  "events",
  "deletions",
];

type World = {
  t: AuthTest;
  token: string;
  userId: string;
  sessionId: string;
  groupId: string;
  inviteId: string;
};

/** Ada, signed up, owning a group with a pending invite and holding an API key. */
async function world(): Promise<World> {
  const t = makeAuthTest();
  const tokens = tokensOf(await password.signUp(t, EMAIL, PW));
  const { userId, sessionId } = claimsOf(tokens.token);
  const me = as(t, tokens.token);
  const groupId = await me.mutation(api.groups.create, { name: "Acme" });
  const { inviteId } = await me.mutation(api.groups.createInviteLink, {
    groupId,
  });
  await me.mutation(api.apiKeys.create, { name: "CI", scopes: [] });
  return {
    t,
    token: tokens.token,
    userId: userId!,
    sessionId: sessionId!,
    groupId,
    inviteId,
  };
}

/** Every row of the component's tables and the app's outbox. */
async function snapshot(t: AuthTest, ignore: string[] = []): Promise<Record<string, string>> {
  const rows: Record<string, string> = {};
  for (const table of TABLES) {
    if (!ignore.includes(table)) rows[table] = JSON.stringify(await t.query(probe.rows, { table }));
  }
  rows.outbox = JSON.stringify(await t.run(async (ctx) => await ctx.db.query("outbox").collect()));
  return rows;
}

/**
 * The audit events written since `before` (a snapshot's `events`): a
 * refused attempt that counts also records a `code_refused` event (ASVS
 * 2.8.5), and nothing else; none carries the value tried.
 */
async function refusalsSince(t: AuthTest, before: string, tried: string[]): Promise<Record<string, unknown>[]> {
  const known = new Set((JSON.parse(before) as { _id: string }[]).map((e) => e._id));
  const added = (await t.query(probe.rows, { table: "events" })).filter((e) => !known.has(String(e._id)));
  expect(added.filter((e) => e.type !== "code_refused"), "events other than code_refused").toEqual([]);
  const text = JSON.stringify(added);
  for (const value of tried) if (value.length >= 4) expect(text, "the value tried is in the log").not.toContain(value);
  return added;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && "page" in value) return (value as { page: unknown[] }).page.length === 0;
  return false;
}

/** Resolves to null / empty, or rejects with a ConvexError carrying a stable code. */
async function expectRefused(promise: Promise<unknown>, what: string): Promise<void> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("value" in outcome) {
    expect(isEmpty(outcome.value), `${what} resolved to ${JSON.stringify(outcome.value)?.slice(0, 200)}`).toBe(true);
    return;
  }
  const { error } = outcome;
  expect(error, `${what} threw ${String(error).slice(0, 300)}`).toBeInstanceOf(ConvexError);
  const code: unknown = (error as ConvexError<{ code: string }>).data?.code;
  expect(ERROR_CODES as readonly unknown[], `${what} threw code ${String(code)}`).toContain(code);
  expect(String((error as Error).message)).not.toContain("Validator error");
}

type Kind = "query" | "mutation" | "action";
type Case = {
  /** `module:function`, as the client names it. */
  fn: string;
  /** The argument the bad value goes into (for the test name). */
  arg: string;
  kind: Kind;
  ref: unknown;
  args: (value: string, w: World) => Record<string, unknown>;
  /** The bad values to try (default: "junk", "", 200 kB). */
  values?: string[];
  /** A failed attempt legitimately takes a rate-limit token. */
  countsAttempts?: boolean;
};

const NOT_JUNK = ["", BIG]; // "junk" is a fine name: only the empty and oversized ones are refused.

const CASES: Case[] = [
  {
    fn: "accounts:unlink",
    arg: "accountId",
    kind: "mutation",
    ref: api.accounts.unlink,
    args: (accountId) => ({ accountId }),
  },
  {
    fn: "notes:add",
    arg: "text",
    kind: "mutation",
    ref: api.notes.add,
    args: (text) => ({ text }),
    values: NOT_JUNK,
  },
  {
    fn: "apiKeys:create",
    arg: "name",
    kind: "mutation",
    ref: api.apiKeys.create,
    args: (name) => ({ name, scopes: [] }),
    values: NOT_JUNK,
  },
  {
    fn: "apiKeys:create",
    arg: "scopes[].resource",
    kind: "mutation",
    ref: api.apiKeys.create,
    args: (resource) => ({
      name: "k",
      scopes: [{ resource, actions: ["read"] }],
    }),
  },
  {
    fn: "apiKeys:create",
    arg: "scopes[].actions[]",
    kind: "mutation",
    ref: api.apiKeys.create,
    args: (action) => ({
      name: "k",
      scopes: [{ resource: "profile", actions: [action] }],
    }),
  },
  {
    fn: "apiKeys:revoke",
    arg: "keyId",
    kind: "mutation",
    ref: api.apiKeys.revoke,
    args: (keyId) => ({ keyId }),
  },
  {
    fn: "apiKeys:rotate",
    arg: "keyId",
    kind: "mutation",
    ref: api.apiKeys.rotate,
    args: (keyId) => ({ keyId }),
  },
  {
    fn: "groups:create",
    arg: "name",
    kind: "mutation",
    ref: api.groups.create,
    args: (name) => ({ name }),
    values: NOT_JUNK,
  },
  {
    fn: "groups:get",
    arg: "groupId",
    kind: "query",
    ref: api.groups.get,
    args: (groupId) => ({ groupId }),
  },
  {
    fn: "groups:members",
    arg: "groupId",
    kind: "query",
    ref: api.groups.members,
    args: (groupId) => ({ groupId, paginationOpts: page }),
  },
  {
    fn: "groups:createInviteLink",
    arg: "groupId",
    kind: "mutation",
    ref: api.groups.createInviteLink,
    args: (groupId) => ({ groupId }),
  },
  {
    fn: "groups:createInviteLink",
    arg: "role",
    kind: "mutation",
    ref: api.groups.createInviteLink,
    args: (role, w) => ({ groupId: w.groupId, role }),
    values: NOT_JUNK,
  },
  {
    fn: "groups:pendingInvites",
    arg: "groupId",
    kind: "query",
    ref: api.groups.pendingInvites,
    args: (groupId) => ({ groupId }),
  },
  {
    fn: "groups:revokeInvite",
    arg: "groupId",
    kind: "mutation",
    ref: api.groups.revokeInvite,
    args: (groupId, w) => ({ groupId, inviteId: w.inviteId }),
  },
  {
    fn: "groups:revokeInvite",
    arg: "inviteId",
    kind: "mutation",
    ref: api.groups.revokeInvite,
    args: (inviteId, w) => ({ groupId: w.groupId, inviteId }),
  },
  {
    fn: "groups:invitePreview",
    arg: "token",
    kind: "query",
    ref: api.groups.invitePreview,
    args: (token) => ({ token }),
  },
  {
    fn: "groups:acceptInvite",
    arg: "token",
    kind: "mutation",
    ref: api.groups.acceptInvite,
    args: (token) => ({ token }),
  },
  {
    fn: "groups:removeMember",
    arg: "groupId",
    kind: "mutation",
    ref: api.groups.removeMember,
    args: (groupId, w) => ({ groupId, userId: w.userId }),
  },
  {
    fn: "groups:removeMember",
    arg: "userId",
    kind: "mutation",
    ref: api.groups.removeMember,
    args: (userId, w) => ({ groupId: w.groupId, userId }),
  },
  {
    fn: "groups:remove",
    arg: "groupId",
    kind: "mutation",
    ref: api.groups.remove,
    args: (groupId) => ({ groupId }),
  },
  {
    fn: "outbox:latest",
    arg: "to",
    kind: "query",
    ref: api.outbox.latest,
    args: (to) => ({ to }),
  },
  {
    fn: "passkeys:rename",
    arg: "passkeyId",
    kind: "mutation",
    ref: api.passkeys.rename,
    args: (passkeyId) => ({ passkeyId, name: "Laptop" }),
  },
  {
    fn: "passkeys:rename",
    arg: "name",
    kind: "mutation",
    ref: api.passkeys.rename,
    args: (name) => ({ passkeyId: "junk", name }),
  },
  {
    fn: "passkeys:setSecondFactor",
    arg: "passkeyId (on)",
    kind: "mutation",
    ref: api.passkeys.setSecondFactor,
    args: (passkeyId) => ({ passkeyId, enabled: true }),
  },
  {
    fn: "passkeys:setSecondFactor",
    arg: "passkeyId (off)",
    kind: "mutation",
    ref: api.passkeys.setSecondFactor,
    args: (passkeyId) => ({ passkeyId, enabled: false }),
  },
  {
    fn: "passkeys:remove",
    arg: "passkeyId",
    kind: "mutation",
    ref: api.passkeys.remove,
    args: (passkeyId) => ({ passkeyId }),
  },
  {
    fn: "sessions:revoke",
    arg: "sessionId",
    kind: "mutation",
    ref: api.sessions.revoke,
    args: (sessionId) => ({ sessionId }),
  },
  {
    fn: "totp:verify",
    arg: "code",
    kind: "action",
    ref: api.totp.verify,
    args: (code) => ({ code }),
    countsAttempts: true,
  },
  {
    fn: "totp:verify",
    arg: "recoveryCode",
    kind: "action",
    ref: api.totp.verify,
    args: (recoveryCode) => ({ recoveryCode }),
    countsAttempts: true,
  },
  {
    fn: "totp:remove",
    arg: "totpId",
    kind: "mutation",
    ref: api.totp.remove,
    args: (totpId) => ({ totpId }),
  },
  {
    fn: "users:byEmail",
    arg: "email",
    kind: "query",
    ref: api.users.byEmail,
    args: (email) => ({ email }),
  },
  {
    fn: "users:rename",
    arg: "name",
    kind: "mutation",
    ref: api.users.rename,
    args: (name) => ({ name }),
    values: [BIG],
  },
  {
    fn: "users:setUsername",
    arg: "username",
    kind: "mutation",
    ref: api.users.setUsername,
    args: (username) => ({ username }),
    // "junk" is a fine username: only the empty, oversized and malformed ones are refused.
    values: ["", BIG, "no spaces allowed", "x".repeat(33)],
  },
  {
    fn: "users:changePassword",
    arg: "currentPassword",
    kind: "action",
    ref: api.users.changePassword,
    args: (currentPassword) => ({
      currentPassword,
      newPassword: "another good passphrase",
    }),
    countsAttempts: true,
  },
  {
    fn: "users:changePassword",
    arg: "newPassword",
    kind: "action",
    ref: api.users.changePassword,
    args: (newPassword) => ({ currentPassword: PW, newPassword }),
    countsAttempts: true,
  },
  // The Admin page's functions: Ada is no admin (FORBIDDEN), a signed-out caller NOT_SIGNED_IN.
  { fn: "admin:listUsers", arg: "search", kind: "query", ref: api.admin.listUsers, args: (search) => ({ search, paginationOpts: page }) },
  { fn: "admin:userDetail", arg: "userId", kind: "query", ref: api.admin.userDetail, args: (userId) => ({ userId }) },
  { fn: "admin:ban", arg: "userId", kind: "mutation", ref: api.admin.ban, args: (userId) => ({ userId, reason: "spam" }) },
  { fn: "admin:ban", arg: "reason", kind: "mutation", ref: api.admin.ban, args: (reason, w) => ({ userId: w.userId, reason }) },
  { fn: "admin:unban", arg: "userId", kind: "mutation", ref: api.admin.unban, args: (userId) => ({ userId }) },
  { fn: "admin:revokeSessions", arg: "userId", kind: "mutation", ref: api.admin.revokeSessions, args: (userId) => ({ userId }) },
  { fn: "admin:markEmailVerified", arg: "userId", kind: "mutation", ref: api.admin.markEmailVerified, args: (userId) => ({ userId }) },
  {
    fn: "admin:removeFactor",
    arg: "id",
    kind: "mutation",
    ref: api.admin.removeFactor,
    args: (id, w) => ({ userId: w.userId, kind: "totp", id }),
  },
];

/** Public functions that take no string at all (nothing to feed them). */
const NO_STRING_ARGS = [
  "accounts:list",
  "notes:list",
  "admin:recentEvents",
  "apiKeys:scopeSet",
  "apiKeys:list",
  "passkeys:list",
  "sessions:impersonation",
  "sessions:list",
  "sessions:revokeOthers",
  "totp:status",
  "totp:regenerateRecoveryCodes",
  "users:viewer",
  "users:viewerId",
  "users:deleteMe",
];

/**
 * Public functions whose only string is a pagination cursor: Convex's own
 * opaque cursor, which `paginate` parses; a malformed one is the platform's
 * (uncoded) error, not an id this package could normalise.
 */
const CURSOR_ONLY = ["groups:mine"];

const MODULES: Record<string, Record<string, unknown>> = {
  accounts: accountsModule,
  admin: adminModule,
  apiKeys: apiKeysModule,
  groups: groupsModule,
  notes: notesModule,
  outbox: outboxModule,
  passkeys: passkeysModule,
  sessions: sessionsModule,
  totp: totpModule,
  users: usersModule,
};

type Registered = {
  isPublic?: boolean;
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  exportArgs?: () => string;
};

function takesString(validator: unknown): boolean {
  if (typeof validator !== "object" || validator === null) return false;
  const { type } = validator as { type?: unknown };
  if (type === "string" || type === "id" || type === "any") return true;
  return Object.values(validator).some((child) => typeof child === "object" && takesString(child));
}

describe("the table covers the example app", () => {
  test("every public function of example/convex (but auth.ts) is in it or takes no string", () => {
    const withStrings: string[] = [];
    const without: string[] = [];
    for (const [moduleName, exports] of Object.entries(MODULES)) {
      for (const [name, value] of Object.entries(exports)) {
        const fn = value as Registered;
        if (typeof value !== "function" || fn.isPublic !== true) continue;
        const args: unknown = JSON.parse(fn.exportArgs!());
        (takesString(args) ? withStrings : without).push(`${moduleName}:${name}`);
      }
    }
    const covered = new Set(CASES.map((c) => c.fn));
    expect(withStrings.filter((fn) => !covered.has(fn) && !CURSOR_ONLY.includes(fn))).toEqual([]);
    expect([...covered].filter((fn) => !withStrings.includes(fn))).toEqual([]);
    expect(without.sort()).toEqual([...NO_STRING_ARGS].sort());
  });
});

describe("example functions with malformed and oversized strings", () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  const run = (t: AuthTest | ReturnType<AuthTest["withIdentity"]>, c: Case, args: Record<string, unknown>) => {
    type Ref<K extends Kind> = FunctionReference<K, "public", Record<string, unknown>>;
    if (c.kind === "query") return t.query(c.ref as Ref<"query">, args);
    if (c.kind === "mutation") return t.mutation(c.ref as Ref<"mutation">, args);
    return t.action(c.ref as Ref<"action">, args);
  };

  test.each(CASES.filter((c) => (c.values ?? JUNK).length > 0).map((c) => [`${c.fn} (${c.arg})`, c] as const))(
    "%s: null, empty or a coded error, and nothing written",
    async (_name, c) => {
      for (const value of c.values ?? JUNK) {
        const label = `${c.fn}(${c.arg}: ${value.length > 20 ? `<${value.length} chars>` : JSON.stringify(value)})`;
        // An attempt that counts leaves its bucket's change and, for a code, a code_refused event.
        const ignore = c.countsAttempts ? ["rateLimits", "events"] : [];
        const before = await snapshot(w.t, ignore);
        const eventsBefore = JSON.stringify(await w.t.query(probe.rows, { table: "events" }));
        await expectRefused(run(as(w.t, w.token), c, c.args(value, w)), `${label} signed in`);
        await expectRefused(run(w.t, c, c.args(value, w)), `${label} signed out`);
        expect(await snapshot(w.t, ignore), `${label} wrote`).toEqual(before);
        if (c.countsAttempts) await refusalsSince(w.t, eventsBefore, [value]);
      }
    },
  );

  test("the fixtures still stand (nothing above changed them)", async () => {
    const me = as(w.t, w.token);
    expect(await me.query(api.groups.get, { groupId: w.groupId })).toMatchObject({ name: "Acme", myRole: "owner" });
    expect(await me.query(api.groups.pendingInvites, { groupId: w.groupId })).toHaveLength(1);
    expect(await me.query(api.apiKeys.list, {})).toHaveLength(1);
    expect(await me.query(api.users.viewer, {})).toMatchObject({
      email: EMAIL,
    });
  });
});

describe("documented helpers with a string that is no id", () => {
  test("reads are null or empty", async () => {
    const { t, token } = await world();
    for (const junk of JUNK) {
      // `auth.key.*` acts on the signed-in caller: asked as Ada.
      const own = await as(t, token).query(async (ctx) => {
        const { auth } = await import("../../example/convex/auth.js");
        return { key: await auth.key.get(ctx, junk), factors: await auth.totp.list(ctx) };
      });
      const ownKey = own.key;
      const answers = await t.query(async (ctx) => {
        const { auth } = await import("../../example/convex/auth.js");
        return {
          group: await auth.group.get(ctx, junk === "junk" ? "garbage" : junk),
          key: await auth.admin.key.get(ctx, junk),
          ownKey,
          keys: await auth.admin.key.list(ctx, { userId: junk }),
          passkeys: await auth.admin.passkey.list(ctx, junk),
          invite: await auth.invite.get(ctx, junk),
          invites: (await auth.invite.list(ctx, { groupId: junk, paginationOpts: page })).page,
          byToken: await auth.invite.getByToken(ctx, junk),
          credentials: await ctx.runQuery(components.auth.credentials.list, { userId: junk }),
          factors: own.factors,
        };
      });
      expect(answers).toEqual({
        group: null,
        key: null,
        ownKey: null,
        keys: [],
        passkeys: [],
        invite: null,
        invites: [],
        byToken: null,
        credentials: { passkeys: [], totpFactors: [], recoveryCodesLeft: 0 },
        factors: [],
      });
    }
  });

  test("writes are NOT_FOUND and change nothing", async () => {
    const { t, token: adaToken, groupId } = await world();
    const me = as(t, adaToken);
    const before = await snapshot(t);
    for (const junk of JUNK) {
      const calls: [string, Promise<unknown>][] = [
        ["key.revoke", me.mutation(async (ctx) => (await auth()).key.revoke(ctx, junk))],
        ["admin.key.revoke", t.mutation(async (ctx) => (await auth()).admin.key.revoke(ctx, junk))],
        ["key.update", me.mutation(async (ctx) => (await auth()).key.update(ctx, junk, { name: "x" }))],
        ["admin.key.update", t.mutation(async (ctx) => (await auth()).admin.key.update(ctx, junk, { name: "x" }))],
        ["key.remove", me.mutation(async (ctx) => (await auth()).key.remove(ctx, junk))],
        ["admin.key.remove", t.mutation(async (ctx) => (await auth()).admin.key.remove(ctx, junk))],
        ["key.rotate", me.mutation(async (ctx) => (await auth()).key.rotate(ctx, junk))],
        ["admin.key.rotate", t.mutation(async (ctx) => (await auth()).admin.key.rotate(ctx, junk))],
        [
          "admin.key.create",
          t.mutation(async (ctx) =>
            (await auth()).admin.key.create(ctx, {
              userId: junk,
              name: "k",
              scopes: [],
            }),
          ),
        ],
        ["passkey.remove", me.mutation(async (ctx) => (await auth()).passkey.remove(ctx, junk))],
        ["admin.passkey.remove", t.mutation(async (ctx) => (await auth()).admin.passkey.remove(ctx, junk))],
        ["passkey.rename", me.mutation(async (ctx) => (await auth()).passkey.rename(ctx, junk, "Laptop"))],
        ["admin.passkey.rename", t.mutation(async (ctx) => (await auth()).admin.passkey.rename(ctx, junk, "Laptop"))],
        ["passkey.setSecondFactor", me.mutation(async (ctx) => (await auth()).passkey.setSecondFactor(ctx, junk, true))],
        [
          "admin.passkey.setSecondFactor",
          t.mutation(async (ctx) => (await auth()).admin.passkey.setSecondFactor(ctx, junk, true)),
        ],
        ["invite.revoke", t.mutation(async (ctx) => (await auth()).invite.revoke(ctx, junk))],
        ["invite.create (groupId)", t.mutation(async (ctx) => (await auth()).invite.create(ctx, { groupId: junk }))],
        [
          "invite.create (invitedByUserId)",
          t.mutation(async (ctx) =>
            (await auth()).invite.create(ctx, {
              groupId,
              invitedByUserId: junk,
            }),
          ),
        ],
      ];
      for (const [name, call] of calls) {
        const error = await call.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${name}(${junk.length > 20 ? "<big>" : JSON.stringify(junk)})`).toBeInstanceOf(ConvexError);
        expect((error as ConvexError<{ code: string }>).data.code, name).toBe("NOT_FOUND");
      }
    }
    expect(await snapshot(t)).toEqual(before);
    // Accepting a real invite as a user that is no id.
    const { token } = await t.mutation(async (ctx) => (await auth()).invite.create(ctx, { groupId }));
    const mid = await snapshot(t);
    await expectAuthError(
      t.mutation(async (ctx) => (await auth()).invite.accept(ctx, token, { userId: "junk" })),
      "NOT_FOUND",
    );
    expect(await snapshot(t)).toEqual(mid);
  });

  test('auth.group.get(ctx, "garbage") is null', async () => {
    const t = makeAuthTest();
    expect(await t.query(async (ctx) => (await auth()).group.get(ctx, "garbage"))).toBeNull();
  });
});

describe("component functions with a string that is no id", () => {
  test("reads are empty, writes NOT_FOUND or a refusal status, and nothing is written", async () => {
    const { t, userId, sessionId, groupId } = await world();
    const limit = { key: "test:junk", max: 100, periodMs: 60_000 };
    const before = await snapshot(t, ["rateLimits", "events"]);
    const eventsBefore = JSON.stringify(await t.query(probe.rows, { table: "events" }));
    for (const junk of JUNK) {
      // Groups, members, invites: each key of get, each selection of members.list.
      expect(await t.query(components.auth.groups.get, { groupId: junk })).toBeNull();
      expect(await t.query(components.auth.groups.get, { slug: "s", parentGroupId: junk })).toBeNull();
      expect((await t.query(components.auth.members.list, { groupId: junk, paginationOpts: page })).page).toEqual([]);
      expect((await t.query(components.auth.members.list, { userId: junk, paginationOpts: page })).page).toEqual([]);
      expect(await t.query(components.auth.invites.get, { inviteId: junk })).toBeNull();
      await expectAuthError(t.mutation(components.auth.members.set, { groupId: junk, userId, role: "member" }), "NOT_FOUND");
      await expectAuthError(
        t.mutation(components.auth.members.set, { groupId, userId: junk, role: "member" }),
        "NOT_FOUND",
      );
      expect(await t.query(components.auth.credentials.list, { userId: junk })).toEqual({
        passkeys: [],
        totpFactors: [],
        recoveryCodesLeft: 0,
      });
      expect((await t.query(components.auth.events.list, { userId: junk, paginationOpts: page })).page).toEqual([]);
      expect(await t.query(components.auth.sessions.get, { sessionId: junk, withSecondFactor: true })).toBeNull();
      expect(
        await t.mutation(components.auth.totp.recordUse, {
          totpId: junk,
          userId,
          step: 1,
        }),
      ).toEqual({ status: "not_found" });
      await expectAuthError(
        t.mutation(components.auth.credentials.remove, {
          userId,
          totpId: junk,
        }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.credentials.remove, {
          userId: junk,
          totpId: junk,
        }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.credentials.remove, { userId, passkeyId: junk }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.totp.create, {
          userId: junk,
          sessionId,
          secretCiphertext: new ArrayBuffer(8),
          secretIv: new ArrayBuffer(12),
          setupHash: "s",
          expirationTime: Date.now() + 60_000,
        }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.recoveryCodes.replace, {
          userId: junk,
          codeHashes: ["a"],
        }),
        "NOT_FOUND",
      );
      expect(
        await t.mutation(components.auth.recoveryCodes.consume, {
          userId: junk,
          codeHash: "a",
          limit,
        }),
      ).toEqual({
        status: "invalid",
      });
      // A code about an account that does not exist is not stored.
      expect(
        await t.mutation(components.auth.codes.create, {
          provider: "password",
          address: junk,
          purpose: "password_reset",
          codeHash: "a",
          expirationTime: Date.now() + 60_000,
          limit: { ...limit, key: "send:junk" },
        }),
      ).toEqual({ status: "no_account" });
      expect(
        await t.mutation(components.auth.codes.redeem, {
          provider: "password",
          address: junk,
          purpose: "password_reset",
          codeHash: "a",
          limit,
          newSecret: "s",
        }),
      ).toEqual({ status: "invalid" });
      await expectAuthError(
        t.mutation(components.auth.apiKeys.create, {
          userId: junk,
          name: "k",
          keyHash: "h",
          displayPrefix: "p",
          scopes: [],
        }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.apiKeys.create, {
          replaces: junk,
          keyHash: "h",
          displayPrefix: "p",
        }),
        "NOT_FOUND",
      );
      await expectAuthError(
        t.mutation(components.auth.invites.accept, {
          tokenHash: "none",
          userId: junk,
        }),
        "NOT_FOUND",
      );
    }
    expect(await snapshot(t, ["rateLimits", "events"])).toEqual(before);
    // A junk code for an address without an account is recorded (the address cut short); one
    // for a string that is no user id names nobody and is not.
    const refused = await refusalsSince(t, eventsBefore, []);
    expect(refused.map((e) => (e.data as { method: string }).method)).toEqual(["code", "code", "code"]);
    expect(refused.every((e) => String((e.data as { address: string }).address).length <= 320)).toBe(true);
    // A junk code / account id is a failed attempt like any other.
    const buckets = (await t.query(probe.rows, { table: "rateLimits" })).filter((r) => r.key === limit.key);
    expect(buckets).toHaveLength(1);
  });

  test("sessions.revoke of all a user's sessions ignores an exceptSessionId that is no session id", async () => {
    const { t, userId, sessionId } = await world();
    const live = async () => (await t.query(probe.rows, { table: "sessions" })).length;
    expect(await live()).toBe(1);
    expect(
      await t.mutation(components.auth.sessions.revoke, {
        userId,
        exceptSessionId: sessionId,
        reason: "revoke_all",
      }),
    ).toMatchObject({ ended: 0 });
    expect(await live()).toBe(1);
    expect(
      await t.mutation(components.auth.sessions.revoke, {
        userId,
        exceptSessionId: "junk",
        reason: "revoke_all",
      }),
    ).toMatchObject({ ended: 1 });
    expect(await live()).toBe(0);
  });
});

/** The example's `auth`, imported where the function runs (see totpStepUp.test.ts). */
async function auth() {
  return (await import("../../example/convex/auth.js")).auth;
}
