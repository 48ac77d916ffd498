#!/usr/bin/env node
// `npm run dev:convex`: the example app on a real Convex deployment (needs
// network; `npm run dev` needs none).
//
// 1. Starts `convex dev --live-component-sources`, which sets up a dev
//    deployment if there is none (a local one needs no account), pushes
//    example/convex plus this component's sources, regenerates
//    example/convex/_generated and keeps watching.
// 2. Once .env.local holds the deployment URL (convex dev writes it), starts
//    the Vite dev server for the example UI.
// 3. When either process exits, or on Ctrl-C, stops the other and exits;
//    non-zero when convex dev (or Vite) failed.
//
// Extra arguments go to convex dev: `npm run dev:convex -- --configure`.
// The example's development helpers (the outbox, the directory) stay off on
// such a deployment unless you turn them on: `npx convex env set EXAMPLE_DEV_TOOLS 1`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { binPath, repoRoot, start, whenShuttingDown } from "./lib/processes.mjs";

const envFile = path.join(repoRoot, ".env.local");
const URL_VARS = ["VITE_CONVEX_URL", "CONVEX_URL"];
const POLL_MS = 500;

/**
 * The deployment URL in .env.local as `{ name, value }`, or undefined while
 * there is no such file or variable yet.
 */
function readConvexUrl() {
  let text;
  try {
    text = readFileSync(envFile, "utf8");
  } catch {
    return undefined;
  }
  const vars = new Map();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const quoted = /^(["'])(.*)\1$/.exec(match[2]);
    vars.set(match[1], quoted ? quoted[2] : match[2].replace(/\s+#.*$/, ""));
  }
  const name = URL_VARS.find((name) => vars.get(name));
  return name && { name, value: vars.get(name) };
}

start("convex dev", [binPath("convex", "convex"), "dev", "--live-component-sources", ...process.argv.slice(2)], {
  // On SIGINT convex dev cleans up (e.g. stops a local backend); on SIGTERM
  // it would just die.
  stopSignal: "SIGINT",
});

let waitingNoted = false;
const poll = setInterval(() => {
  const url = readConvexUrl();
  if (!url) {
    if (!waitingNoted) {
      waitingNoted = true;
      console.log("[dev] Vite starts once convex dev has written the deployment URL to .env.local.");
    }
    return;
  }
  clearInterval(poll);
  console.log(`[dev] starting Vite for the example UI (Convex at ${url.value})`);
  start("vite", [binPath("vite", "vite"), "example"], {
    stopSignal: "SIGTERM",
    // Vite reads VITE_CONVEX_URL from .env.local itself (envDir is the repo
    // root) and restarts when it changes. Only a URL stored as CONVEX_URL
    // needs passing on.
    env: url.name === "VITE_CONVEX_URL" ? process.env : { VITE_CONVEX_URL: url.value, ...process.env },
    // convex dev may prompt on the terminal; leave stdin to it.
    stdio: ["ignore", "inherit", "inherit"],
  });
}, POLL_MS);
whenShuttingDown(() => clearInterval(poll));
