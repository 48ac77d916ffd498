#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is installed for the browser tests (the
 * passkey end-to-end test drives it with playwright-core). Runs before
 * `npm test`, so `npm install && npm test` works on a fresh machine:
 * installs it with apt-get when missing and running as root; otherwise says
 * what to run. Never downloads a browser build of its own.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

if (existsSync(CHROMIUM)) process.exit(0);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `ensure-browser: ${CHROMIUM} is missing. Install Debian's Chromium ` +
      "(sudo apt-get install -y chromium) and run the tests again.",
  );
  process.exit(1);
}
console.log("ensure-browser: installing Debian's chromium for the browser tests...");
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
  stdio: "inherit",
  env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
});
