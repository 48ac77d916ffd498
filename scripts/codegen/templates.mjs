/**
 * Loads Convex's own codegen templates (convex/dist/esm/cli/codegen_templates)
 * so the generated files come from the same code as `npx convex codegen`.
 *
 * The template modules import two CLI internals whose import chains reach the
 * CLI's bundled-only dependencies, so they cannot be imported as they are.
 * This bundles just the templates with esbuild, pointing those two imports at
 * ./convexShims.mjs, and imports the bundle from a data: URL.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The installed convex package's directory. */
export function convexPackageDir() {
  return path.dirname(require.resolve("convex/package.json"));
}

/**
 * @returns {Promise<{
 *   componentApiJs: Function, componentApiDTS: Function, componentApiTSWithTypes: Function,
 *   componentApiStubDTS: Function, componentTS: Function, rootComponentApiCJS: Function,
 *   componentServerTS: Function, serverCodegen: Function,
 *   dynamicDataModelTS: Function, dynamicDataModelDTS: Function,
 *   noSchemaDataModelTS: Function, noSchemaDataModelDTS: Function,
 *   compareModulePaths: (a: string, b: string) => number,
 *   version: string,
 * }>}
 */
export async function loadTemplates() {
  const convexDir = convexPackageDir();
  const templatesDir = path.join(convexDir, "dist", "esm", "cli", "codegen_templates");
  const shims = path.join(here, "convexShims.mjs");
  const entry = `
    export { componentApiJs, componentApiDTS, componentApiTSWithTypes, componentApiStubDTS, componentTS, rootComponentApiCJS } from "./component_api.js";
    export { componentServerTS } from "./component_server.js";
    export { serverCodegen } from "./server.js";
    export { dynamicDataModelTS, dynamicDataModelDTS, noSchemaDataModelTS, noSchemaDataModelDTS } from "./dataModel.js";
    export { compareModulePaths } from "./common.js";
  `;
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: templatesDir, sourcefile: "templates-entry.js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    logLevel: "silent",
    plugins: [
      {
        name: "convex-cli-shims",
        setup(build) {
          build.onResolve({ filter: /\/bundler\/index\.js$/ }, () => ({ path: shims }));
          build.onResolve({ filter: /\/directoryStructure\.js$/ }, () => ({ path: shims }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  const { version } = require("convex/package.json");
  return { ...mod, version };
}
