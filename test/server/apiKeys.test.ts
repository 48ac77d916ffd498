/**
 * API keys: the raw key is never stored, scopes with wildcards, the scope set,
 * the per-key token bucket, refusals with their codes, cost independent of
 * the number of keys, caller helpers (`auth.key`) against the admin variant
 * (`auth.admin.key`), rotation as `create({ replaces })`, and the example's
 * key-protected HTTP endpoint.
 */
import {
  componentsGeneric,
  mutationGeneric,
  type AnyComponents,
  type FunctionReference,
} from "convex/server";
import { v } from "convex/values";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import appSchema from "../../example/convex/schema.js";
import { Meter } from "../../scripts/bench/meter.js";
import componentSchema from "../../src/component/schema.js";
import { API_KEY_ALPHABET, bearerToken } from "../../src/server/apiKeys/format.js";
import { resolveApiKeyOptions, type ApiKeyOptions } from "../../src/server/apiKeys/options.js";
import type { ApiKeyScope } from "../../src/server/apiKeys/scopes.js";
import { isAuthError } from "../../src/server/errors.js";
import { keyAdminHelpers, keyHelpers, type KeyWriteCtx } from "../../src/server/helpers/key.js";
import { hashSecret } from "../../src/server/tokens/secretHash.js";
import { as, claimsOf, password, probe, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { advanceFrom, dbNow } from "../harness/clock.js";
import { appModules, makeTestOf, type TestOptions } from "../harness/setup.js";

afterEach(() => {
  vi.useRealTimers();
});

function useClock(iso = "2026-05-01T00:00:00Z") {
  vi.useFakeTimers({ now: new Date(iso), toFake: ["Date"] });
}
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

const SCOPE_SET = { reports: ["read", "write"], billing: ["read"], admin: ["*"] };
const OPTIONS: ApiKeyOptions = { prefix: "sk_test_", scopes: SCOPE_SET };

/** A bench-style seeding module mounted inside the component. */
const seedModule = {
  insertKeys: mutationGeneric({
    args: { userId: v.string(), from: v.number(), count: v.number() },
    returns: v.null(),
    handler: async (ctx, { userId, from, count }) => {
      for (let i = from; i < from + count; i++) {
        await ctx.db.insert("apiKeys", {
          userId,
          name: `seed ${i}`,
          keyHash: hashSecret(`seed-key-${i}`),
          displayPrefix: "sk_test_seed",
          scopes: [],
        });
      }
      return null;
    },
  }),
  /** Ends a session the way any ending does for a live check: it is gone. */
  endSession: mutationGeneric({
    args: { sessionId: v.string() },
    returns: v.null(),
    handler: async (ctx, { sessionId }) => {
      const id = ctx.db.normalizeId("sessions", sessionId);
      if (id !== null) await ctx.db.delete(id);
      return null;
    },
  }),
};
const seedApi = (componentsGeneric() as AnyComponents).auth.seedApiKeys;
const insertKeys = seedApi.insertKeys as FunctionReference<
  "mutation",
  "internal",
  { userId: string; from: number; count: number },
  null
>;
const endSession = seedApi.endSession as FunctionReference<"mutation", "internal", { sessionId: string }, null>;

/** The example app with the component probe and the key-seeding module. */
function makeKeyTest(options: TestOptions = {}) {
  return makeTestOf(appModules, {
    schema: appSchema,
    ...options,
    componentModules: {
      "./component/testProbe.ts": () => import("../fixtures/componentProbe.js"),
      "./component/seedApiKeys.ts": async () => seedModule,
    },
  });
}
type KeyTest = ReturnType<typeof makeKeyTest>;

/** `auth.admin.key.*` built the way `Auth()` builds it, with this file's options. */
function helpers(options: ApiKeyOptions = OPTIONS) {
  return keyAdminHelpers(components.auth, options);
}
/** `auth.key.*` (the signed-in caller's keys, and `verify`). */
const keys = keyHelpers(components.auth, OPTIONS);
/** `auth.admin.key.*` (any user's keys). */
const admin = helpers();

async function newUser(t: KeyTest, email = "ada@example.com"): Promise<string> {
  return await t.mutation(components.auth.users.create, { email });
}

/** A user signed up with a password: their access token, user and session. */
async function signUp(t: KeyTest, email: string) {
  const { token } = tokensOf(await password.signUp(t, email, "correct horse battery"));
  const { userId, sessionId } = claimsOf(token);
  return { token, userId: userId!, sessionId: sessionId! };
}

/** Runs helper calls in an action (each component call commits on its own, as in an HTTP action). */
function inAction<T>(t: KeyTest | ReturnType<KeyTest["withIdentity"]>, run: (ctx: KeyWriteCtx) => Promise<T>) {
  return t.action(async (ctx) => await run(ctx));
}

/** Creates a key for `userId` through the admin variant. */
async function createKey(
  t: KeyTest,
  userId: string,
  extra: Partial<Parameters<typeof admin.create>[1]> = {},
  k = admin,
) {
  return await inAction(t, (ctx) =>
    k.create(ctx, { userId, name: "CI", scopes: [{ resource: "reports", actions: ["read"] }], ...extra }),
  );
}

const verify = (t: KeyTest, raw: string, k = keys) =>
  inAction(t, async (ctx) => {
    const result = await k.verify(ctx, raw);
    return { userId: result.userId, keyId: result.keyId, name: result.name, scopes: result.scopes.list };
  });

/** The code of the error a verify fails with, or "ok". */
async function outcome(t: KeyTest, raw: string): Promise<string> {
  return await inAction(t, async (ctx) => {
    try {
      await keys.verify(ctx, raw);
      return "ok";
    } catch (error) {
      if (isAuthError(error)) return error.data.code;
      throw error;
    }
  });
}

describe("creation", () => {
  test("the raw key is the prefix and 32 characters of the 62-letter alphabet, unique per key", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const raws = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { raw } = await createKey(t, userId);
      expect(raw).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
      for (const c of raw.slice("sk_test_".length)) expect(API_KEY_ALPHABET).toContain(c);
      raws.add(raw);
    }
    expect(raws.size).toBe(20);
  });

  test("the raw key appears nowhere in the database: every component table scanned", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId);
    const rotated = await inAction(t, (ctx) => admin.rotate(ctx, keyId));
    await verify(t, rotated.raw);
    const secrets = [raw, rotated.raw].flatMap((r) => [r, r.slice("sk_test_".length)]);
    const tables = Object.keys(componentSchema.tables);
    expect(tables).toContain("apiKeys");
    for (const table of tables) {
      const dump = JSON.stringify(await t.query(probe.rows, { table }));
      for (const secret of secrets) expect(dump, `${table} holds a raw key`).not.toContain(secret);
    }
    // What is stored: the SHA-256 hash and a display prefix of 4 random characters.
    const [stored] = (await t.query(probe.rows, { table: "apiKeys" })).filter((k) => k._id === keyId);
    expect(stored!.keyHash).toBe(hashSecret(raw));
    expect(stored!.displayPrefix).toBe(raw.slice(0, "sk_test_".length + 4));
  });

  test("list and get never return the raw key or its hash", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId);
    const listed = await t.query(async (ctx) => await admin.list(ctx, { userId }));
    const one = await t.query(async (ctx) => await admin.get(ctx, keyId));
    expect(listed).toHaveLength(1);
    expect(one).toMatchObject({ _id: keyId, userId, name: "CI", displayPrefix: raw.slice(0, 12) });
    for (const shown of [JSON.stringify(listed), JSON.stringify(one)]) {
      expect(shown).not.toContain(raw);
      expect(shown).not.toContain(hashSecret(raw));
      expect(shown).not.toContain("keyHash");
    }
  });

  test("bad names, rate limits, expiries and unknown users are refused", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    await expectAuthError(createKey(t, userId, { name: "  " }), "INVALID_ARGUMENT");
    await expectAuthError(createKey(t, userId, { name: "x".repeat(101) }), "INVALID_ARGUMENT");
    await expectAuthError(createKey(t, userId, { rateLimit: { max: 0, periodMs: 1000 } }), "INVALID_ARGUMENT");
    await expectAuthError(createKey(t, userId, { rateLimit: { max: 1.5, periodMs: 1000 } }), "INVALID_ARGUMENT");
    await expectAuthError(createKey(t, userId, { rateLimit: { max: 5, periodMs: 0 } }), "INVALID_ARGUMENT");
    await expectAuthError(createKey(t, userId, { expirationTime: Date.now() }), "INVALID_ARGUMENT");
    await t.mutation(components.auth.users.delete, { userId });
    await expectAuthError(createKey(t, userId), "NOT_FOUND");
    expect(await t.query(probe.rows, { table: "apiKeys" })).toEqual([]);
  });

  test("the options are checked when Auth() runs", () => {
    expect(() => resolveApiKeyOptions({ prefix: "sk live" })).toThrow(/prefix/);
    expect(() => resolveApiKeyOptions({ prefix: "x".repeat(33) })).toThrow(/prefix/);
    expect(() => resolveApiKeyOptions({ scopes: { reports: [] } })).toThrow(/at least one action/);
    expect(() => resolveApiKeyOptions({ scopes: { "*": ["read"] } })).toThrow(/resource/);
    expect(() => resolveApiKeyOptions({ scopes: { reports: ["read it"] } })).toThrow(/action/);
    expect(() => resolveApiKeyOptions({ defaultRateLimit: { max: 0, periodMs: 1 } })).toThrow(/defaultRateLimit/);
    expect(resolveApiKeyOptions(undefined)).toEqual({ prefix: "sk_live_", scopes: null, defaultRateLimit: null });
  });
});

describe("verify", () => {
  test("returns the user, the key and its scopes, and records lastUsedTime", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId);
    expect((await t.query(async (ctx) => await admin.get(ctx, keyId)))!.lastUsedTime).toBeUndefined();
    advance(5_000);
    expect(await verify(t, raw)).toEqual({
      userId,
      keyId,
      name: "CI",
      scopes: [{ resource: "reports", actions: ["read"] }],
    });
    expect((await t.query(async (ctx) => await admin.get(ctx, keyId)))!.lastUsedTime).toBe(Date.now());
  });

  test("unknown, malformed and differently-prefixed-but-unknown keys are INVALID_API_KEY", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { raw } = await createKey(t, userId);
    const tampered = raw.slice(0, -1) + (raw.endsWith("a") ? "b" : "a");
    for (const bad of [tampered, "sk_test_" + "A".repeat(32), "", "sk_test_", raw + " ", "Bearer " + raw, raw.slice(0, -1)]) {
      expect(await outcome(t, bad), JSON.stringify(bad)).toBe("INVALID_API_KEY");
    }
    expect(await outcome(t, raw)).toBe("ok");
  });

  test("keys still verify after the app changes its prefix", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { raw } = await createKey(t, userId, {}, helpers({ ...OPTIONS, prefix: "old_" }));
    expect(raw.startsWith("old_")).toBe(true);
    expect(await outcome(t, raw)).toBe("ok");
  });

  test("expired, revoked, removed and rotated-out keys are refused with their codes", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const expiring = await createKey(t, userId, { expirationTime: Date.now() + 60_000 });
    const revoked = await createKey(t, userId);
    const removed = await createKey(t, userId);
    const rotated = await createKey(t, userId, {
      name: "rotating",
      scopes: [{ resource: "billing", actions: ["read"] }],
      rateLimit: { max: 3, periodMs: 60_000 },
      expirationTime: Date.now() + 120_000,
    });
    for (const key of [expiring, revoked, removed, rotated]) expect(await outcome(t, key.raw)).toBe("ok");

    advance(60_000);
    expect(await outcome(t, expiring.raw)).toBe("API_KEY_EXPIRED");
    // The rotating key's bucket is full again (3); use 2 of them before rotating.
    expect(await outcome(t, rotated.raw)).toBe("ok");
    expect(await outcome(t, rotated.raw)).toBe("ok");

    expect(await inAction(t, (ctx) => admin.revoke(ctx, revoked.keyId))).toBe(true);
    expect(await inAction(t, (ctx) => admin.revoke(ctx, revoked.keyId))).toBe(false);
    expect(await outcome(t, revoked.raw)).toBe("API_KEY_REVOKED");
    // Soft: the revoked key is still listed, with when it was revoked.
    const listed = await t.query(async (ctx) => await admin.list(ctx, { userId }));
    expect(listed.find((k) => k._id === revoked.keyId)?.revokedTime).toBe(await dbNow(t));

    await inAction(t, (ctx) => admin.remove(ctx, removed.keyId));
    expect(await outcome(t, removed.raw)).toBe("INVALID_API_KEY");
    expect(await t.query(async (ctx) => await admin.get(ctx, removed.keyId))).toBeNull();

    const next = await inAction(t, (ctx) => admin.rotate(ctx, rotated.keyId));
    expect(next.raw).not.toBe(rotated.raw);
    expect(await outcome(t, rotated.raw)).toBe("API_KEY_REVOKED");
    const nextKey = await t.query(async (ctx) => await admin.get(ctx, next.keyId));
    expect(nextKey).toMatchObject({
      userId,
      name: "rotating",
      scopes: [{ resource: "billing", actions: ["read"] }],
      rateLimit: { max: 3, periodMs: 60_000 },
      expirationTime: Date.now() + 60_000,
    });
    // The new key carries the tokens already used: 2 of 3 taken, 1 left.
    expect(await outcome(t, next.raw)).toBe("ok");
    expect(await outcome(t, next.raw)).toBe("RATE_LIMITED");
    // A revoked key cannot be rotated back to life; an expired one needs a new expiry.
    await expectAuthError(inAction(t, (ctx) => admin.rotate(ctx, rotated.keyId)), "API_KEY_REVOKED");
    await expectAuthError(inAction(t, (ctx) => admin.rotate(ctx, expiring.keyId)), "API_KEY_EXPIRED");
    const renewed = await inAction(t, (ctx) => admin.rotate(ctx, expiring.keyId, { expirationTime: Date.now() + 60_000 }));
    expect(await outcome(t, renewed.raw)).toBe("ok");

    const events = (await t.query(probe.rows, { table: "events" })).map((e) => e.type).filter((type) => String(type).startsWith("api_key_"));
    expect(events.filter((e) => e === "api_key_created")).toHaveLength(4);
    expect(events.filter((e) => e === "api_key_rotated")).toHaveLength(2);
    expect(events).toContain("api_key_revoked");
    expect(events).toContain("api_key_removed");
  });

  test("a revoke of a key the user does not own is NOT_FOUND and changes nothing", async () => {
    const t = makeKeyTest();
    const ada = await signUp(t, "ada@example.com");
    const eve = await signUp(t, "eve@example.com");
    const { keyId, raw } = await createKey(t, ada.userId);
    const asEve = as(t, eve.token);
    await expectAuthError(inAction(asEve, (ctx) => keys.revoke(ctx, keyId)), "NOT_FOUND");
    await expectAuthError(inAction(asEve, (ctx) => keys.remove(ctx, keyId)), "NOT_FOUND");
    await expectAuthError(inAction(asEve, (ctx) => keys.rotate(ctx, keyId)), "NOT_FOUND");
    await expectAuthError(inAction(asEve, (ctx) => keys.update(ctx, keyId, { name: "mine" })), "NOT_FOUND");
    expect(await asEve.query(async (ctx) => await keys.get(ctx, keyId))).toBeNull();
    expect(await outcome(t, raw)).toBe("ok");
    expect(await inAction(as(t, ada.token), (ctx) => keys.revoke(ctx, keyId))).toBe(true);
  });

  test("the keys of a deleted user are deleted with it", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const eve = await newUser(t, "eve@example.com");
    const mine = await createKey(t, userId);
    const hers = await createKey(t, eve);
    await t.mutation(components.auth.users.delete, { userId });
    expect(await outcome(t, mine.raw)).toBe("INVALID_API_KEY");
    expect(await outcome(t, hers.raw)).toBe("ok");
    expect((await t.query(probe.rows, { table: "apiKeys" })).map((k) => k.userId)).toEqual([eve]);
  });
});

describe("caller helpers and the admin variant", () => {
  /** The component's API-key rows and audit events, to show a refusal wrote nothing. */
  const written = async (t: KeyTest) => ({
    apiKeys: await t.query(probe.rows, { table: "apiKeys" }),
    events: await t.query(probe.rows, { table: "events" }),
  });
  const scopes = [{ resource: "reports", actions: ["read"] }];

  test("auth.key.* acts on the signed-in caller's keys", async () => {
    useClock();
    const t = makeKeyTest();
    const ada = await signUp(t, "ada@example.com");
    const asAda = as(t, ada.token);
    const { keyId, raw } = await inAction(asAda, (ctx) =>
      keys.create(ctx, { name: "CI", scopes, expirationTime: Date.now() + 60_000 }),
    );
    expect((await verify(t, raw)).userId).toBe(ada.userId);
    expect(await asAda.query(async (ctx) => (await keys.list(ctx)).map((k) => k._id))).toEqual([keyId]);
    expect(await asAda.query(async (ctx) => await keys.get(ctx, keyId))).toMatchObject({ _id: keyId, userId: ada.userId });
    await inAction(asAda, (ctx) => keys.update(ctx, keyId, { name: "renamed", rateLimit: { max: 5, periodMs: 1_000 } }));
    expect(await asAda.query(async (ctx) => await keys.get(ctx, keyId))).toMatchObject({
      name: "renamed",
      rateLimit: { max: 5, periodMs: 1_000 },
      expirationTime: Date.now() + 60_000,
    });
    const next = await inAction(asAda, (ctx) => keys.rotate(ctx, keyId, { expirationTime: null }));
    expect(await outcome(t, raw)).toBe("API_KEY_REVOKED");
    const nextKey = await asAda.query(async (ctx) => await keys.get(ctx, next.keyId));
    expect(nextKey).toMatchObject({ userId: ada.userId, name: "renamed", rateLimit: { max: 5, periodMs: 1_000 } });
    expect(nextKey).not.toHaveProperty("expirationTime");
    expect(await inAction(asAda, (ctx) => keys.revoke(ctx, next.keyId))).toBe(true);
    await inAction(asAda, (ctx) => keys.remove(ctx, next.keyId));
    expect(await asAda.query(async (ctx) => (await keys.list(ctx)).map((k) => k._id))).toEqual([keyId]);
  });

  test("caller helpers refuse another user's key with NOT_FOUND and write nothing", async () => {
    const t = makeKeyTest();
    const ada = await signUp(t, "ada@example.com");
    const eve = await signUp(t, "eve@example.com");
    const { keyId, raw } = await inAction(as(t, ada.token), (ctx) => keys.create(ctx, { name: "CI", scopes }));
    const asEve = as(t, eve.token);
    const before = await written(t);
    const attempts: [string, (ctx: KeyWriteCtx) => Promise<unknown>][] = [
      ["update", (ctx) => keys.update(ctx, keyId, { name: "mine", scopes: [{ resource: "admin", actions: ["*"] }] })],
      ["revoke", (ctx) => keys.revoke(ctx, keyId)],
      ["remove", (ctx) => keys.remove(ctx, keyId)],
      ["rotate", (ctx) => keys.rotate(ctx, keyId)],
      ["rotate (new expiry)", (ctx) => keys.rotate(ctx, keyId, { expirationTime: Date.now() + 60_000 })],
    ];
    for (const [name, attempt] of attempts) {
      await expectAuthError(inAction(asEve, attempt), "NOT_FOUND").catch((e: unknown) => {
        throw new Error(`${name}: ${String(e)}`);
      });
    }
    expect(await asEve.query(async (ctx) => await keys.get(ctx, keyId))).toBeNull();
    expect(await asEve.query(async (ctx) => await keys.list(ctx))).toEqual([]);
    expect(await written(t)).toEqual(before);
    expect(await outcome(t, raw)).toBe("ok");
  });

  test("caller helpers refuse when signed out or when the session has ended, and write nothing", async () => {
    const t = makeKeyTest();
    const ada = await signUp(t, "ada@example.com");
    const { keyId, raw } = await inAction(as(t, ada.token), (ctx) => keys.create(ctx, { name: "CI", scopes }));
    const every: [string, (ctx: KeyWriteCtx) => Promise<unknown>][] = [
      ["create", (ctx) => keys.create(ctx, { name: "x", scopes })],
      ["list", (ctx) => keys.list(ctx)],
      ["get", (ctx) => keys.get(ctx, keyId)],
      ["update", (ctx) => keys.update(ctx, keyId, { name: "x" })],
      ["revoke", (ctx) => keys.revoke(ctx, keyId)],
      ["remove", (ctx) => keys.remove(ctx, keyId)],
      ["rotate", (ctx) => keys.rotate(ctx, keyId)],
    ];
    const refuseAll = async (who: KeyTest | ReturnType<KeyTest["withIdentity"]>, code: "NOT_SIGNED_IN" | "SESSION_ENDED") => {
      const before = await written(t);
      for (const [name, call] of every) {
        await expectAuthError(inAction(who, call), code).catch((e: unknown) => {
          throw new Error(`${name}: ${String(e)}`);
        });
      }
      expect(await written(t)).toEqual(before);
    };
    await refuseAll(t, "NOT_SIGNED_IN");
    await t.mutation(endSession, { sessionId: ada.sessionId });
    await refuseAll(as(t, ada.token), "SESSION_ENDED");
    // Checking a key needs no signed-in caller.
    expect(await outcome(t, raw)).toBe("ok");
  });

  test("create({ replaces }) revokes the old key in the same transaction; a refused replace writes nothing", async () => {
    useClock();
    const t = makeKeyTest();
    const ada = await newUser(t);
    const eve = await newUser(t, "eve@example.com");
    const old = await createKey(t, ada, { rateLimit: { max: 3, periodMs: 60_000 }, expirationTime: Date.now() + 60_000 });
    await verify(t, old.raw);
    const replace = (args: Record<string, unknown>) =>
      t.mutation(components.auth.apiKeys.create, { keyHash: hashSecret(`new-${JSON.stringify(args)}`), displayPrefix: "sk_test_new", ...args });

    const before = await written(t);
    // Someone else's key, an unknown one, a key hash in use, fields a replacement copies.
    await expectAuthError(replace({ replaces: old.keyId, userId: eve }), "NOT_FOUND");
    await expectAuthError(replace({ replaces: "junk" }), "NOT_FOUND");
    await expectAuthError(
      t.mutation(components.auth.apiKeys.create, { replaces: old.keyId, keyHash: hashSecret(old.raw), displayPrefix: "x" }),
      "INVALID_ARGUMENT",
    );
    await expectAuthError(replace({ replaces: old.keyId, name: "other" }), "INVALID_ARGUMENT");
    await expectAuthError(replace({ replaces: old.keyId, scopes: [] }), "INVALID_ARGUMENT");
    await expectAuthError(replace({ replaces: old.keyId, rateLimit: { max: 1, periodMs: 1 } }), "INVALID_ARGUMENT");
    expect(await written(t)).toEqual(before);
    expect(await outcome(t, old.raw)).toBe("ok");

    const newKeyId = await replace({ replaces: old.keyId, userId: ada });
    const rows = await t.query(probe.rows, { table: "apiKeys" });
    const oldRow = rows.find((k) => k._id === old.keyId)!;
    const newRow = rows.find((k) => k._id === newKeyId)!;
    expect(oldRow.revokedTime).toBe(await dbNow(t));
    expect(newRow).toMatchObject({
      userId: ada,
      name: "CI",
      scopes: [{ resource: "reports", actions: ["read"] }],
      rateLimit: { max: 3, periodMs: 60_000 },
      bucket: oldRow.bucket,
      expirationTime: Date.now() + 60_000,
    });
    expect(newRow.revokedTime).toBeUndefined();
    const events = (await t.query(probe.rows, { table: "events" })).filter((e) => e.type === "api_key_rotated");
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ keyId: old.keyId, newKeyId });

    // The old key is revoked now; an expired key needs a new expiry. Neither writes anything.
    const expiring = await createKey(t, ada, { expirationTime: Date.now() + 1_000 });
    advance(1_000);
    const later = await written(t);
    await expectAuthError(replace({ replaces: old.keyId }), "API_KEY_REVOKED");
    await expectAuthError(replace({ replaces: expiring.keyId }), "API_KEY_EXPIRED");
    await expectAuthError(replace({ replaces: expiring.keyId, expirationTime: null, userId: eve }), "NOT_FOUND");
    expect(await written(t)).toEqual(later);
    await replace({ replaces: expiring.keyId, expirationTime: null });
    expect(await outcome(t, expiring.raw)).toBe("API_KEY_REVOKED");
  });

  test("the admin variant works on any user's key, with or without a caller", async () => {
    const t = makeKeyTest();
    const ada = await signUp(t, "ada@example.com");
    const eve = await signUp(t, "eve@example.com");
    const { keyId, raw } = await inAction(as(t, ada.token), (ctx) => keys.create(ctx, { name: "CI", scopes }));
    // No caller at all (an internal function), and a caller who does not own the key.
    for (const who of [t, as(t, eve.token)]) {
      expect(await who.query(async (ctx) => await admin.get(ctx, keyId))).toMatchObject({ _id: keyId, userId: ada.userId });
      expect(await who.query(async (ctx) => (await admin.list(ctx, { userId: ada.userId })).map((k) => k._id))).toContain(keyId);
    }
    const asEve = as(t, eve.token);
    await inAction(asEve, (ctx) => admin.update(ctx, keyId, { name: "by admin" }));
    expect((await verify(t, raw)).name).toBe("by admin");
    const created = await inAction(t, (ctx) => admin.create(ctx, { userId: ada.userId, name: "for ada", scopes }));
    expect((await verify(t, created.raw)).userId).toBe(ada.userId);
    const rotated = await inAction(asEve, (ctx) => admin.rotate(ctx, keyId));
    expect(await outcome(t, raw)).toBe("API_KEY_REVOKED");
    expect((await verify(t, rotated.raw)).userId).toBe(ada.userId);
    expect(await inAction(t, (ctx) => admin.revoke(ctx, created.keyId))).toBe(true);
    await inAction(asEve, (ctx) => admin.remove(ctx, rotated.keyId));
    expect(await outcome(t, rotated.raw)).toBe("INVALID_API_KEY");
    // Ada sees what the admin did to her keys; Eve still has none.
    const adas = await as(t, ada.token).query(async (ctx) => await keys.list(ctx));
    expect(adas.map((k) => [k.name, k.revokedTime !== undefined])).toEqual([
      ["for ada", true],
      ["by admin", true],
    ]);
    expect(await asEve.query(async (ctx) => await keys.list(ctx))).toEqual([]);
    await expectAuthError(inAction(t, (ctx) => admin.revoke(ctx, "junk")), "NOT_FOUND");
  });
});

describe("scopes", () => {
  const granted: Record<string, ApiKeyScope[]> = {
    "reports:read": [{ resource: "reports", actions: ["read"] }],
    "reports:*": [{ resource: "reports", actions: ["*"] }],
    "*:read": [{ resource: "*", actions: ["read"] }],
    "*:*": [{ resource: "*", actions: ["*"] }],
    "billing:read + reports:write": [
      { resource: "billing", actions: ["read"] },
      { resource: "reports", actions: ["write"] },
    ],
    "admin:purge": [{ resource: "admin", actions: ["purge"] }],
    none: [],
  };
  const asked: [string, string][] = [
    ["reports", "read"],
    ["reports", "write"],
    ["billing", "read"],
    ["billing", "write"],
    ["admin", "purge"],
    ["other", "read"],
  ];
  // Rows: granted; columns: asked, in order. 1 = can.
  const expected: Record<string, string> = {
    "reports:read": "100000",
    "reports:*": "110000",
    "*:read": "101001",
    "*:*": "111111",
    "billing:read + reports:write": "011000",
    "admin:purge": "000010",
    none: "000000",
  };

  test("the scope matrix, wildcards included, through verify", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    // No scope set, so every wildcard may be granted (SCOPE_SET offers "*" only on "admin").
    const free = helpers({ prefix: "sk_test_" });
    for (const [label, scopes] of Object.entries(granted)) {
      const { raw } = await createKey(t, userId, { name: label, scopes }, free);
      const row = await inAction(t, async (ctx) => {
        const verified = await keys.verify(ctx, raw);
        return asked.map(([resource, action]) => (verified.scopes.can(resource, action) ? "1" : "0")).join("");
      });
      expect(row, label).toBe(expected[label]);
    }
  });

  test("scopes outside the scope set are refused at create (INVALID_SCOPE) and nothing is stored", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const invalid: unknown[][] = [
      [{ resource: "secrets", actions: ["read"] }],
      [{ resource: "reports", actions: ["delete"] }],
      [{ resource: "billing", actions: ["read", "write"] }],
      [{ resource: "reports", actions: [] }],
      [{ resource: "", actions: ["read"] }],
      [{ resource: "reports", actions: ["re ad"] }],
      [{ resource: "constructor", actions: ["read"] }],
      // Wildcards the scope set does not offer: no "*" resource, and only "admin" has "*".
      [{ resource: "*", actions: ["*"] }],
      [{ resource: "*", actions: ["read"] }],
      [{ resource: "*", actions: ["write"] }],
      [{ resource: "*", actions: ["delete"] }],
      [{ resource: "billing", actions: ["*"] }],
      [{ resource: "reports", actions: ["read", "*"] }],
      Array.from({ length: 65 }, () => ({ resource: "reports", actions: ["read"] })),
    ];
    for (const scopes of invalid) {
      await expectAuthError(createKey(t, userId, { scopes: scopes as ApiKeyScope[] }), "INVALID_SCOPE");
    }
    expect(await t.query(probe.rows, { table: "apiKeys" })).toEqual([]);
    // Wildcards the set offers are fine: "admin" allows any action, "*" included.
    for (const scopes of [
      [{ resource: "admin", actions: ["*"] }],
      [{ resource: "admin", actions: ["anything", "anything"] }],
    ]) {
      await createKey(t, userId, { scopes });
    }
    const stored = await t.query(async (ctx) => await admin.list(ctx, { userId }));
    expect(stored[0]!.scopes).toEqual([{ resource: "admin", actions: ["anything"] }]);
  });

  test("scopes outside the scope set are refused at update, and the key keeps its scopes", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId);
    await expectAuthError(
      inAction(t, (ctx) => admin.update(ctx, keyId, { scopes: [{ resource: "secrets", actions: ["read"] }] })),
      "INVALID_SCOPE",
    );
    await expectAuthError(
      inAction(t, (ctx) => admin.update(ctx, keyId, { scopes: [{ resource: "billing", actions: ["write"] }] })),
      "INVALID_SCOPE",
    );
    await expectAuthError(
      inAction(t, (ctx) => admin.update(ctx, keyId, { scopes: [{ resource: "reports", actions: ["*"] }] })),
      "INVALID_SCOPE",
    );
    expect((await verify(t, raw)).scopes).toEqual([{ resource: "reports", actions: ["read"] }]);
    await inAction(t, (ctx) =>
      admin.update(ctx, keyId, { name: "renamed", scopes: [{ resource: "admin", actions: ["*"] }] }),
    );
    expect(await verify(t, raw)).toMatchObject({ name: "renamed", scopes: [{ resource: "admin", actions: ["*"] }] });
  });

  test("without a configured scope set any well-formed scope is accepted", async () => {
    const t = makeKeyTest();
    const userId = await newUser(t);
    const free = helpers({ prefix: "sk_test_" });
    await createKey(t, userId, { scopes: [{ resource: "anything", actions: ["goes"] }] }, free);
    await expectAuthError(createKey(t, userId, { scopes: [{ resource: "a b", actions: ["c"] }] }, free), "INVALID_SCOPE");
  });
});

describe("rate limit", () => {
  test("exactly max pass in a burst, the next fails, one passes after periodMs / max", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { raw } = await createKey(t, userId, { rateLimit: { max: 5, periodMs: 60_000 } });
    for (let i = 0; i < 5; i++) expect(await outcome(t, raw), `request ${i + 1}`).toBe("ok");
    const refused = await inAction(t, async (ctx) =>
      await keys.verify(ctx, raw).then(
        () => null,
        (e: unknown) => (isAuthError(e) ? e.data : null),
      ),
    );
    expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 12_000 });
    await advanceFrom(t, 12_000 - 1);
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
    advance(1);
    expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
    // A full window refills the whole burst, and no more.
    advance(10 * 60_000);
    for (let i = 0; i < 5; i++) expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
  });

  test("an uneven refill rate still gives a token exactly after periodMs / max", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { raw } = await createKey(t, userId, { rateLimit: { max: 3, periodMs: 1_000 } });
    for (let i = 0; i < 3; i++) expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
    await advanceFrom(t, 334);
    expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
  });

  test("a refused request writes nothing and does not count as a use", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId, { rateLimit: { max: 1, periodMs: 60_000 } });
    await verify(t, raw);
    const usedAt = await dbNow(t);
    const before = await t.query(probe.rows, { table: "apiKeys" });
    advance(1_000);
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
    expect(await t.query(probe.rows, { table: "apiKeys" })).toEqual(before);
    expect((await t.query(async (ctx) => await admin.get(ctx, keyId)))!.lastUsedTime).toBe(usedAt);
  });

  test("the default rate limit applies unless a key has its own, or null for none", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const limited = helpers({ ...OPTIONS, defaultRateLimit: { max: 2, periodMs: 60_000 } });
    const byDefault = await createKey(t, userId, {}, limited);
    const own = await createKey(t, userId, { rateLimit: { max: 3, periodMs: 60_000 } }, limited);
    const unlimited = await createKey(t, userId, { rateLimit: null }, limited);
    const passes = async (raw: string) => {
      let n = 0;
      while (n < 10 && (await outcome(t, raw)) === "ok") n++;
      return n;
    };
    expect(await passes(byDefault.raw)).toBe(2);
    expect(await passes(own.raw)).toBe(3);
    expect(await passes(unlimited.raw)).toBe(10);
  });

  test("changing the rate limit keeps the tokens used, capped at the new maximum", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const { keyId, raw } = await createKey(t, userId, { rateLimit: { max: 10, periodMs: 60_000 } });
    for (let i = 0; i < 8; i++) await verify(t, raw);
    await inAction(t, (ctx) => admin.update(ctx, keyId, { rateLimit: { max: 100, periodMs: 60_000 } }));
    expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("ok");
    expect(await outcome(t, raw)).toBe("RATE_LIMITED");
    await inAction(t, (ctx) => admin.update(ctx, keyId, { rateLimit: null }));
    expect(await outcome(t, raw)).toBe("ok");
    await expectAuthError(
      inAction(t, (ctx) => admin.update(ctx, keyId, { rateLimit: { max: -1, periodMs: 60_000 } })),
      "INVALID_ARGUMENT",
    );
  });
});

describe("cost", () => {
  test("with 10,000 keys in the table verify reads and writes the same as with one", async () => {
    const measure = async (seeded: number) => {
      const meter = new Meter();
      const t = makeKeyTest({ around: meter.around });
      const userId = await newUser(t);
      for (let from = 0; from < seeded; from += 2_500) {
        await t.mutation(insertKeys, { userId, from, count: Math.min(2_500, seeded - from) });
      }
      const { raw } = await createKey(t, userId);
      const figures = await meter.measure(3, async () => raw, (r) => verify(t, r));
      return { calls: figures.calls, documentsRead: figures.documentsRead, documentsWritten: figures.documentsWritten, databaseQueries: figures.databaseQueries };
    };
    const one = await measure(0);
    const many = await measure(10_000);
    expect(many).toEqual(one);
    expect(one.documentsRead).toBeLessThanOrEqual(2);
    expect(one.documentsWritten).toBeLessThanOrEqual(1);
  }, 120_000);
});

describe("the example app", () => {
  const PW = "correct horse battery";

  test("a signed-in user creates, lists and revokes keys; another user cannot touch them", async () => {
    const t = makeKeyTest();
    const ada = tokensOf(await password.signUp(t, "ada@example.com", PW));
    const eve = tokensOf(await password.signUp(t, "eve@example.com", PW));
    await expectAuthError(t.mutation(api.apiKeys.create, { name: "x", scopes: [] }), "NOT_SIGNED_IN");
    const { keyId, raw } = await as(t, ada.token).mutation(api.apiKeys.create, {
      name: "laptop",
      scopes: [{ resource: "profile", actions: ["read"] }],
      expiresInDays: 30,
    });
    expect(raw).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    await expectAuthError(
      as(t, ada.token).mutation(api.apiKeys.create, { name: "x", scopes: [{ resource: "payments", actions: ["read"] }] }),
      "INVALID_SCOPE",
    );
    const listed = await as(t, ada.token).query(api.apiKeys.list, {});
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: keyId, name: "laptop", displayPrefix: raw.slice(0, 12), revokedTime: null });
    expect(JSON.stringify(listed)).not.toContain(raw);
    expect(await as(t, eve.token).query(api.apiKeys.list, {})).toEqual([]);
    expect(await t.query(api.apiKeys.list, {})).toEqual([]);
    await expectAuthError(as(t, eve.token).mutation(api.apiKeys.revoke, { keyId }), "NOT_FOUND");
    expect(await as(t, ada.token).mutation(api.apiKeys.revoke, { keyId })).toBe(true);
    expect((await as(t, ada.token).query(api.apiKeys.list, {}))[0]!.revokedTime).not.toBeNull();
    expect(await as(t, ada.token).query(api.apiKeys.scopeSet, {})).toEqual({
      profile: ["read", "write"],
      sessions: ["read"],
    });
    const second = await as(t, ada.token).mutation(api.apiKeys.create, { name: "y", scopes: [] });
    expect((await verify(t, second.raw)).userId).toBe(claimsOf(ada.token).userId);
  });

  test("the HTTP endpoint answers 401 without a valid key, 403 without the scope, 200 with it", async () => {
    const t = makeKeyTest();
    const ada = tokensOf(await password.signUp(t, "ada@example.com", PW, { name: "Ada" }));
    const userId = claimsOf(ada.token).userId;
    const reader = await as(t, ada.token).mutation(api.apiKeys.create, {
      name: "reader",
      scopes: [{ resource: "profile", actions: ["read"] }],
    });
    const other = await as(t, ada.token).mutation(api.apiKeys.create, {
      name: "sessions only",
      scopes: [{ resource: "sessions", actions: ["read"] }],
    });
    const writer = await as(t, ada.token).mutation(api.apiKeys.create, {
      name: "writer",
      scopes: [{ resource: "profile", actions: ["read", "write"] }],
    });
    const get = (headers: Record<string, string> = {}) => t.fetch("/api/profile", { method: "GET", headers });
    const bearer = (raw: string) => ({ Authorization: `Bearer ${raw}` });

    const missing = await get();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ code: "INVALID_API_KEY" });
    expect((await get({ Authorization: `Basic ${btoa("a:b")}` })).status).toBe(401);
    expect((await get(bearer("sk_test_" + "x".repeat(32)))).status).toBe(401);

    const ok = await get(bearer(reader.raw));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: userId, name: "Ada", email: "ada@example.com" });
    expect((await get({ authorization: `bearer ${reader.raw}` })).status).toBe(200);

    const forbidden = await get(bearer(other.raw));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: "INSUFFICIENT_SCOPE" });

    const post = (raw: string, body: unknown) =>
      t.fetch("/api/profile", { method: "POST", headers: bearer(raw), body: JSON.stringify(body) });
    expect((await post(reader.raw, { name: "Eve" })).status).toBe(403);
    expect((await post(writer.raw, { name: "Grace" })).status).toBe(200);
    expect(await (await get(bearer(reader.raw))).json()).toMatchObject({ name: "Grace" });

    await as(t, ada.token).mutation(api.apiKeys.revoke, { keyId: reader.keyId });
    const revoked = await get(bearer(reader.raw));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ code: "API_KEY_REVOKED" });
  });

  test("the HTTP endpoint answers 429 with Retry-After over the key's rate limit", async () => {
    useClock();
    const t = makeKeyTest();
    const userId = await newUser(t);
    const example = helpers({ ...OPTIONS, scopes: { profile: ["read"] } });
    const { raw } = await createKey(
      t,
      userId,
      { scopes: [{ resource: "profile", actions: ["read"] }], rateLimit: { max: 2, periodMs: 10_000 } },
      example,
    );
    const get = () => t.fetch("/api/profile", { headers: { Authorization: `Bearer ${raw}` } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("5");
    expect(await limited.json()).toMatchObject({ code: "RATE_LIMITED" });
  });

  test("bearerToken reads the Authorization header only", () => {
    const req = (value?: string) => new Request("https://x.test/", value === undefined ? {} : { headers: { Authorization: value } });
    expect(bearerToken(req("Bearer abc"))).toBe("abc");
    expect(bearerToken(req("bearer   abc  "))).toBe("abc");
    expect(bearerToken(req())).toBeNull();
    expect(bearerToken(req("Basic abc"))).toBeNull();
    expect(bearerToken(req("Bearer a b"))).toBeNull();
    expect(bearerToken(req("Bearer"))).toBeNull();
  });
});
