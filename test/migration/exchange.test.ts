/**
 * The exchange of a refresh token @convex-dev/auth gave a client
 * (`authMigration:exchange`), attacked: used twice, raced, expired, of a
 * session that ended or was deleted, forged, oversized. Each refusal
 * leaves everything as it was; a working token gives exactly one session,
 * through the one issuing path (a ban refuses it, a second factor added
 * since is asked for), signed by the deployment or the app's own new key.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { generateKeys } from "../../src/cli/keys.js";
import { claimsOf, probe, verifiedAsConvex } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { clients, componentRows, convexAuthKeys, fn, phasedApp, setEnv, type Tokens } from "./app.js";
import type { TestApp } from "../harness/setup.js";

const PASSWORD = "correct horse battery staple";
const users = (componentsGeneric() as AnyComponents).auth.users;
const ban = users.ban as FunctionReference<"mutation", "internal", { userId: string; reason: string }, null>;

let restoreEnv: () => void;
let t: TestApp;
/** Sign-ins of Ada on v1, one per attack, and what else phase 1 left. */
const v1 = {
  sessions: [] as Tokens[],
  used: undefined as unknown as Tokens,
  signedOut: undefined as unknown as Tokens,
  eve: undefined as unknown as Tokens,
  noteId: "",
};
let next = 0;
/** A v1 session of Ada's no other test has touched. */
const fresh = () => v1.sessions[next++]!;

/** Every row of the component's and the legacy session tables, to show a refusal wrote nothing. */
async function everything() {
  const component = await Promise.all(
    ["users", "accounts", "sessions", "refreshTokens", "events", "verifiers"].map((table) => t.query(componentRows, { table })),
  );
  const legacy = await t.run(async (ctx) => ({
    sessions: await ctx.db.query("authSessions").collect(),
    tokens: await ctx.db.query("authRefreshTokens").collect(),
  }));
  return { component, legacy };
}

const exchange = (refreshToken: string) => t.mutation(fn.exchange, { refreshToken });

beforeAll(async () => {
  vi.spyOn(console, "info").mockImplementation(() => {});
  // Neither version talks to GitHub here; both configure it.
  restoreEnv = setEnv({ ...(await convexAuthKeys()), SITE_URL: "https://app.example.test", OAUTH_TEST_GITHUB: "http://127.0.0.1:9" });
  const app = phasedApp();
  t = app.t;
  await clients.v1.password(t, "signUp", "ada@example.com", PASSWORD);
  for (let i = 0; i < 11; i++) v1.sessions.push(await clients.v1.password(t, "signIn", "ada@example.com", PASSWORD));
  // Refreshed on v1: the token it started with is used.
  v1.used = await clients.v1.password(t, "signIn", "ada@example.com", PASSWORD);
  await t.action(fn.signIn, { refreshToken: v1.used.refreshToken });
  v1.signedOut = await clients.v1.password(t, "signIn", "ada@example.com", PASSWORD);
  const sub = String(claimsOf(v1.signedOut.token).sub);
  await t.withIdentity({ subject: sub, issuer: process.env.CONVEX_SITE_URL! }).action(fn.signOut, {});
  v1.eve = await clients.v1.password(t, "signUp", "eve@example.com", "eve's long password");
  v1.noteId = await t.withIdentity({ subject: String(claimsOf(v1.eve.token).sub), issuer: process.env.CONVEX_SITE_URL! }).mutation(fn.addNote, { text: "x" });
  app.deploy("v2");
  setEnv({ JWT_PRIVATE_KEY: undefined, JWKS: undefined });
}, 120_000);

afterAll(() => restoreEnv?.());

describe("exchanging a v1 refresh token", () => {
  test("before the import reached the user, imports them and gives a session of ours", async () => {
    expect(await t.query(componentRows, { table: "users" })).toEqual([]);
    const result = (await exchange(fresh().refreshToken)) as { tokens: Tokens };
    const claims = await verifiedAsConvex(t, result.tokens.token);
    const [ada] = await t.query(componentRows, { table: "users" });
    expect(ada).toMatchObject({ email: "ada@example.com", legacyId: expect.any(String) });
    expect(String(claims.sub).split("|")[0]).toBe(ada!._id);
    // The refresh token it gave is ours, and works.
    expect(await t.mutation(fn.refresh, { refreshToken: result.tokens.refreshToken })).toHaveProperty("tokens.token");
    const signIns = (await t.query(componentRows, { table: "events" })).filter((e) => e.type === "sign_in");
    expect(signIns.at(-1)?.data).toEqual({ provider: "convex-dev-auth" });
  });

  test("used twice: the second use is refused and writes nothing", async () => {
    const { refreshToken } = fresh();
    expect(await exchange(refreshToken)).toHaveProperty("tokens.token");
    const before = await everything();
    expect(await exchange(refreshToken)).toEqual({ tokens: null });
    expect(await everything()).toEqual(before);
  });

  test("many exchanges at once of one token give exactly one session", async () => {
    const { refreshToken } = fresh();
    const sessionsBefore = (await t.query(componentRows, { table: "sessions" })).length;
    const results = await Promise.all(Array.from({ length: 8 }, () => exchange(refreshToken)));
    expect(results.filter((r) => (r as { tokens: Tokens | null }).tokens !== null)).toHaveLength(1);
    expect(results.filter((r) => (r as { tokens: Tokens | null }).tokens === null)).toHaveLength(7);
    expect((await t.query(componentRows, { table: "sessions" })).length).toBe(sessionsBefore + 1);
  });

  test("an expired token, or one of an expired session, is refused and writes nothing", async () => {
    const expiredToken = fresh();
    const expiredSession = fresh();
    await t.run(async (ctx) => {
      const [tokenId] = expiredToken.refreshToken.split("|");
      const [, sessionId] = expiredSession.refreshToken.split("|");
      await ctx.db.patch(ctx.db.normalizeId("authRefreshTokens", tokenId!)!, { expirationTime: Date.now() - 1 });
      await ctx.db.patch(ctx.db.normalizeId("authSessions", sessionId!)!, { expirationTime: Date.now() - 1 });
    });
    const before = await everything();
    expect(await exchange(expiredToken.refreshToken)).toEqual({ tokens: null });
    expect(await exchange(expiredSession.refreshToken)).toEqual({ tokens: null });
    expect(await everything()).toEqual(before);
  });

  test("a token of a session signed out on v1, or deleted, is refused and writes nothing", async () => {
    const deleted = fresh();
    await t.run(async (ctx) => {
      await ctx.db.delete(ctx.db.normalizeId("authSessions", deleted.refreshToken.split("|")[1]!)!);
    });
    const before = await everything();
    expect(await exchange(v1.signedOut.refreshToken)).toEqual({ tokens: null });
    expect(await exchange(deleted.refreshToken)).toEqual({ tokens: null });
    expect(await everything()).toEqual(before);
  });

  test("a token already used on v1 (refreshed there) is refused", async () => {
    const before = await everything();
    expect(await exchange(v1.used.refreshToken)).toEqual({ tokens: null });
    expect(await everything()).toEqual(before);
  });

  test("forged, malformed and oversized tokens are refused and write nothing", async () => {
    const [tokenId, sessionId] = fresh().refreshToken.split("|") as [string, string];
    const [, evesSession] = v1.eve.refreshToken.split("|") as [string, string];
    const forged = [
      "",
      "|",
      "x",
      `${tokenId}`,
      `${tokenId}|`,
      `|${sessionId}`,
      `${tokenId}|${evesSession}`, // a real token, claimed for another session
      `${v1.noteId}|${sessionId}`, // an id of another table
      `${tokenId}|${v1.noteId}`,
      `${sessionId}|${tokenId}`,
      `${tokenId}|${sessionId}|${sessionId}`,
      `${tokenId.slice(0, -1)}x|${sessionId}`,
      `${tokenId}|${sessionId}`.repeat(500),
      "a".repeat(100_000),
    ];
    const before = await everything();
    for (const refreshToken of forged) expect(await exchange(refreshToken), refreshToken.slice(0, 80)).toEqual({ tokens: null });
    expect(await everything()).toEqual(before);
    // The real one still works afterwards.
    expect(await exchange(`${tokenId}|${sessionId}`)).toHaveProperty("tokens.token");
  });

  test("signing with the app's own key: a new pair works; @convex-dev/auth's old pair fails loudly, using nothing up", async () => {
    const restore = setEnv(await generateKeys());
    try {
      const result = (await exchange(fresh().refreshToken)) as { tokens: Tokens };
      const claims = await verifiedAsConvex(t, result.tokens.token);
      expect(claims.iss).toBe(process.env.CONVEX_SITE_URL);
    } finally {
      restore();
    }
    const { refreshToken } = fresh();
    const restoreOld = setEnv(await convexAuthKeys());
    try {
      const before = await everything();
      await expectAuthError(exchange(refreshToken), "CONFIGURATION");
      expect(await everything()).toEqual(before);
    } finally {
      restoreOld();
    }
    expect(await exchange(refreshToken)).toHaveProperty("tokens.token");
  });

  test("a banned user gets nothing, and the token is not used up", async () => {
    const { refreshToken } = fresh();
    const [ada] = await t.query(componentRows, { table: "users" });
    await t.mutation(ban, { userId: ada!._id, reason: "testing" });
    const before = await everything();
    await expectAuthError(exchange(refreshToken), "USER_BANNED");
    expect(await everything()).toEqual(before);
  });

  test("a user who added a second factor since must give it", async () => {
    const eve = await (async () => {
      expect(await exchange(v1.eve.refreshToken)).toHaveProperty("tokens.token");
      return (await t.query(componentRows, { table: "users" })).find((u) => u.email === "eve@example.com")!;
    })();
    await t.mutation(probe.plantActiveTotp, { userId: eve._id });
    const another = await t.run(async (ctx) => {
      // A second v1 session of Eve's, left over from before the switch.
      const userId = ctx.db.normalizeId("users", eve.legacyId)!;
      const sessionId = await ctx.db.insert("authSessions", { userId, expirationTime: Date.now() + 60_000 });
      const tokenId = await ctx.db.insert("authRefreshTokens", { sessionId, expirationTime: Date.now() + 60_000 });
      return `${tokenId}|${sessionId}`;
    });
    expect(await exchange(another)).toEqual({ secondFactor: { methods: expect.arrayContaining(["totp"]) }, verifier: expect.any(String) });
  });
});
