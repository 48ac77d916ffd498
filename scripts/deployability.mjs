/**
 * Checks that Convex function modules deploy to Convex's default runtime: it
 * bundles each module the way a Convex push does (esbuild, platform browser,
 * conditions "convex" and "module") and reports every Node built-in that a
 * module outside a `"use node"` file pulls in, with the import chain.
 *
 * Usage: `node scripts/deployability.mjs [dir ...]` (default: the component
 * and the example app); exits 1 when a module would not deploy.
 */
import { builtinModules } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import esbuild from "esbuild";
import { entryPoints } from "./codegen/convexShims.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Function directories a deploy of the example app bundles. */
export const DEFAULT_DIRS = ["src/component", "example/convex"];

const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** True for `fs`, `node:fs`, `fs/promises` and the like. */
export function isNodeBuiltin(specifier) {
  if (specifier.startsWith("node:")) return true;
  return NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split("/")[0]);
}

/** True when the file starts with the `"use node"` directive. */
function usesNode(file) {
  const head = fs.readFileSync(file, "utf8").slice(0, 2000);
  return /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use node["']/.test(head);
}

/**
 * Bundles one module and returns the Node built-ins it reaches, each with the
 * chain of files that imports it.
 * @returns {Promise<{ builtin: string, chain: string[] }[]>}
 */
export async function nodeImportsOf(file) {
  /** @type {Map<string, string>} importee -> importer */
  const importedBy = new Map();
  /** @type {{ builtin: string, importer: string }[]} */
  const found = [];
  await esbuild.build({
    entryPoints: [file],
    absWorkingDir: root,
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "esnext",
    conditions: ["convex", "module", "@convex-dev/component-source"],
    logLevel: "silent",
    plugins: [
      {
        name: "find-node-builtins",
        setup(build) {
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData?.resolving) return undefined;
            if (isNodeBuiltin(args.path)) {
              found.push({ builtin: args.path, importer: args.importer });
              return { path: args.path, external: true };
            }
            const result = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: { resolving: true },
            });
            if (result.path && !importedBy.has(result.path)) {
              importedBy.set(result.path, args.importer);
            }
            return result.errors.length ? undefined : result;
          });
        },
      },
    ],
  });
  return found.map(({ builtin, importer }) => {
    const chain = [importer];
    for (let at = importedBy.get(importer); at; at = importedBy.get(at)) {
      if (chain.includes(at)) break;
      chain.unshift(at);
    }
    return { builtin, chain: chain.filter(Boolean).map((p) => path.relative(root, p)) };
  });
}

/**
 * Checks every function module in `dirs` (Convex's entry-point rules).
 * @returns {Promise<{ module: string, builtin: string, chain: string[] }[]>}
 */
export async function findNodeImports(dirs = DEFAULT_DIRS) {
  const problems = [];
  for (const dir of dirs) {
    const absDir = path.resolve(root, dir);
    for (const file of await entryPoints(null, absDir)) {
      if (usesNode(file)) continue;
      for (const hit of await nodeImportsOf(file)) {
        problems.push({ module: path.relative(root, file), ...hit });
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  const problems = await findNodeImports(dirs.length ? dirs : DEFAULT_DIRS);
  for (const p of problems) {
    console.error(`${p.module}: imports Node built-in "${p.builtin}" via ${p.chain.join(" -> ")}`);
  }
  if (problems.length) process.exit(1);
  console.log("deployability: every function module bundles for Convex's default runtime");
}
