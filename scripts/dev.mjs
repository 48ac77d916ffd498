#!/usr/bin/env node
// `npm run dev`: runs the example app.
//
// 1. Starts `convex dev --live-component-sources`, which sets up a dev
//    deployment if there is none (on a fresh machine: a local one, no account
//    needed), pushes example/convex plus this component's sources, regenerates
//    example/convex/_generated and keeps watching.
// 2. Once .env.local holds the deployment URL (convex dev writes it), starts
//    the Vite dev server for the example UI.
// 3. When either process exits, or on Ctrl-C, stops the other and exits;
//    non-zero when convex dev (or Vite) failed.
//
// Extra arguments go to convex dev: `npm run dev -- --configure`.

import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const envFile = path.join(repoRoot, ".env.local");
const URL_VARS = ["VITE_CONVEX_URL", "CONVEX_URL"];
const POLL_MS = 500;
// convex dev may need a moment to stop a local backend.
const KILL_AFTER_MS = 10_000;

/** The path of a package's CLI script, run with this same node binary. */
function binPath(pkg, bin) {
  const require = createRequire(path.join(repoRoot, "package.json"));
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[bin];
  return path.join(path.dirname(manifestPath), rel);
}

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

/** Running children, each with the signal that stops it cleanly. */
const children = new Map();
let shuttingDown = false;
let exitCode = 0;
let poll;

function start(name, args, { stopSignal, ...options }) {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: "inherit",
    ...options,
  });
  children.set(child, stopSignal);
  child.on("error", (error) => {
    console.error(`[dev] could not start ${name}: ${error.message}`);
    children.delete(child);
    shutdown(1);
  });
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!shuttingDown) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      console.error(`[dev] ${name} ${how}; stopping.`);
      shutdown(code ?? 1);
    } else if (children.size === 0) {
      process.exit(exitCode);
    }
  });
}

/** Stops every child (SIGKILL after a grace period), then exits. */
function shutdown(code) {
  if (!shuttingDown) {
    shuttingDown = true;
    exitCode = code;
    clearInterval(poll);
  }
  if (children.size === 0) process.exit(exitCode);
  for (const [child, stopSignal] of children) child.kill(stopSignal);
  setTimeout(() => {
    for (const child of children.keys()) child.kill("SIGKILL");
    process.exit(exitCode);
  }, KILL_AFTER_MS).unref();
}

// Ctrl-C also reaches the children directly (same process group); forwarding
// it as well is harmless: convex dev ignores a repeat within 500 ms.
process.on("SIGINT", () => shutdown(130));
process.on("SIGTERM", () => shutdown(143));
process.on("SIGHUP", () => shutdown(129));

start("convex dev", [binPath("convex", "convex"), "dev", "--live-component-sources", ...process.argv.slice(2)], {
  // On SIGINT convex dev cleans up (e.g. stops a local backend); on SIGTERM
  // it would just die.
  stopSignal: "SIGINT",
});

let waitingNoted = false;
poll = setInterval(() => {
  const url = readConvexUrl();
  if (!url) {
    if (!waitingNoted) {
      waitingNoted = true;
      console.log("[dev] Vite starts once convex dev has written the deployment URL to .env.local.");
    }
    return;
  }
  clearInterval(poll);
  // The example's development helpers (the outbox, the directory) answer
  // only on a deployment that has this switch; a production one does not.
  spawnSync(process.execPath, [binPath("convex", "convex"), "env", "set", "EXAMPLE_DEV_TOOLS", "1"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
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
