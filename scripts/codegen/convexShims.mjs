/**
 * Stand-ins for the two Convex CLI internals that Convex's codegen templates
 * import: `bundler/index.js` (`entryPoints`) and
 * `lib/components/definition/directoryStructure.js`
 * (`toComponentDefinitionPath`, `toAbsolutePath`).
 *
 * `entryPoints` replicates the rules of convex's
 * `dist/esm/bundler/index.js` (the same in 1.48 and 1.49): which files in a
 * functions directory are function modules. The other two are copied from `directoryStructure.js`.
 * The analysis step uses these too, so both agree on the module list.
 */
import fs from "node:fs";
import path from "node:path";

const ENTRY_POINT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];

/** Sort consistent with unix directory listings (Convex's `consistentPathSort`). */
function consistentPathSort(a, b) {
  for (let i = 0; i < Math.min(a.name.length, b.name.length); i++) {
    if (a.name.charCodeAt(i) !== b.name.charCodeAt(i)) {
      return a.name.charCodeAt(i) - b.name.charCodeAt(i);
    }
  }
  return a.name.length - b.name.length;
}

function* walkDir(dirPath, shouldSkipDir, depth = 0) {
  const entries = fs.readdirSync(dirPath, { withFileTypes: true }).sort(consistentPathSort);
  for (const dirEntry of entries) {
    const childPath = path.join(dirPath, dirEntry.name);
    if (dirEntry.isDirectory()) {
      if (shouldSkipDir(childPath)) continue;
      yield { isDir: true, path: childPath, depth };
      yield* walkDir(childPath, shouldSkipDir, depth + 1);
    } else if (dirEntry.isFile()) {
      yield { isDir: false, path: childPath, depth };
    }
  }
}

/**
 * The function modules of the functions directory `dir`, as absolute paths,
 * in directory-walk order. Same signature as Convex's (`ctx` is only used to
 * report a fatal error).
 *
 * @param {{ crash?: (e: { printedMessage: string }) => never } | undefined} ctx
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function entryPoints(ctx, dir) {
  const found = [];
  // A nested directory holding its own convex.config.ts is another component.
  const looksLikeNestedComponent = (dirPath) => fs.existsSync(path.join(dirPath, "convex.config.ts"));
  for (const { isDir, path: fpath } of walkDir(dir, looksLikeNestedComponent)) {
    if (isDir) continue;
    const relPath = path.relative(dir, fpath);
    const base = path.parse(fpath).base;
    if (relPath.startsWith("_deps" + path.sep)) {
      const printedMessage = `The path "${fpath}" is within the "_deps" directory, which is reserved for dependencies. Please move your code to another directory.`;
      if (ctx?.crash) return ctx.crash({ exitCode: 1, errorType: "invalid filesystem data", printedMessage });
      throw new Error(printedMessage);
    }
    if (!ENTRY_POINT_EXTENSIONS.some((ext) => relPath.endsWith(ext))) continue;
    if (relPath.startsWith("_generated" + path.sep)) continue;
    if (base.startsWith(".") || base.startsWith("#")) continue;
    if (base === "schema.ts" || base === "schema.js") continue;
    if ((base.match(/\./g) || []).length > 1) continue;
    if (relPath.includes(" ")) continue;
    found.push(fpath);
  }
  // A .ts/.tsx file without any import or export is not a module.
  return found.filter((fpath) => {
    if (!fpath.endsWith(".ts") && !fpath.endsWith(".tsx")) return true;
    return /^\s{0,100}(import|export)/m.test(fs.readFileSync(fpath, "utf8"));
  });
}

/**
 * The component's definition path: its directory relative to the root
 * component's, with `/` separators (`""` for the root itself).
 *
 * @param {{ path: string }} rootComponent
 * @param {{ path: string }} component
 */
export function toComponentDefinitionPath(rootComponent, component) {
  const relativePath = path.relative(rootComponent.path, component.path);
  return relativePath.split(path.sep).join(path.posix.sep);
}

/**
 * Inverse of {@link toComponentDefinitionPath}.
 *
 * @param {{ path: string }} rootComponent
 * @param {string} componentDefinitionPath
 */
export function toAbsolutePath(rootComponent, componentDefinitionPath) {
  const relativePath = componentDefinitionPath.split(path.posix.sep).join(path.sep);
  return path.normalize(path.join(rootComponent.path, relativePath));
}
