/** Verifiers, the audit log, failed-attempt buckets and the sweep of expired data. */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { DEFAULT_OPTIONS, resolveOptions } from "../../src/server/config.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { advanceFrom } from "../harness/clock.js";

const auth = components.auth;
const sweep = (componentsGeneric() as AnyComponents).auth.sweep.expired as FunctionReference<
  "mutation",
  "internal",
  Record<string, never>,
  null
>;

afterEach(() => {
  vi.useRealTimers();
});

describe("verifiers", () => {
  test("are single use, of one kind, and expire", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const expirationTime = Date.now() + 5 * 60_000;
    await t.mutation(auth.verifiers.create, { kind: "oauth_flow", verifierHash: "h1", challenge: "c1", expirationTime });
    await t.mutation(auth.verifiers.create, { kind: "oauth_flow", verifierHash: "h2", expirationTime });
    await t.mutation(auth.verifiers.create, { kind: "webauthn", verifierHash: "h3", expirationTime });
    expect(await t.mutation(auth.verifiers.consume, { kind: "oauth_flow", verifierHash: "h1" })).toMatchObject({
      challenge: "c1",
    });
    expect(await t.mutation(auth.verifiers.consume, { kind: "oauth_flow", verifierHash: "h1" })).toBeNull();
    // Only OAuth flows are taken here: another kind is neither returned nor deleted.
    expect(await t.mutation(auth.verifiers.consume, { kind: "oauth_flow", verifierHash: "h3" })).toBeNull();
    await expect(t.mutation(auth.verifiers.consume, { kind: "webauthn" as "oauth_flow", verifierHash: "h3" })).rejects.toThrow(
      /Validator error/,
    );
    expect((await t.query(probe.rows, { table: "verifiers" })).map((row) => row.verifierHash)).toEqual(["h2", "h3"]);
    vi.setSystemTime(expirationTime + 1);
    expect(await t.mutation(auth.verifiers.consume, { kind: "oauth_flow", verifierHash: "h2" })).toBeNull();
    expect((await t.query(probe.rows, { table: "verifiers" })).map((row) => row.verifierHash)).toEqual(["h3"]);
  });
});

describe("failed-attempt buckets", () => {
  test("a leased attempt counts once settled; buckets refill continuously; a released lease returns at once", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const limit = { key: "k", max: 3, periodMs: 60_000 };
    const lease = () => t.mutation(auth.accounts.beginSignIn, { provider: "password", providerAccountId: "nobody", limit });
    for (let i = 0; i < 3; i++) {
      expect((await lease()).limit.ok).toBe(true);
      await t.mutation(auth.limits.settle, { limit, counts: true });
    }
    const refused = (await lease()).limit;
    expect(refused).toMatchObject({ ok: false, remaining: 0 });
    expect(refused.retryAfterMs).toBe(20_000);
    await advanceFrom(t, 20_000);
    expect((await lease()).limit.ok).toBe(true);
    // That lease is out: the bucket is empty until it is released.
    expect((await lease()).limit.ok).toBe(false);
    await t.mutation(auth.limits.settle, { limit, counts: false });
    expect((await lease()).limit.ok).toBe(true);
  });
});

describe("audit log", () => {
  const page = { numItems: 50, cursor: null };

  test("lists a user's events newest first", async () => {
    const t = makeAuthTest();
    const a = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    await password.signIn(t, "ada@example.com", "correct horse battery");
    await as(t, a.token).action(api.auth.signOut, {});
    const { page: events } = await t.query(auth.events.list, { userId: claimsOf(a.token).userId, paginationOpts: page });
    expect(events.map((e) => [e.type, e.reason ?? null])).toEqual([
      ["session_revoked", "logout"],
      ["sign_in", null],
      ["sign_in", null],
      ["sign_up", null],
    ]);
    expect(JSON.stringify(events)).not.toContain("correct horse battery");
  });

  test("by type, by user and type, by time range, a page at a time; neither key is INVALID_ARGUMENT", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const a = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const start = Date.now();
    vi.setSystemTime(start + 60_000);
    tokensOf(await password.signUp(t, "bob@example.com", "correct horse battery"));
    vi.setSystemTime(start + 120_000);
    await password.signIn(t, "ada@example.com", "correct horse battery");
    const ada = claimsOf(a.token).userId!;
    const types = (events: { type: string }[]) => events.map((e) => e.type);
    const signUps = await t.query(auth.events.list, { type: "sign_up", paginationOpts: page });
    expect(signUps.page.map((e) => e.userId)).toEqual([expect.any(String), ada]);
    expect(signUps.page[0]!.userId).not.toBe(ada);
    const adaSignIns = await t.query(auth.events.list, { userId: ada, type: "sign_in", paginationOpts: page });
    expect(types(adaSignIns.page)).toEqual(["sign_in", "sign_in"]);
    const late = await t.query(auth.events.list, { type: "sign_up", since: start + 30_000, paginationOpts: page });
    expect(late.page).toHaveLength(1);
    const early = await t.query(auth.events.list, { userId: ada, until: start + 30_000, paginationOpts: page });
    expect(types(early.page)).toEqual(["sign_in", "sign_up"]);
    const first = await t.query(auth.events.list, { userId: ada, paginationOpts: { numItems: 2, cursor: null } });
    const rest = await t.query(auth.events.list, { userId: ada, paginationOpts: { numItems: 2, cursor: first.continueCursor } });
    expect(types([...first.page, ...rest.page])).toEqual(["sign_in", "sign_in", "sign_up"]);
    expect([first.isDone, rest.isDone]).toEqual([false, true]);
    await expectAuthError(t.query(auth.events.list, { paginationOpts: page }), "INVALID_ARGUMENT");
  });
});

describe("sweep", () => {
  test("deletes expired tokens, sessions, codes, verifiers and refilled buckets only", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const old = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    await t.action(api.auth.signIn, { provider: "password", params: { flow: "reset", email: "ada@example.com" } });
    await t.mutation(auth.verifiers.create, { kind: "x", verifierHash: "v", expirationTime: Date.now() + 60_000 });
    await password.signIn(t, "ada@example.com", "wrong password here").catch(() => undefined);
    vi.setSystemTime(Date.now() + 31 * 24 * 60 * 60 * 1000);
    const fresh = tokensOf(await password.signIn(t, "ada@example.com", "correct horse battery"));
    // The sign-in's attempt lease is back after 5 s; then its bucket is full again.
    vi.setSystemTime(Date.now() + 6_000);
    await t.mutation(sweep, {});
    const left = async (table: string) => (await t.query(probe.rows, { table })).length;
    expect(await left("verificationCodes")).toBe(0);
    expect(await left("verifiers")).toBe(0);
    expect(await left("rateLimits")).toBe(0);
    expect(await left("sessions")).toBe(1);
    expect(await left("refreshTokens")).toBe(1);
    expect(await refresh(t, old.refreshToken)).toEqual({ tokens: null });
    tokensOf(await refresh(t, fresh.refreshToken));
  });
});

describe("the user helpers", () => {
  test("update and delete through the example app", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    await as(t, token).mutation(api.users.rename, { name: "Ada L." });
    expect(await as(t, token).query(api.users.viewer, {})).toMatchObject({ name: "Ada L." });
    await as(t, token).mutation(api.users.deleteMe, {});
    expect(await as(t, token).query(api.users.viewer, {})).toBeNull();
  });
});

describe("Auth() options", () => {
  test("fills defaults and refuses nonsense at load time", () => {
    expect(resolveOptions({})).toEqual(DEFAULT_OPTIONS);
    expect(resolveOptions({ session: { maxSessionsPerUser: 5 } }).session.maxSessionsPerUser).toBe(5);
    expect(() => resolveOptions({ session: { totalDurationMs: -1 } })).toThrow(/totalDurationMs/);
    expect(() => resolveOptions({ accessTokenTtlMs: 500 })).toThrow(/accessTokenTtlMs/);
    expect(() => resolveOptions({ failedAttempts: { max: Number.NaN } })).toThrow(/failedAttempts.max/);
  });
});
