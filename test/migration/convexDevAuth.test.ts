/**
 * Moving an app off @convex-dev/auth 0.0.95, end to end, with the real
 * package: users sign up on v1 (passwords, one through GitHub against a
 * mock GitHub), one client stays signed in, notes are written under v1's
 * user ids. Then a dry run counts, the import runs, the code is switched
 * to convex-auth-kit, and: the passwords sign in through our Password
 * provider (upgraded to argon2id on the way), the signed-in client
 * exchanges its v1 tokens once and keeps its notes, the GitHub account
 * signs in to the same user, and running the import again changes nothing.
 */
import { Scrypt } from "lucia";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { AuthClient } from "../../src/client/authClient.js";
import type { AuthTransport } from "../../src/client/protocol.js";
import { memoryStorage } from "../../src/client/storage.js";
import { authConfig } from "../../src/server/authConfig.js";
import { startGitHub } from "../fixtures/oauthServers.js";
import { claimsOf, verifiedAsConvex } from "../harness/auth.js";
import { TEST_SITE_URL, testIssuer } from "../harness/env.js";
import { expectAuthError } from "../harness/errors.js";
import { SITE, clients, componentRows, convexAuthKeys, fn, phasedApp, setEnv, type Report, type Tokens } from "./app.js";

const PASSWORD = "correct horse battery staple";
/** Where the v1 React client kept its tokens: the deployment URL, letters and digits only. */
const NAMESPACE = "https://test-deployment.convex.cloud";
const V1_KEYS = (ns: string) => {
  const suffix = ns.replace(/[^a-zA-Z0-9]/g, "");
  return { refreshToken: `__convexAuthRefreshToken_${suffix}`, jwt: `__convexAuthJWT_${suffix}` };
};

let github: Awaited<ReturnType<typeof startGitHub>>;
let restoreEnv: () => void;
const app = phasedApp();
const { t } = app;

/** What phase 1 left behind. */
const v1 = {
  ada: { email: "ada@example.com" },
  bob: { email: "Bob@Example.com" },
  grace: { email: "grace@example.com" },
  /** The client that stays signed in (Ada's), and Grace's GitHub session. */
  adaTokens: undefined as unknown as Tokens,
  graceTokens: undefined as unknown as Tokens,
  legacyIds: {} as Record<string, string>,
};
let dryRun: Report;
let firstRun: Report;
let writtenByDryRun: number;

const v1Identity = (tokens: Tokens) => {
  const sub = String(claimsOf(tokens.token).sub);
  return { subject: sub, issuer: TEST_SITE_URL, tokenIdentifier: `${TEST_SITE_URL}|${sub}` };
};

beforeAll(async () => {
  // @convex-dev/auth logs every `auth:store` call at its default level (INFO).
  vi.spyOn(console, "info").mockImplementation(() => {});
  github = await startGitHub();
  restoreEnv = setEnv({ ...(await convexAuthKeys()), SITE_URL: SITE, OAUTH_TEST_GITHUB: github.base });

  // Phase 1: the app on @convex-dev/auth.
  v1.adaTokens = await clients.v1.password(t, "signUp", v1.ada.email, PASSWORD);
  await clients.v1.password(t, "signUp", v1.bob.email, "another long password");
  github.who({ sub: "4242", email: v1.grace.email, emailVerified: true, name: "Grace" });
  v1.graceTokens = await clients.v1.github(t);
  await t.withIdentity(v1Identity(v1.adaTokens)).mutation(fn.addNote, { text: "Ada's first note" });
  await t.withIdentity(v1Identity(v1.adaTokens)).mutation(fn.addNote, { text: "Ada's second note" });
  await t.withIdentity(v1Identity(v1.graceTokens)).mutation(fn.addNote, { text: "Grace's note" });
  expect(await t.withIdentity(v1Identity(v1.adaTokens)).query(fn.myNotes, {})).toEqual(["Ada's first note", "Ada's second note"]);
  for (const [name, tokens] of [["ada", v1.adaTokens], ["grace", v1.graceTokens]] as const) {
    v1.legacyIds[name] = String(claimsOf(tokens.token).sub).split("|")[0]!;
  }
  v1.legacyIds.bob = (await t.run(async (ctx) => (await ctx.db.query("users").collect()).find((u) => u.email === v1.bob.email)!._id))!;

  // The switch: the new code is pushed, @convex-dev/auth's keys removed (tokens are signed by the deployment now).
  app.deploy("v2");
  setEnv({ JWT_PRIVATE_KEY: undefined, JWKS: undefined });
  const before = (await t.query(componentRows, { table: "users" })).length;
  dryRun = await t.action(fn.importAll, { dryRun: true });
  writtenByDryRun = (await t.query(componentRows, { table: "users" })).length - before;
  firstRun = await t.action(fn.importAll, {});
}, 120_000);

afterAll(async () => {
  restoreEnv?.();
  await github?.stop();
});

describe("the import", () => {
  test("a dry run counts what the import then does, and writes nothing", () => {
    expect(writtenByDryRun).toBe(0);
    expect(dryRun).toMatchObject({
      dryRun: true,
      users: { scanned: 3, imported: 3, updated: 0, unchanged: 0, skipped: 0 },
      accounts: { password: 2, oauth: 1, email: 0, phone: 0, anonymous: 0 },
      passwords: { recognised: 2, unrecognised: 0, updated: 0 },
      isDone: true,
      cursor: null,
    });
    expect(dryRun.providers).toEqual([
      { provider: "github", accounts: 1 },
      { provider: "password", accounts: 2 },
    ]);
    expect({ ...firstRun, dryRun: true }).toEqual(dryRun);
  });

  test("every v1 user is a user here, under their v1 id, with their accounts", async () => {
    const users = await t.query(componentRows, { table: "users" });
    expect(users.map((u) => u.legacyId).sort()).toEqual(Object.values(v1.legacyIds).sort());
    const bob = users.find((u) => u.legacyId === v1.legacyIds.bob)!;
    expect(bob.email).toBe("bob@example.com");
    const accounts = await t.query(componentRows, { table: "accounts" });
    const bobsPassword = accounts.find((a) => a.userId === bob._id)!;
    // v1 kept the email as typed; the Password provider looks it up normalised.
    expect(bobsPassword).toMatchObject({ provider: "password", providerAccountId: "bob@example.com" });
    expect(bobsPassword.secret).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    const grace = users.find((u) => u.legacyId === v1.legacyIds.grace)!;
    expect(accounts.find((a) => a.userId === grace._id)).toMatchObject({ provider: "github", providerAccountId: "4242" });
    const events = await t.query(componentRows, { table: "events" });
    expect(events.filter((e) => e.type === "user_imported")).toHaveLength(3);
    // auth.user.get takes either id.
    expect(await t.query(fn.userById, { id: v1.legacyIds.bob! })).toBe(bob._id);
    expect(await t.query(fn.userById, { id: bob._id })).toBe(bob._id);
    expect(await t.query(fn.userById, { id: "not an id" })).toBeNull();
  });

  test("a second run changes nothing", async () => {
    const tables = ["users", "accounts", "events"];
    const before = await Promise.all(tables.map((table) => t.query(componentRows, { table })));
    const again = await t.action(fn.importAll, {});
    expect(again.users).toEqual({ scanned: 3, imported: 0, updated: 0, unchanged: 3, skipped: 0 });
    expect(again.accounts).toEqual({ password: 0, oauth: 0, email: 0, phone: 0, anonymous: 0 });
    expect(await Promise.all(tables.map((table) => t.query(componentRows, { table })))).toEqual(before);
  });
});

describe("after the switch", () => {
  test("a v1 password signs in through our Password provider, and is upgraded to argon2id", async () => {
    await expectAuthError(clients.v2.password(t, "bob@example.com", "not the password"), "INVALID_CREDENTIALS");
    const result = (await clients.v2.password(t, "BOB@example.com", "another long password")) as { tokens: Tokens };
    const claims = await verifiedAsConvex(t, result.tokens.token);
    const users = await t.query(componentRows, { table: "users" });
    expect(String(claims.sub).split("|")[0]).toBe(users.find((u) => u.legacyId === v1.legacyIds.bob)!._id);
    const accounts = await t.query(componentRows, { table: "accounts" });
    const secret = accounts.find((a) => a.providerAccountId === "bob@example.com")!.secret as string;
    expect(secret).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The upgraded hash keeps working, and a run of the import does not put the old one back.
    await t.action(fn.importAll, {});
    expect((await t.query(componentRows, { table: "accounts" })).find((a) => a.providerAccountId === "bob@example.com")!.secret).toBe(secret);
    expect(await clients.v2.password(t, "bob@example.com", "another long password")).toHaveProperty("tokens.token");
  });

  test("the client signed in on v1 stays signed in: it exchanges its v1 tokens once, and its notes are there", async () => {
    const storage = memoryStorage();
    const keys = V1_KEYS(NAMESPACE);
    await storage.setItem(keys.refreshToken, v1.adaTokens.refreshToken);
    await storage.setItem(keys.jwt, v1.adaTokens.token);
    const exchanges: string[] = [];
    const transport: AuthTransport = {
      signIn: async (args) => (args.refreshToken ? await t.mutation(fn.refresh, args as { refreshToken: string }) : await t.action(fn.signIn, args)),
      signOut: async () => {},
      exchangeLegacy: async (refreshToken) => {
        exchanges.push(refreshToken);
        return (await t.mutation(fn.exchange, { refreshToken })) as never;
      },
    };
    const client = new AuthClient({ transport, storage, namespace: NAMESPACE, migrateFrom: "convex-dev-auth" });
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.state.status));
    const token = await client.fetchAccessToken({ forceRefreshToken: false });
    expect(token).toMatch(/^ey/);
    expect(statuses).not.toContain("signedOut");
    expect(exchanges).toEqual([v1.adaTokens.refreshToken]);
    expect(await storage.getItem(keys.refreshToken)).toBeNull();
    expect(await storage.getItem(keys.jwt)).toBeNull();
    const claims = await verifiedAsConvex(t, token!);
    expect(claims.iss).toBe(testIssuer());
    const signedIn = t.withIdentity({ subject: String(claims.sub), issuer: String(claims.iss) });
    expect(await signedIn.query(fn.myNotes, {})).toEqual(["Ada's first note", "Ada's second note"]);
    await signedIn.mutation(fn.addNote, { text: "Ada's note after the move" });
    expect(await signedIn.query(fn.myNotes, {})).toHaveLength(3);

    // A reload: nothing of v1's is left, so nothing is exchanged again; our tokens are used.
    const reloaded = new AuthClient({ transport, storage, namespace: NAMESPACE, migrateFrom: "convex-dev-auth" });
    expect(await reloaded.fetchAccessToken({ forceRefreshToken: false })).toBe(token);
    expect(exchanges).toHaveLength(1);
    // The v1 refresh token is spent.
    expect(await t.mutation(fn.exchange, { refreshToken: v1.adaTokens.refreshToken })).toEqual({ tokens: null });
  });

  test("a v1 access token is no token of ours once the deployment signs", async () => {
    // Its issuer (CONVEX_SITE_URL) is not trusted by authConfig() any more; if an app kept it, it still names nobody here.
    expect(authConfig().providers).toEqual([expect.objectContaining({ issuer: testIssuer() })]);
    expect(await t.withIdentity(v1Identity(v1.graceTokens)).query(fn.viewerId, {})).toBeNull();
    expect(await t.withIdentity(v1Identity(v1.graceTokens)).query(fn.myNotes, {})).toEqual([]);
    await expect(t.withIdentity(v1Identity(v1.graceTokens)).mutation(fn.addNote, { text: "x" })).rejects.toThrow(/Sign in first/);
  });

  test("a tab still running the v1 client: its refresh is refused with LEGACY_TOKEN, not { tokens: null }, and the token still exchanges", async () => {
    // @convex-dev/auth's client refreshes through `auth:signIn`; `{ tokens: null }` would make it erase its storage.
    await expectAuthError(t.action(fn.signIn, { refreshToken: v1.graceTokens.refreshToken }), "LEGACY_TOKEN");
    await expectAuthError(t.mutation(fn.refresh, { refreshToken: v1.graceTokens.refreshToken }), "LEGACY_TOKEN");
    expect(await t.mutation(fn.exchange, { refreshToken: v1.graceTokens.refreshToken })).toHaveProperty("tokens.token");
  });

  test("the GitHub account signs in to the same user, who finds their notes", async () => {
    const tokens = await clients.v2.github(t);
    const claims = await verifiedAsConvex(t, tokens.token);
    const users = await t.query(componentRows, { table: "users" });
    expect(String(claims.sub).split("|")[0]).toBe(users.find((u) => u.legacyId === v1.legacyIds.grace)!._id);
    const signedIn = t.withIdentity({ subject: String(claims.sub), issuer: String(claims.iss) });
    expect(await signedIn.query(fn.myNotes, {})).toEqual(["Grace's note"]);
  });

  test("a password changed on v1 after a run is carried over by the next run, only while the hash is still v1's", async () => {
    const users = await t.query(componentRows, { table: "users" });
    const ada = users.find((u) => u.legacyId === v1.legacyIds.ada)!;
    const newHash = await new Scrypt().hash("a password changed on v1");
    await t.run(async (ctx) => {
      const account = (await ctx.db.query("authAccounts").collect()).find((a) => a.providerAccountId === v1.ada.email)!;
      await ctx.db.patch(account._id, { secret: newHash });
    });
    const report = await t.action(fn.importAll, {});
    expect(report.users).toMatchObject({ updated: 1, unchanged: 2 });
    expect(report.passwords.updated).toBe(1);
    const accounts = await t.query(componentRows, { table: "accounts" });
    expect(accounts.find((a) => a.userId === ada._id)!.secret).toBe(newHash);
    expect(await clients.v2.password(t, v1.ada.email, "a password changed on v1")).toHaveProperty("tokens.token");
  });
});
