import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

type ExportEntry = Record<string, string> | string;
const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  name: string;
  exports: Record<string, ExportEntry>;
};

/**
 * The example app imports this package by name (`convex-auth-kit/server`);
 * in tests those imports read the TypeScript sources, as `convex dev
 * --live-component-sources` does (the "@convex-dev/component-source" exports).
 */
const selfImports = Object.entries(pkg.exports).flatMap(([subpath, entry]) => {
  const source = typeof entry === "object" ? entry["@convex-dev/component-source"] : undefined;
  if (source === undefined) return [];
  const specifier = pkg.name + subpath.slice(1);
  return [{ find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`), replacement: fileURLToPath(new URL(source, import.meta.url)) }];
});

export default defineConfig({
  resolve: {
    alias: selfImports,
    conditions: ["@convex-dev/component-source"],
  },
  test: {
    environment: "edge-runtime",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    setupFiles: ["test/harness/env.ts"],
    // Machines here have 2 cores; a loaded one must not fail slow-but-correct tests.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    server: { deps: { inline: ["convex-test"] } },
  },
});
