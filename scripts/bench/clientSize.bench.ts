// @vitest-environment node
/**
 * Bundle size of the React entry (docs/architecture.md, "Benchmarks"): esbuild, minified, with react,
 * react-dom and convex external, gzipped. The WebAuthn ceremony is split into
 * its own chunk, loaded only when a passkey flow runs, and reported apart.
 * The peer figure is `@convex-dev/auth/react` measured the same way.
 */
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { test } from "vitest";
import { saveResult, sizeOnly } from "./results.js";

const EXTERNAL = ["react", "react-dom", "react/*", "convex", "convex/*"];

/** Gzipped bytes of each output chunk: the entry first, then split chunks by name. */
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
  });
  let entrySize = 0;
  const chunks: Record<string, number> = {};
  for (const file of result.outputFiles) {
    const name = file.path.split("/").pop()!;
    const size = gzipSync(file.contents).length;
    if (name === "index.js") entrySize = size;
    else chunks[name.replace(/-[A-Z0-9]+\.js$/, "")] = size;
  }
  return { entry: entrySize, chunks };
}


test("client bundle size", async () => {
  const ours = await gzippedChunks("src/client/react/index.ts");
  const peer = await gzippedChunks("node_modules/@convex-dev/auth/dist/react/index.js");
  const webauthn = Object.entries(ours.chunks).find(([name]) => name.startsWith("webauthn"))?.[1] ?? 0;
  saveResult("clientSize", {
    ops: {
      "client.react.gzipBytes": sizeOnly(ours.entry),
      "client.react.webauthn.gzipBytes": sizeOnly(webauthn),
    },
    peers: { "@convex-dev/auth@0.0.95": { "client.react.gzipBytes": sizeOnly(peer.entry) } },
    ratios: { "client.react.gzipBytes": Math.round((ours.entry / peer.entry) * 1000) / 1000 },
  });
});
