// @vitest-environment node
/**
 * Every Convex function module of the component and the example app must
 * bundle for Convex's default runtime (no Node built-ins outside "use node"
 * files). The fixture proves the check finds a Node import through a helper.
 */
import { describe, expect, test } from "vitest";
// @ts-expect-error -- plain ESM script without type declarations
import { findNodeImports } from "../../scripts/deployability.mjs";

type Problem = { module: string; builtin: string; chain: string[] };
const find = findNodeImports as (dirs?: string[]) => Promise<Problem[]>;

describe("deployability", () => {
  test("the component and the example app import no Node API", async () => {
    expect(await find()).toEqual([]);
  }, 60_000);

  test("a Node import reached through a helper is reported with its chain", async () => {
    const problems = await find(["test/fixtures/nodeImport"]);
    // Every file in a functions directory is a module Convex bundles, so the
    // helper itself is reported too; the "use node" action is not.
    expect(problems).toEqual([
      {
        module: "test/fixtures/nodeImport/hashing.ts",
        builtin: "node:crypto",
        chain: ["test/fixtures/nodeImport/hashing.ts"],
      },
      {
        module: "test/fixtures/nodeImport/tokens.ts",
        builtin: "node:crypto",
        chain: ["test/fixtures/nodeImport/tokens.ts", "test/fixtures/nodeImport/hashing.ts"],
      },
    ]);
  }, 60_000);
});
