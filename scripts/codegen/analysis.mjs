/**
 * Builds, without a deployment, the "analysis" that `npx convex dev` gets back
 * from pushing: per component, each function's type, visibility and
 * argument/return validators, the component's exports tree, its child
 * components and env vars (the graph comes from ./componentGraph.mjs).
 *
 * - Functions: bundle every function module (Convex's entry-point rules),
 *   import it, and read the registered functions' `isQuery`/`isMutation`/
 *   `isAction`, `isPublic`/`isInternal`, `exportArgs()`, `exportReturns()`.
 *   Validator JSON is re-serialised with object keys sorted, as the backend
 *   returns it (so object fields come out in alphabetical order).
 * - Exports: a component exports its public functions, as a tree by module
 *   path, leaves `_reference/function/<module>:<name>`.
 *
 * Imports of a component's own `_generated/*` are served from memory (the
 * caller's freshly templated files), never from disk, so the analysis works
 * before the first codegen and does not depend on stale generated files.
 */
import fs from "node:fs";
import path from "node:path";
import esbuild from "esbuild";
import { entryPoints, toComponentDefinitionPath } from "./convexShims.mjs";
import { CONDITIONS, componentGraph, importCode } from "./componentGraph.mjs";

/** Re-serialises validator JSON with object keys sorted (as the backend does). */
function canonicalJson(json) {
  const sortKeys = (value) => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === "object") {
      const out = {};
      for (const key of Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        out[key] = sortKeys(value[key]);
      }
      return out;
    }
    return value;
  };
  return JSON.stringify(sortKeys(JSON.parse(json)));
}

/**
 * An esbuild plugin serving `<dir>/_generated/<name>` imports from `modules`.
 *
 * @param {string} dir absolute component directory
 * @param {Map<string, { contents: string, loader: "js" | "ts" }>} modules keyed by base name ("server")
 */
function generatedModulesPlugin(dir, modules) {
  const namespace = "convex-codegen-generated";
  return {
    name: "convex-codegen-generated",
    setup(build) {
      build.onResolve({ filter: /(^|\/)_generated\/[^/]+$/ }, (args) => {
        if (args.namespace !== "file" || !args.resolveDir) return undefined;
        const abs = path.resolve(args.resolveDir, args.path);
        if (path.dirname(abs) !== path.join(dir, "_generated")) return undefined;
        const base = path.basename(abs).replace(/(\.d)?\.[cm]?[jt]s$/, "");
        if (!modules.has(base)) return undefined;
        return { path: base, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        ...modules.get(args.path),
        resolveDir: path.join(dir, "_generated"),
      }));
    },
  };
}

/** True when the file starts with a "use node" directive. */
function hasUseNodeDirective(source) {
  const withoutComments = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^("|')use node\1;?\s*$/m.test(withoutComments.split("\n")[0] ?? "");
}

/**
 * Bundles and evaluates the function modules of one component directory.
 *
 * @param {string} dir absolute component directory
 * @param {(a: string, b: string) => number} compareModulePaths
 * @param {Map<string, { contents: string, loader: "js" | "ts" }>} generated the dir's `_generated` modules
 * @returns {Promise<Record<string, { functions: any[] }>>} keyed by "users.js"
 */
async function analyzeFunctions(dir, compareModulePaths, generated) {
  const modules = (await entryPoints(undefined, dir))
    .map((abs) => ({ abs, rel: path.relative(dir, abs).split(path.sep).join("/") }))
    .sort((a, b) => compareModulePaths(a.rel, b.rel));
  /** @type {Record<string, { functions: any[] }>} */
  const functions = {};
  for (const { abs, rel } of modules) {
    const useNode = hasUseNodeDirective(fs.readFileSync(abs, "utf8"));
    const result = await esbuild.build({
      entryPoints: [abs],
      bundle: true,
      write: false,
      format: "esm",
      platform: useNode ? "node" : "browser",
      target: "esnext",
      conditions: CONDITIONS,
      outdir: "out",
      logLevel: "silent",
      plugins: [generatedModulesPlugin(dir, generated)],
      banner: useNode
        ? { js: 'import { createRequire as __cgCreateRequire } from "node:module"; const require = __cgCreateRequire(import.meta.url);' }
        : undefined,
    });
    let mod;
    try {
      mod = await importCode(result.outputFiles[0].text);
    } catch (e) {
      throw new Error(`Could not evaluate ${path.relative(process.cwd(), abs)}: ${e?.message ?? e}`);
    }
    const analyzed = [];
    for (const name of Object.keys(mod).sort()) {
      const fn = mod[name];
      if (typeof fn !== "function" && (typeof fn !== "object" || fn === null)) continue;
      const udfType = fn.isQuery ? "Query" : fn.isMutation ? "Mutation" : fn.isAction ? "Action" : undefined;
      if (!udfType) continue;
      const kind = fn.isPublic ? "public" : fn.isInternal ? "internal" : undefined;
      if (!kind) continue;
      analyzed.push({
        name,
        udfType,
        visibility: { kind },
        args: typeof fn.exportArgs === "function" ? canonicalJson(fn.exportArgs()) : null,
        returns: typeof fn.exportReturns === "function" ? canonicalJson(fn.exportReturns()) : null,
      });
    }
    functions[rel.replace(/\.[^./]+$/, "") + ".js"] = { functions: analyzed };
  }
  return functions;
}

/** A component's exports: its public functions as a tree by module path. */
function exportsTree(functions) {
  const root = new Map();
  for (const [modulePath, module] of Object.entries(functions)) {
    const moduleName = modulePath.replace(/\.js$/, "");
    for (const f of module.functions) {
      if (f.visibility.kind !== "public") continue;
      let node = root;
      for (const part of moduleName.split("/")) {
        if (!node.has(part)) node.set(part, new Map());
        node = node.get(part);
      }
      node.set(f.name, `_reference/function/${moduleName}:${f.name}`);
    }
  }
  const serialise = (node) => ({
    type: "branch",
    branch: [...node.entries()].map(([key, child]) => [
      key,
      typeof child === "string" ? { type: "leaf", leaf: child } : serialise(child),
    ]),
  });
  return serialise(root);
}

/**
 * The analysis for every component of the app, shaped like the CLI's
 * `startPushResponse.analysis`, keyed by definition path ("" for the root).
 *
 * @param {string} functionsDir absolute path of the app's functions directory
 * @param {(a: string, b: string) => number} compareModulePaths
 * @param {(component: import("./componentGraph.mjs").ComponentDirectory) => Map<string, { contents: string, loader: "js" | "ts" }>} generatedModules
 *   the `_generated` modules to evaluate a component's functions against
 */
export async function analyzeApp(functionsDir, compareModulePaths, generatedModules) {
  const { root, components, definitions } = await componentGraph(functionsDir);
  /** @type {Record<string, any>} */
  const analysis = {};
  for (const component of components.values()) {
    const exported = definitions.get(component.path);
    const functions = await analyzeFunctions(component.path, compareModulePaths, generatedModules(component));
    analysis[toComponentDefinitionPath(root, component)] = {
      definition: {
        childComponents: exported.childComponents ?? [],
        // An app exports nothing; a component exports its public functions.
        exports: component.isRoot ? exported.exports : exportsTree(functions),
        envVars: exported.envVars ?? [],
      },
      functions,
    };
  }
  return { root, components, startPushResponse: { analysis } };
}
