#!/usr/bin/env node
/**
 * `npm run check:package`: packs the package as npm would publish it and runs
 * publint and @arethetypeswrong/cli on the tarball. Run `npm run build` first.
 * The package is ESM-only, so attw checks the ESM resolution modes.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

if (!fs.existsSync("dist/component/convex.config.js")) {
  console.error("check:package: no dist/ — run `npm run build` first");
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
try {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { encoding: "utf8" });
  const tarball = path.join(dir, JSON.parse(out)[0].filename);
  const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
  run("npx", ["--no-install", "publint", "--strict", tarball]);
  run("npx", ["--no-install", "attw", tarball, "--profile", "esm-only"]);
  console.log("check:package: publint and attw pass");
} catch (error) {
  console.error(`check:package: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
