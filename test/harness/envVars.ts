/**
 * Sets environment variables for the tests of one file (or describe block)
 * and puts the previous values back afterwards: once around them all, or
 * with `{ each: true }` around each test (for tests that change or delete
 * one of them).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";

export function useEnvVars(values: Record<string, string>, options: { each?: boolean } = {}): void {
  const saved: Record<string, string | undefined> = {};
  (options.each ? beforeEach : beforeAll)(() => {
    for (const [name, value] of Object.entries(values)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  (options.each ? afterEach : afterAll)(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
