// @vitest-environment node
/**
 * Statically loaded bytes of a Convex function module (docs/architecture.md, "Benchmarks"), bundled the
 * way a push does (scripts/deployability.mjs): esbuild, platform browser,
 * conditions "convex" and "module" plus "@convex-dev/component-source" (so
 * `convex-auth-kit/*` reads the sources), splitting on, ESM, minified, with
 * `convex` external. Counted: the entry and every chunk it imports
 * statically, transitively; chunks reached only through `import()` load when
 * their flow runs and are left out.
 *
 * - `bundle.userIdModule`: a query that only calls `auth.user.require`
 *   (scripts/bench/entries/userIdModule.ts).
 * - `bundle.signInModule`: example/convex/auth.ts, the module exporting `signIn`.
 *
 * `BENCH_BUNDLE_REPORT=1` prints esbuild's metafile analysis of each entry.
 */
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { expect, test } from "vitest";
import { saveResult, sizeOnly } from "./results.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(ROOT, ".bench-bundle-out");

/** Bytes the entry loads statically: the entry plus its static-import closure. */
export async function staticBytes(entry: string): Promise<{ minBytes: number; gzipBytes: number; lazyChunks: number }> {
  const result = await esbuild.build({
    entryPoints: { entry: path.resolve(ROOT, entry) },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "esnext",
    conditions: ["convex", "module", "@convex-dev/component-source"],
    splitting: true,
    outdir: OUT,
    write: false,
    metafile: true,
    external: ["convex", "convex/*"],
    logLevel: "silent",
  });
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [path.relative(ROOT, f.path), f.contents]));
  // `import()` targets are entry points of their own: the module's output is `entry.js`.
  const entryOut = Object.keys(outputs).find((o) => path.basename(o) === "entry.js")!;
  const seen = new Set<string>();
  const pending = [entryOut];
  while (pending.length) {
    const at = pending.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const imp of outputs[at]!.imports) {
      if (imp.kind === "import-statement" && !imp.external) pending.push(imp.path);
    }
  }
  let minBytes = 0;
  let gzipBytes = 0;
  for (const out of seen) {
    const contents = files.get(out)!;
    minBytes += contents.length;
    gzipBytes += gzipSync(contents).length;
  }
  if (process.env.BENCH_BUNDLE_REPORT) {
    console.log(entry, await esbuild.analyzeMetafile(result.metafile, { verbose: false }));
  }
  const lazyChunks = Object.keys(outputs).filter((o) => o.endsWith(".js") && !seen.has(o)).length;
  return { minBytes, gzipBytes, lazyChunks };
}


test("function module bundle size", async () => {
  const userId = await staticBytes("scripts/bench/entries/userIdModule.ts");
  const signIn = await staticBytes("example/convex/auth.ts");
  expect(userId.minBytes).toBeGreaterThan(0);
  expect(signIn.minBytes).toBeGreaterThan(0);
  saveResult("bundle", {
    ops: {
      "bundle.userIdModule.minBytes": sizeOnly(userId.minBytes, "query calling auth.user.require, statically loaded, minified"),
      "bundle.userIdModule.gzipBytes": sizeOnly(userId.gzipBytes, "same, gzipped"),
      "bundle.signInModule.minBytes": sizeOnly(signIn.minBytes, "example/convex/auth.ts, statically loaded, minified"),
      "bundle.signInModule.gzipBytes": sizeOnly(signIn.gzipBytes, "same, gzipped"),
    },
  });
  console.log(JSON.stringify({ userId, signIn }));
});
