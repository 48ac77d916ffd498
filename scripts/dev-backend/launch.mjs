#!/usr/bin/env node
// Builds and starts the embedded development backend (see ./README.md).
//
// The backend and the app's functions are TypeScript; Node runs them from one
// esbuild bundle, so every module (including the ones the providers load with
// `import()`) is in memory before the first function runs.
//
//   node scripts/dev-backend/launch.mjs [--port 3210] [--site-port 3211]
//     [--site-url http://localhost:5173] [--state-dir .dev-backend]
import path from "node:path";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import esbuild from "esbuild";

const startedAt = Date.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
// One file per process: test files start backends side by side.
const outFile = path.join(repoRoot, `node_modules/.cache/dev-backend/main-${process.pid}.mjs`);

// `convex-auth-kit/<subpath>` reads this package's TypeScript sources, as
// `convex dev --live-component-sources` does.
const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
const alias = {};
for (const [subpath, entry] of Object.entries(pkg.exports)) {
  const source = typeof entry === "object" ? entry["@convex-dev/component-source"] : undefined;
  if (source) alias[pkg.name + subpath.slice(1)] = path.join(repoRoot, source);
}

/** Files convex would push from `dir`: `.ts`/`.js` whose name has one dot (no `.d.ts`, no `auth.config.ts`). */
function functionFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((file) => String(file).replace(/\\/g, "/"))
    .filter((file) => /^[^.]+\.(ts|js)$/.test(path.posix.basename(file)))
    .sort();
}

/**
 * `dev-backend:functions`, a module that stands in for `import.meta.glob`:
 * `loadFunctions()` imports the app's modules (example/convex) and the
 * component's (src/component), keyed as convex-test expects.
 */
const functionsPlugin = {
  name: "dev-backend-functions",
  setup(build) {
    build.onResolve({ filter: /^dev-backend:functions$/ }, () => ({ path: "functions", namespace: "dev-backend" }));
    build.onLoad({ filter: /.*/, namespace: "dev-backend" }, () => {
      const globOf = (dir, key) =>
        functionFiles(dir)
          .map((file) => `    ${JSON.stringify(`./${key}/${file}`)}: await import(${JSON.stringify(path.join(dir, file))}),`)
          .join("\n");
      const appDir = path.join(repoRoot, "example/convex");
      const componentDir = path.join(repoRoot, "src/component");
      const contents = `export async function loadFunctions() {
  return {
    authConfig: (await import(${JSON.stringify(path.join(appDir, "auth.config.ts"))})).default,
    app: {
${globOf(appDir, "convex")}
    },
    component: {
${globOf(componentDir, "component")}
    },
  };
}`;
      return { contents, loader: "js", resolveDir: repoRoot };
    });
  },
};

await esbuild.build({
  plugins: [functionsPlugin],
  entryPoints: [path.join(here, "main.ts")],
  outfile: outFile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  alias,
  conditions: ["@convex-dev/component-source"],
  // ws has optional native add-ons; Node loads it from node_modules.
  external: ["ws", "esbuild"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
  sourcemap: "inline",
});

process.env.DEV_BACKEND_REPO_ROOT = repoRoot;
process.env.DEV_BACKEND_STARTED_AT = String(startedAt);
try {
  await import(pathToFileURL(outFile).href);
} finally {
  rmSync(outFile, { force: true });
}
