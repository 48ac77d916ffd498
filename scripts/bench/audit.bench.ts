/**
 * Cost of the audit log's retention sweep (`sweep.events`, hourly from the
 * component's crons), one transaction each:
 *
 * - `sweep.events.batch`: a full batch, 1,000 events past their expiry
 *   (among 100 still kept): each deletion reads its event and writes it,
 *   and the full batch schedules a follow-up;
 * - `sweep.events.batch.at10k`: the same among 10,000 events still kept
 *   (the index range starts at the oldest expiry: the kept ones are not read);
 * - `sweep.events.legacy`: a full batch of events from before retention
 *   (no expiry, older than 90 days), the other index range;
 * - `sweep.events.idle`: nothing due (the hourly run on a tidy log).
 *
 * Scheduled follow-ups are left unrun (timers are faked), so each run
 * measures one batch.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference, type TransactionMetrics } from "convex/server";
import { afterAll, beforeAll, test, vi } from "vitest";
import { makeAuthTest } from "../../test/harness/auth.js";
import type { Around } from "../../test/harness/instrument.js";
import { EVENTS_SWEEP_BATCH } from "../../src/component/sweep.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const DAY = 24 * 60 * 60 * 1000;
const internalApi = componentsGeneric() as AnyComponents;
const sweepEvents = internalApi.auth.sweep.events as FunctionReference<"mutation", "internal", Record<string, never>, number>;
const seedEvents = internalApi.auth.eventSeed.seedEvents as FunctionReference<
  "mutation",
  "internal",
  { count: number; type: string; userId?: string; expirationTime?: number },
  null
>;

/** Bytes the last `sweep.events` transaction read and wrote (Convex allows 16 MiB each way). */
const lastBytes = { read: 0, written: 0 };

function setupApp() {
  const meter = new Meter();
  const around: Around = async (frame, run) =>
    await meter.around(frame, async () => {
      if (frame.name !== "sweep:events" || frame.depth > 0) return await run();
      try {
        return await run();
      } finally {
        const m = await (frame.ctx as { meta: { getTransactionMetrics(): Promise<TransactionMetrics> } }).meta.getTransactionMetrics();
        Object.assign(lastBytes, { read: m.bytesRead.used, written: m.bytesWritten.used });
      }
    });
  const t = makeAuthTest({
    around,
    componentModules: { "./component/eventSeed.ts": () => import("../../test/fixtures/eventSeed.js") },
  });
  return { meter, t };
}

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

/** Seeds `count` events in transactions of at most 2,000. */
async function seed(t: ReturnType<typeof makeAuthTest>, count: number, args: { type: string; expirationTime?: number }) {
  for (let done = 0; done < count; done += 2000) await t.mutation(seedEvents, { ...args, count: Math.min(2000, count - done) });
}

beforeAll(() => {
  // Scheduled follow-ups wait for timers that never fire: one batch per run. Dates stay real.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterAll(() => {
  vi.useRealTimers();
});

test("audit", { timeout: 600_000 }, async () => {
  const ops: Record<string, OpFigures & { note?: string }> = {};
  const expired = () => ({ type: "old", expirationTime: Date.now() - DAY });
  const kept = { type: "kept", expirationTime: Date.now() + 365 * DAY };

  const small = setupApp();
  await seed(small.t, 100, kept);
  const batch = await small.meter.measure(
    RUNS,
    () => seed(small.t, EVENTS_SWEEP_BATCH, expired()),
    () => small.t.mutation(sweepEvents, {}),
  );
  ops["sweep.events.batch"] = {
    ...batch,
    note:
      `${EVENTS_SWEEP_BATCH} events deleted in one transaction, ${kib(lastBytes.read)} read ` +
      "(events with a 100-character user agent; convex-test counts a deletion as 0 bytes written); a full batch schedules a follow-up",
  };
  ops["sweep.events.idle"] = await small.meter.measure(RUNS, async () => undefined, () => small.t.mutation(sweepEvents, {}));

  const big = setupApp();
  await seed(big.t, 10_000, kept);
  ops["sweep.events.batch.at10k"] = await big.meter.measure(
    RUNS,
    () => seed(big.t, EVENTS_SWEEP_BATCH, expired()),
    () => big.t.mutation(sweepEvents, {}),
  );

  // Events written before retention existed: no expiry, 91 days old by the sweep's (faked) clock.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: Date.now() });
  const legacy = setupApp();
  ops["sweep.events.legacy"] = await legacy.meter.measure(
    RUNS,
    async () => {
      vi.setSystemTime(Date.now() + DAY);
      await seed(legacy.t, EVENTS_SWEEP_BATCH, { type: "legacy" });
      vi.setSystemTime(Date.now() + 91 * DAY);
    },
    () => legacy.t.mutation(sweepEvents, {}),
  );

  saveResult("audit", { ops });
});
