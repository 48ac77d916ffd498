// The Next.js example, built and started by test/e2e/nextjs.browser.test.ts
// (`next build example-nextjs`, then `next start`). It imports this package by
// name (`convex-auth-kit/nextjs`, `/nextjs/server`). An app installs the package;
// here its TypeScript sources are transpiled file by file (esbuild, well under a
// second) into `.kit/` when Next.js loads this config, since Turbopack does not
// map the sources' `./x.js` imports to `./x.ts`.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import type { NextConfig } from "next";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");
const sources = ["nextjs", "ssr", "client", "shared"].flatMap((dir) =>
  readdirSync(path.join(repoRoot, "src", dir), { recursive: true })
    .map(String)
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => path.join(repoRoot, "src", dir, file)),
);
buildSync({
  entryPoints: sources,
  outbase: path.join(repoRoot, "src"),
  outdir: path.join(here, ".kit"),
  format: "esm",
  platform: "neutral",
  jsx: "automatic",
  target: "es2022",
  logLevel: "warning",
});

const config: NextConfig = {
  // The repository root: node_modules lives there.
  turbopack: {
    root: repoRoot,
    resolveAlias: {
      "convex-auth-kit/nextjs/server": "./.kit/nextjs/server/index.js",
      "convex-auth-kit/nextjs": "./.kit/nextjs/index.js",
    },
  },
  // `npm run typecheck` checks the example (example-nextjs/tsconfig.json); the build need not again.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};

export default config;
