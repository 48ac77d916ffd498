/** A fake wall clock for expiry tests (only `Date` is faked; timers stay real). */
import { afterEach, vi } from "vitest";

/** Freezes `Date` at `iso` (it moves only with {@link advance}). */
export function useClock(iso = "2026-03-01T10:00:00Z"): void {
  vi.useFakeTimers({ now: new Date(iso), toFake: ["Date"] });
}

/** Moves the fake clock forward by `ms`. */
export const advance = (ms: number): void => {
  vi.setSystemTime(Date.now() + ms);
};

/** What `dbNow` needs of a test app: an inline query. */
type Queries = { query: <T>(fn: (ctx: unknown) => Promise<T>) => Promise<T> };

/**
 * The time the next transaction runs at. convex-test (like a deployment)
 * keeps commit timestamps strictly increasing and runs a transaction no
 * earlier than the last commit, so under a frozen `Date` the transactions
 * after the second commit of a millisecond run 1 ms later than `Date.now()`.
 * A query commits nothing, so asking changes nothing.
 */
export async function dbNow(t: Queries): Promise<number> {
  return await t.query(async () => Date.now());
}

/** Sets the fake clock to `ms` after the database's clock ({@link dbNow}), i.e. after the last transaction. */
export async function advanceFrom(t: Queries, ms: number): Promise<void> {
  vi.setSystemTime((await dbNow(t)) + ms);
}

afterEach(() => {
  vi.useRealTimers();
});
