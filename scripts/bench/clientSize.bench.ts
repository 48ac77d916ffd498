// @vitest-environment node
/**
 * Bundle size of the React entry (docs/architecture.md, "Benchmarks"): esbuild, minified, with react,
 * react-dom and convex external, gzipped. Code a page load may not run is split into chunks loaded
 * with `import()`, each reported apart: the WebAuthn ceremony (a passkey flow), the sign-in steps
 * (fetched once signed out, or when a sign-in starts), the session watch (fetched once signed in,
 * after the first render) and the @convex-dev/auth exchange (`migrateFrom` only). A chunk the entry
 * imports statically (one esbuild splits out because a lazy chunk shares it) loads with the entry,
 * so it counts in the entry's figure. The peer figure is `@convex-dev/auth/react` measured the same way.
 */
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { test } from "vitest";
import { saveResult, sizeOnly } from "./results.js";

const EXTERNAL = ["react", "react-dom", "react/*", "convex", "convex/*"];

/** The split chunks reported apart, by the name of the module that starts each (`<name>-<hash>.js`). */
const LAZY = {
  "client.react.webauthn.gzipBytes": "webauthn",
  "client.react.steps.gzipBytes": "steps",
  "client.react.sessionWatch.gzipBytes": "sessionWatch",
  "client.react.migrate.gzipBytes": "migrate",
};

/**
 * Gzipped bytes of what loading `entry` fetches (its chunk and any chunk it
 * imports statically), and of each other chunk by name.
 */
async function gzippedChunks(entry: string): Promise<{ entry: number; chunks: Record<string, number> }> {
  const result = await esbuild.build({
    entryPoints: { index: entry },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    splitting: true,
    outdir: "/virtual-out",
    write: false,
    external: EXTERNAL,
    logLevel: "silent",
    metafile: true,
  });
  const sizes = new Map(result.outputFiles.map((file) => [file.path.split("/").pop()!, gzipSync(file.contents).length]));
  const [, index] = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith("/index.js"))!;
  const eager = index.imports.filter((i) => i.kind === "import-statement" && !i.external).map((i) => i.path.split("/").pop()!);
  let entrySize = sizes.get("index.js")!;
  const chunks: Record<string, number> = {};
  for (const [name, size] of sizes) {
    if (eager.includes(name)) entrySize += size;
    else if (name !== "index.js") chunks[name.replace(/-[A-Z0-9]+\.js$/, "")] = size;
  }
  return { entry: entrySize, chunks };
}

test("client bundle size", async () => {
  const ours = await gzippedChunks("src/client/react/index.ts");
  const peer = await gzippedChunks("node_modules/@convex-dev/auth/dist/react/index.js");
  const lazy = Object.fromEntries(Object.entries(LAZY).map(([op, chunk]) => [op, sizeOnly(ours.chunks[chunk] ?? 0)]));
  saveResult("clientSize", {
    ops: { "client.react.gzipBytes": sizeOnly(ours.entry), ...lazy },
    peers: { "@convex-dev/auth@0.0.95": { "client.react.gzipBytes": sizeOnly(peer.entry) } },
    ratios: { "client.react.gzipBytes": Math.round((ours.entry / peer.entry) * 1000) / 1000 },
  });
});
