import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    conditions: ["@convex-dev/component-source"],
  },
  test: {
    environment: "edge-runtime",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    server: { deps: { inline: ["convex-test"] } },
  },
});
