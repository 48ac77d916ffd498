// @vitest-environment node
/**
 * Fails when the committed `_generated/` files (src/component/_generated,
 * example/convex/_generated) differ from what `npm run codegen` would write
 * now, listing the stale, missing and extra files. Fix: run `npm run codegen`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("generated files are up to date (npm run codegen)", () => {
  const result = spawnSync(process.execPath, ["scripts/codegen.mjs", "--check"], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`.trim();
  // On failure the message lists every file codegen would change.
  expect(result.status, `node scripts/codegen.mjs --check:\n${output}`).toBe(0);
}, 70_000);
