/**
 * Discovers the app's component graph offline, as Convex's componentPlugin
 * does: each convex.config.ts is bundled with esbuild, imports of other
 * convex.config files are recorded (with the import specifier, which the
 * generated api.d.ts uses), and the imported definition gets its
 * `componentDefinitionPath`. The bundle is then evaluated and the
 * definition's own `.export()` (Convex's serialisation: child components,
 * names, env vars) is read.
 */
import fs from "node:fs";
import path from "node:path";
import esbuild from "esbuild";
import { toComponentDefinitionPath } from "./convexShims.mjs";

/** Conditions Convex bundles with, plus live component sources. */
export const CONDITIONS = ["convex", "module", "@convex-dev/component-source"];
const CHILD_NAMESPACE = "convex-codegen-child-definition";

/**
 * @typedef {{
 *   path: string,            // absolute component directory
 *   definitionPath: string,  // absolute convex.config.ts/js
 *   isRoot: boolean,
 *   importSpecifier?: string // how its parent imports it, minus /convex.config...
 * }} ComponentDirectory
 */

/** Imports a bundled ES module from memory. */
export async function importCode(code) {
  return await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

/** The convex.config.ts (or .js) of `dir`, or undefined. */
function definitionFileIn(dir) {
  for (const name of ["convex.config.ts", "convex.config.js"]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return undefined;
}

/**
 * Bundles and evaluates one component definition. Returns its serialised
 * definition (`.export()`) and the component imports found in it.
 *
 * @param {string} definitionPath
 * @param {ComponentDirectory} root
 */
async function evaluateDefinition(definitionPath, root) {
  /** @type {{ original: string, definitionPath: string }[]} */
  const imports = [];
  const result = await esbuild.build({
    entryPoints: [definitionPath],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "esnext",
    conditions: CONDITIONS,
    outdir: "out",
    logLevel: "silent",
    plugins: [
      {
        name: "convex-codegen-components",
        setup(build) {
          build.onResolve({ filter: /convex\.config/ }, async (args) => {
            if (args.kind === "entry-point" || args.namespace !== "file") return undefined;
            if (args.pluginData?.viaChildShim) return undefined;
            // Same candidate rules as Convex's componentPlugin.
            const candidates = [args.path];
            const ext = path.extname(args.path);
            if (ext === ".js") candidates.push(args.path.slice(0, -3) + ".ts");
            if (ext !== ".js" && ext !== ".ts") candidates.push(args.path + ".js", args.path + ".ts");
            for (const candidate of candidates) {
              const r = await build.resolve(candidate, {
                kind: args.kind,
                resolveDir: args.resolveDir,
                pluginData: { viaChildShim: true },
              });
              if (r.errors.length === 0 && r.path) {
                const dir = path.dirname(r.path);
                if (!definitionFileIn(dir)) return undefined;
                imports.push({ original: args.path, definitionPath: r.path });
                return { path: r.path, namespace: CHILD_NAMESPACE };
              }
            }
            return undefined;
          });
          build.onLoad({ filter: /.*/, namespace: CHILD_NAMESPACE }, (args) => {
            const componentPath = toComponentDefinitionPath(root, { path: path.dirname(args.path) });
            return {
              contents: `
                import definition from ${JSON.stringify(args.path)};
                definition.componentDefinitionPath = ${JSON.stringify(componentPath)};
                definition.defaultName = definition._name;
                export default definition;`,
              resolveDir: path.dirname(args.path),
              loader: "js",
              pluginData: { viaChildShim: true },
            };
          });
          // Resolve the shim's own import of the real definition normally.
          build.onResolve({ filter: /.*/, namespace: CHILD_NAMESPACE }, async (args) => {
            const r = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              pluginData: { viaChildShim: true },
            });
            return { path: r.path, errors: r.errors };
          });
        },
      },
    ],
  });
  const mod = await importCode(result.outputFiles[0].text);
  const definition = mod.default;
  if (!definition || typeof definition.export !== "function") {
    throw new Error(`${definitionPath} must default-export defineApp() or defineComponent(...)`);
  }
  return { exported: definition.export(), imports };
}

/**
 * Walks the component graph from the root functions directory.
 *
 * @param {string} functionsDir absolute path of the app's functions directory
 * @returns {Promise<{ root: ComponentDirectory, components: Map<string, ComponentDirectory>, definitions: Map<string, any> }>}
 *   components keyed by absolute directory; definitions: `.export()` per directory
 */
export async function componentGraph(functionsDir) {
  const rootDefinition = definitionFileIn(functionsDir);
  /** @type {ComponentDirectory} */
  const root = {
    path: functionsDir,
    definitionPath: rootDefinition ?? path.join(functionsDir, "convex.config.ts"),
    isRoot: true,
  };
  const components = new Map([[root.path, root]]);
  const definitions = new Map();
  if (!rootDefinition) {
    definitions.set(root.path, { childComponents: [], exports: { type: "branch", branch: [] } });
    return { root, components, definitions };
  }
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift();
    const { exported, imports } = await evaluateDefinition(current.definitionPath, root);
    definitions.set(current.path, exported);
    for (const imp of imports) {
      const dir = path.dirname(imp.definitionPath);
      let child = components.get(dir);
      if (!child) {
        child = { path: dir, definitionPath: imp.definitionPath, isRoot: false };
        components.set(dir, child);
        queue.push(child);
      }
      child.importSpecifier = imp.original.replace(/\/convex\.config.*$/, "");
    }
  }
  return { root, components, definitions };
}

