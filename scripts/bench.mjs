#!/usr/bin/env node
/**
 * `npm run bench`: measures what each auth operation costs (see shared
 * docs/architecture.md, "Benchmarks"). Runs the bench files under scripts/bench/ with vitest (so
 * convex-test works as in the tests), merges their figures and prints a
 * table; with `--json`, the same figures as one JSON object on the last line.
 *
 * Options: --json, --runs N (default 20).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const json = args.includes("--json");
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("--runs needs a positive integer");
  process.exit(2);
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
const vitest = spawnSync(
  process.execPath,
  [path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs"), "run", "--config", "scripts/bench/vitest.config.ts", "--reporter=dot"],
  {
    stdio: ["ignore", json ? "ignore" : "inherit", "inherit"],
    env: { ...process.env, BENCH_RUNS: String(runs), BENCH_OUT_DIR: outDir },
  },
);
if (vitest.status !== 0) {
  console.error("bench: a bench file failed");
  process.exit(vitest.status ?? 1);
}

const version = (pkg) => require(`${pkg}/package.json`).version;
const result = {
  env: { node: process.version, convex: version("convex"), convexTest: version("convex-test"), runs },
  ops: {},
  peers: {},
  ratios: {},
};
for (const file of fs.readdirSync(outDir).sort()) {
  const part = JSON.parse(fs.readFileSync(path.join(outDir, file), "utf8"));
  Object.assign(result.ops, part.ops);
  for (const [peer, ops] of Object.entries(part.peers ?? {})) {
    result.peers[peer] = { ...result.peers[peer], ...ops };
  }
  Object.assign(result.ratios, part.ratios);
}
fs.rmSync(outDir, { recursive: true, force: true });

// ours / peer, same run, for every operation both measured.
for (const [peer, peerOps] of Object.entries(result.peers)) {
  for (const [op, theirs] of Object.entries(peerOps)) {
    const ours = result.ops[op];
    if (!ours || !theirs.wallMsMedian || ours.bytes !== undefined) continue;
    const key = op.endsWith("Ms") || op === "password.hash" ? op : `${op}.wallMs`;
    if (!(key in result.ratios)) {
      result.ratios[key] = Math.round((ours.wallMsMedian / theirs.wallMsMedian) * 1000) / 1000;
    }
  }
  void peer;
}

if (json) {
  console.log(JSON.stringify(result));
} else {
  const rows = Object.entries(result.ops).map(([op, f]) => ({
    op,
    calls: f.calls,
    read: f.documentsRead,
    written: f.documentsWritten,
    queries: f.databaseQueries,
    "audit events": f.auditEventsWritten ?? "",
    bytes: f.bytes ?? "",
    "ms p50": f.wallMsMedian,
    "ms p95": f.wallMsP95,
  }));
  console.log(`\n${result.env.runs} runs each; node ${result.env.node}, convex ${result.env.convex}, convex-test ${result.env.convexTest}`);
  console.table(rows);
  for (const [op, f] of Object.entries(result.ops)) if (f.note) console.log(`${op}: ${f.note}`);
  for (const [peer, ops] of Object.entries(result.peers)) {
    console.log(`peer ${peer}`);
    console.table(ops);
  }
  if (Object.keys(result.ratios).length) console.table(result.ratios);
}
