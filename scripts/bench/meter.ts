/**
 * Measures what an operation costs, from convex-test's transaction metrics:
 * every function invocation (nested ones included) counts as a call; reads and
 * writes are summed over top-level transactions only, read at the end of each
 * (a nested call's usage is already folded into its parent's).
 */
import type { TransactionMetrics } from "convex/server";
import type { Around } from "../../test/harness/instrument.js";

/** The figures docs/architecture.md, "Benchmarks" asks for, per operation. */
export type OpFigures = {
  calls: number;
  documentsRead: number;
  documentsWritten: number;
  databaseQueries: number;
  wallMsMedian: number;
  wallMsP95: number;
};

type Counts = Pick<OpFigures, "calls" | "documentsRead" | "documentsWritten" | "databaseQueries">;

const zero = (): Counts => ({ calls: 0, documentsRead: 0, documentsWritten: 0, databaseQueries: 0 });

type MetaCtx = { meta: { getTransactionMetrics(): Promise<TransactionMetrics> } };

/** Counts calls and transaction usage while `measure` runs an operation. */
export class Meter {
  private counts: Counts = zero();
  private active = false;

  /** Install with `makeTest({ around: meter.around })`. */
  readonly around: Around = async (frame, run) => {
    if (!this.active) return await run();
    this.counts.calls += 1;
    if (frame.kind === "action" || frame.depth > 0) return await run();
    try {
      return await run();
    } finally {
      const m = await (frame.ctx as MetaCtx).meta.getTransactionMetrics();
      this.counts.documentsRead += m.documentsRead.used;
      this.counts.documentsWritten += m.documentsWritten.used;
      this.counts.databaseQueries += m.databaseQueries.used;
    }
  };

  /**
   * Runs `operation` `runs` times (after `setup` each time, unmeasured) and
   * returns its counts (they must be the same every run) and wall times.
   */
  async measure<T>(
    runs: number,
    setup: (run: number) => Promise<T>,
    operation: (prepared: T) => Promise<unknown>,
    teardown?: (prepared: T) => Promise<void>,
  ): Promise<OpFigures> {
    const times: number[] = [];
    let first: Counts | null = null;
    for (let run = 0; run < runs; run++) {
      const prepared = await setup(run);
      this.counts = zero();
      this.active = true;
      const start = performance.now();
      try {
        await operation(prepared);
      } finally {
        this.active = false;
      }
      times.push(performance.now() - start);
      if (teardown) await teardown(prepared);
      if (first === null) first = this.counts;
      else if (JSON.stringify(first) !== JSON.stringify(this.counts)) {
        throw new Error(
          `Counts differ between runs: ${JSON.stringify(first)} vs ${JSON.stringify(this.counts)}`,
        );
      }
    }
    times.sort((a, b) => a - b);
    const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { ...first!, wallMsMedian: round(pick(0.5)), wallMsP95: round(pick(0.95)) };
  }
}

/**
 * Times top-level mutation handlers while an operation runs: the longest one
 * per run is how long a single transaction holds the database.
 */
export class MutationTimer {
  private longest = 0;
  private active = false;
  private readonly perRun: number[] = [];

  /** Install next to the Meter's: `composeArounds(meter.around, timer.around)`. */
  readonly around: Around = async (frame, run) => {
    if (!this.active || frame.kind !== "mutation" || frame.depth > 0) return await run();
    const start = performance.now();
    try {
      return await run();
    } finally {
      this.longest = Math.max(this.longest, performance.now() - start);
    }
  };

  /** Wraps an operation so each of its runs records its longest mutation. */
  wrap<T>(operation: (prepared: T) => Promise<unknown>): (prepared: T) => Promise<unknown> {
    return async (prepared) => {
      this.longest = 0;
      this.active = true;
      try {
        return await operation(prepared);
      } finally {
        this.active = false;
        this.perRun.push(this.longest);
      }
    };
  }

  /** Median and p95 over the runs recorded since the last call. */
  take(): Pick<OpFigures, "wallMsMedian" | "wallMsP95"> {
    const times = this.perRun.splice(0).sort((a, b) => a - b);
    const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { wallMsMedian: round(pick(0.5)), wallMsP95: round(pick(0.95)) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
