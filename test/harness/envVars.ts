/**
 * Sets environment variables for the tests of one file (or describe block)
 * and puts the previous values back afterwards.
 */
import { afterAll, beforeAll } from "vitest";

export function useEnvVars(values: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(values)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
