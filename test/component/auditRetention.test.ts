/**
 * The audit log's retention (issue "Accounts", §3): every event is stamped
 * with an expiry (its time + the retention the server passes,
 * `Auth({ audit: { retentionDays } })`, 90 days by default), and the hourly
 * sweep (`sweep.events`) deletes events past it, old events from before
 * retention by their age, in bounded batches that continue in scheduled
 * follow-ups.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference, type TransactionMetrics } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { Auth } from "../../src/server/index.js";
import { DEFAULT_OPTIONS, resolveOptions } from "../../src/server/config.js";
import { EVENTS_SWEEP_BATCH } from "../../src/component/sweep.js";
import { claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import type { Around } from "../harness/instrument.js";

const DAY = 24 * 60 * 60 * 1000;
const PW = "correct horse battery";
const internalApi = componentsGeneric() as AnyComponents;
const sweepEvents = internalApi.auth.sweep.events as FunctionReference<"mutation", "internal", Record<string, never>, number>;
const seedEvents = internalApi.auth.eventSeed.seedEvents as FunctionReference<
  "mutation",
  "internal",
  { count: number; type: string; userId?: string; expirationTime?: number },
  null
>;
const withSeed = { "./component/eventSeed.ts": () => import("../fixtures/eventSeed.js") };

type EventRow = { _id: string; _creationTime: number; type: string; userId?: string; expirationTime?: number; data?: unknown };
const events = async (t: AuthTest) => (await t.query(probe.rows, { table: "events" })) as EventRow[];
const types = (rows: EventRow[]) => rows.map((e) => e.type).sort();

afterEach(() => {
  vi.useRealTimers();
});

describe("retention", () => {
  test("events are stamped to expire 90 days on by default; the sweep deletes those past it and keeps the rest", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const start = Date.now();
    const ada = claimsOf(tokensOf(await password.signUp(t, "ada@example.com", PW)).token).userId!;
    // (convex-test's creation times carry a fraction of a millisecond.)
    for (const event of await events(t)) expect(event.expirationTime! - Math.floor(event._creationTime)).toBe(90 * DAY);

    vi.setSystemTime(start + 60 * DAY);
    await password.signIn(t, "ada@example.com", PW);
    vi.setSystemTime(start + 90 * DAY - 1);
    expect(await t.mutation(sweepEvents, {})).toBe(0);
    vi.setSystemTime(start + 90 * DAY + 1);
    expect(await t.mutation(sweepEvents, {})).toBe(2);
    const left = await events(t);
    expect(left.map((e) => [e.type, Math.floor(e._creationTime)])).toEqual([["sign_in", start + 60 * DAY]]);
    const listed = await t.query(components.auth.events.list, { userId: ada, paginationOpts: { numItems: 10, cursor: null } });
    expect(listed.page.map((e) => e.type)).toEqual(["sign_in"]);
  });

  test("the age is configurable: Auth({ audit: { retentionDays } }) stamps its events, and the sweep honours each event's own", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const start = Date.now();
    const week = Auth({ component: components.auth, providers: [], audit: { retentionDays: 7 } });
    const year = Auth({ component: components.auth, providers: [], audit: { retentionDays: 365 } });
    const userId = await t.mutation(components.auth.users.create, { email: "ada@example.com" });
    await t.mutation(async (ctx) => await week.admin.user.update(ctx, userId, { name: "Ada" }));
    await t.mutation(async (ctx) => await auth.admin.user.update(ctx, userId, { name: "Ada L." }));
    await t.mutation(async (ctx) => await year.admin.user.ban(ctx, userId, { reason: "abuse" }));
    const keptFor = (rows: EventRow[], type: string) =>
      rows.filter((e) => e.type === type).map((e) => (e.expirationTime! - Math.floor(e._creationTime)) / DAY).sort((a, b) => a - b);
    const rows = await events(t);
    expect(keptFor(rows, "user_created")).toEqual([90]); // a direct component call passes no audit: the component's default
    expect(keptFor(rows, "user_updated")).toEqual([7, 90]); // `week`'s, and the example's Auth() (the default)
    expect(keptFor(rows, "user_banned")).toEqual([365]);

    vi.setSystemTime(start + 7 * DAY + 1);
    expect(await t.mutation(sweepEvents, {})).toBe(1);
    expect(types(await events(t))).toEqual(["user_banned", "user_created", "user_updated"]);
    vi.setSystemTime(start + 90 * DAY + 1);
    expect(await t.mutation(sweepEvents, {})).toBe(2);
    expect(types(await events(t))).toEqual(["user_banned"]);
    vi.setSystemTime(start + 365 * DAY + 1);
    expect(await t.mutation(sweepEvents, {})).toBe(1);
    expect(await events(t)).toEqual([]);
  });

  test("events from before retention (no expiry) go 90 days after they were written", async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest({ componentModules: withSeed });
    const start = Date.now();
    await t.mutation(seedEvents, { count: 3, type: "sign_in" });
    vi.setSystemTime(start + 10 * DAY);
    await t.mutation(seedEvents, { count: 2, type: "sign_in" });
    vi.setSystemTime(start + 90 * DAY - 1);
    expect(await t.mutation(sweepEvents, {})).toBe(0);
    vi.setSystemTime(start + 90 * DAY + 1);
    expect(await t.mutation(sweepEvents, {})).toBe(3);
    expect((await events(t)).map((e) => Math.floor(e._creationTime))).toEqual([start + 10 * DAY, start + 10 * DAY]);
  });

  test("the sweep deletes in bounded batches, each its own transaction, continuing in scheduled follow-ups", { timeout: 120_000 }, async () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    const perBatch: { documentsRead: number; documentsWritten: number }[] = [];
    const around: Around = async (frame, run) => {
      if (frame.name !== "sweep:events" || frame.depth > 0) return await run();
      try {
        return await run();
      } finally {
        const m = await (frame.ctx as { meta: { getTransactionMetrics(): Promise<TransactionMetrics> } }).meta.getTransactionMetrics();
        perBatch.push({ documentsRead: m.documentsRead.used, documentsWritten: m.documentsWritten.used });
      }
    };
    const t = makeAuthTest({ componentModules: withSeed, around });
    const start = Date.now();
    // 1,200 events from before retention, 2,300 expired, 10 still kept: more than three batches.
    for (let i = 0; i < 3; i++) await t.mutation(seedEvents, { count: 400, type: "legacy" });
    for (let i = 0; i < 5; i++) await t.mutation(seedEvents, { count: 460, type: "old", expirationTime: start + DAY });
    await t.mutation(seedEvents, { count: 10, type: "kept", expirationTime: start + 365 * DAY });
    vi.setSystemTime(start + 91 * DAY);

    expect(await t.mutation(sweepEvents, {})).toBe(EVENTS_SWEEP_BATCH);
    expect((await events(t)).length).toBe(3510 - EVENTS_SWEEP_BATCH);
    await t.finishAllScheduledFunctions(vi.runAllTimers);

    expect(types(await events(t))).toEqual(Array(10).fill("kept"));
    // Each deletion reads its event (found by the index range) and writes it: 2 reads, 1 write.
    expect(perBatch).toEqual([
      { documentsRead: 2000, documentsWritten: 1000 },
      { documentsRead: 2000, documentsWritten: 1000 },
      { documentsRead: 2000, documentsWritten: 1000 },
      { documentsRead: 1000, documentsWritten: 500 },
    ]);
  });

  test("a retention that is no positive number of ms (up to 100 years) is INVALID_ARGUMENT and writes nothing", async () => {
    const t = makeAuthTest();
    for (const retentionMs of [0, -1, Number.POSITIVE_INFINITY, 36_501 * DAY]) {
      await expectAuthError(t.mutation(components.auth.users.create, { email: "ada@example.com", audit: { retentionMs } }), "INVALID_ARGUMENT");
    }
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await events(t)).toEqual([]);
  });

  test("Auth() defaults to 90 days and refuses a nonsense retentionDays at load time", () => {
    expect(resolveOptions({}).audit).toEqual({ retentionMs: 90 * DAY });
    expect(DEFAULT_OPTIONS.audit.retentionMs).toBe(90 * DAY);
    expect(resolveOptions({ audit: { retentionDays: 30 } }).audit).toEqual({ retentionMs: 30 * DAY });
    expect(resolveOptions({ audit: { retentionDays: 0.5 } }).audit).toEqual({ retentionMs: DAY / 2 });
    for (const retentionDays of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 36_501]) {
      expect(() => resolveOptions({ audit: { retentionDays } })).toThrow(/audit.retentionDays/);
    }
  });
});
