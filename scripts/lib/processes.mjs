// Child processes for the dev scripts: start several, and when one exits (or
// on Ctrl-C) stop the others, each with the signal that stops it cleanly,
// then exit with the first failure's code.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// A child may need a moment to stop (convex dev stops a local backend).
const KILL_AFTER_MS = 10_000;

/** The path of a package's CLI script, run with this same node binary. */
export function binPath(pkg, bin) {
  const require = createRequire(path.join(repoRoot, "package.json"));
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[bin];
  return path.join(path.dirname(manifestPath), rel);
}

/** Running children, each with the signal that stops it cleanly. */
const children = new Map();
let shuttingDown = false;
let exitCode = 0;
const onShutdown = [];

/** Runs `fn` once shutting down starts (e.g. to stop polling). */
export function whenShuttingDown(fn) {
  onShutdown.push(fn);
}

/** Starts `node <args>` as `name`; its exit stops everything. */
export function start(name, args, { stopSignal, ...options }) {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: "inherit", ...options });
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
  return child;
}

/** Stops every child (SIGKILL after a grace period), then exits. */
export function shutdown(code) {
  if (!shuttingDown) {
    shuttingDown = true;
    exitCode = code;
    for (const fn of onShutdown) fn();
  }
  if (children.size === 0) process.exit(exitCode);
  for (const [child, stopSignal] of children) child.kill(stopSignal);
  setTimeout(() => {
    for (const child of children.keys()) child.kill("SIGKILL");
    process.exit(exitCode);
  }, KILL_AFTER_MS).unref();
}

// Ctrl-C also reaches the children directly (same process group); forwarding
// it as well is harmless.
process.on("SIGINT", () => shutdown(130));
process.on("SIGTERM", () => shutdown(143));
process.on("SIGHUP", () => shutdown(129));
