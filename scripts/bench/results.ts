/**
 * Where each bench file leaves its figures for scripts/bench.mjs to merge:
 * one JSON file per bench file under `.bench/`, named after it.
 */
import fs from "node:fs";
import path from "node:path";
import type { OpFigures } from "./meter.js";

/** Figures one bench file produced. */
export type BenchFileResult = {
  /** `note`: what a figure means beyond the counts (kept in `--json`). */
  ops: Record<string, OpFigures & { bytes?: number; auditEventsWritten?: number; note?: string }>;
  peers?: Record<string, Record<string, Partial<OpFigures>>>;
  ratios?: Record<string, number>;
};

/** How many times each operation runs (`npm run bench -- --runs N`). */
export const RUNS = Number(process.env.BENCH_RUNS ?? 20);

/** Writes `result` for the bench file named `name`. */
export function saveResult(name: string, result: BenchFileResult): void {
  const dir = process.env.BENCH_OUT_DIR ?? ".bench";
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(result, null, 2));
}

/** A size figure (bytes of a bundle): no calls, no documents, no time. */
export function sizeOnly(bytes: number, note?: string) {
  return {
    calls: 0,
    documentsRead: 0,
    documentsWritten: 0,
    databaseQueries: 0,
    wallMsMedian: 0,
    wallMsP95: 0,
    bytes,
    ...(note !== undefined ? { note } : {}),
  };
}
