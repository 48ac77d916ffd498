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

afterEach(() => {
  vi.useRealTimers();
});
