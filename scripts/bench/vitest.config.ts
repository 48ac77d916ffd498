import { defineConfig } from "vitest/config";
import base from "../../vitest.config.js";

/** The bench files run as vitest files so convex-test and import.meta.glob work. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["scripts/bench/**/*.bench.ts"],
    fileParallelism: false,
  },
});
