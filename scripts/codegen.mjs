#!/usr/bin/env node
/**
 * Offline Convex codegen for this repo: writes the `_generated/` directories
 * of the example app (the functions dir from convex.json) and of every
 * component it uses from source (src/component), the same files
 * `npx convex dev` would write, without a deployment.
 *
 * The file contents come from Convex's own codegen templates
 * (./codegen/templates.mjs); the push "analysis" they need is built locally by
 * bundling and evaluating the config and function modules
 * (./codegen/analysis.mjs, ./codegen/componentGraph.mjs). Files are formatted with prettier exactly as the
 * CLI's `writeFormattedFile` does.
 *
 * Usage:
 *   node scripts/codegen.mjs           write the generated files
 *   node scripts/codegen.mjs --check   write nothing; exit 1 listing files
 *                                      that are stale, missing or extra
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import prettier from "prettier";
import { loadTemplates } from "./codegen/templates.mjs";
import { analyzeApp } from "./codegen/analysis.mjs";
import { toComponentDefinitionPath } from "./codegen/convexShims.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** Entries of a _generated dir the CLI never deletes. */
const PRESERVED_GENERATED_ENTRIES = new Set(["ai"]);

function fail(message) {
  console.error(`codegen: ${message}`);
  process.exit(2);
}

/** convex.json, with the defaults the CLI applies for the fields used here. */
function readProjectConfig() {
  const configPath = path.join(repoRoot, "convex.json");
  const config = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : {};
  const codegen = config.codegen ?? {};
  if (codegen.staticDataModel) fail("codegen.staticDataModel needs a deployment; not supported offline");
  return {
    functionsDir: path.resolve(repoRoot, config.functions ?? "convex"),
    useTypeScript: codegen.fileType === "ts",
    staticApi: codegen.staticApi === true,
    useComponentApiImports: codegen.legacyComponentApi !== true,
    generateCommonJSApi: config.generateCommonJSApi === true,
  };
}

function hasSchemaFile(dir) {
  return fs.existsSync(path.join(dir, "schema.ts")) || fs.existsSync(path.join(dir, "schema.js"));
}

/**
 * The generated files of one component directory, unformatted, following
 * convex's `doInitialComponentApiCodegen` + `doFinalComponentCodegen`.
 *
 * @returns {Promise<Map<string, string>>} file name in _generated -> contents
 */
async function componentFiles(t, project, ctx, startPushResponse, root, dir, componentsMap) {
  const files = new Map();
  const useTypeScript = !dir.isRoot || project.useTypeScript;
  const apiOpts = { staticApi: project.staticApi, useComponentApiImports: project.useComponentApiImports };
  const definitionPath = toComponentDefinitionPath(root, dir);
  const envVars = startPushResponse.analysis[definitionPath]?.definition.envVars ?? [];

  const schema = hasSchemaFile(dir.path);
  if (useTypeScript) {
    files.set("dataModel.ts", schema ? t.dynamicDataModelTS() : t.noSchemaDataModelTS());
  } else {
    files.set("dataModel.d.ts", schema ? t.dynamicDataModelDTS() : t.noSchemaDataModelDTS());
  }
  if (!dir.isRoot) {
    files.set("component.ts", await t.componentTS(ctx, startPushResponse, root, dir));
    files.set("server.ts", t.componentServerTS(false, envVars));
  } else if (useTypeScript) {
    files.set("server.ts", t.serverCodegen({ useTypeScript: true, envVars }).TS);
  } else {
    const server = t.serverCodegen({ useTypeScript: false, envVars });
    files.set("server.js", server.JS);
    files.set("server.d.ts", server.DTS);
  }
  if (useTypeScript) {
    files.set("api.ts", await t.componentApiTSWithTypes(ctx, startPushResponse, root, dir, componentsMap, apiOpts));
  } else {
    files.set("api.js", t.componentApiJs());
    const apiDTS = await t.componentApiDTS(ctx, startPushResponse, root, dir, componentsMap, apiOpts);
    files.set("api.d.ts", apiDTS);
    if (project.generateCommonJSApi && dir.isRoot) {
      files.set("api_cjs.cjs", t.rootComponentApiCJS());
      files.set("api_cjs.d.cts", apiDTS);
    }
  }
  return files;
}

/**
 * The runtime `_generated` modules the functions of `dir` are evaluated
 * against during analysis (what the CLI's initial codegen provides).
 */
function analysisModules(t, project, dir) {
  const modules = new Map();
  const useTypeScript = !dir.isRoot || project.useTypeScript;
  const server = !dir.isRoot
    ? { contents: t.componentServerTS(false, []), loader: "ts" }
    : useTypeScript
      ? { contents: t.serverCodegen({ useTypeScript: true, envVars: [] }).TS, loader: "ts" }
      : { contents: t.serverCodegen({ useTypeScript: false, envVars: [] }).JS, loader: "js" };
  modules.set("server", server);
  modules.set("api", { contents: t.componentApiJs(), loader: "js" });
  // Types only; nothing to evaluate.
  modules.set("dataModel", { contents: "export {};", loader: "js" });
  modules.set("component", { contents: "export {};", loader: "js" });
  return modules;
}

/** All generated files, formatted, keyed by repo-relative path. */
async function generate() {
  const project = readProjectConfig();
  if (!fs.existsSync(project.functionsDir)) fail(`functions directory ${project.functionsDir} does not exist`);
  const t = await loadTemplates();
  const ctx = {
    crash: async ({ printedMessage }) => {
      throw new Error(printedMessage ?? "Convex codegen template failed");
    },
  };
  const { root, components, startPushResponse } = await analyzeApp(project.functionsDir, t.compareModulePaths, (dir) =>
    analysisModules(t, project, dir),
  );
  /** @type {Map<string, string>} */
  const out = new Map();
  const generatedDirs = [];
  for (const dir of components.values()) {
    // Like the CLI: a component installed from a package (.js definition) is left alone.
    if (!dir.isRoot && dir.definitionPath.endsWith(".js")) continue;
    const codegenDir = path.relative(repoRoot, path.join(dir.path, "_generated"));
    generatedDirs.push(codegenDir);
    const files = await componentFiles(t, project, ctx, startPushResponse, root, dir, components);
    for (const [name, contents] of files) {
      const formatted = await prettier.format(contents, { parser: "typescript", pluginSearchDirs: false });
      out.set(path.join(codegenDir, name).split(path.sep).join("/"), formatted);
    }
  }
  return { out, generatedDirs, convexVersion: t.version };
}

/** Compares `out` against the working tree: changed, missing and extra files. */
function diff(out, generatedDirs) {
  const changed = [];
  const missing = [];
  const extra = [];
  for (const [rel, contents] of out) {
    const abs = path.join(repoRoot, rel);
    if (!fs.existsSync(abs)) missing.push(rel);
    else if (fs.readFileSync(abs, "utf8") !== contents) changed.push(rel);
  }
  for (const dir of generatedDirs) {
    const abs = path.join(repoRoot, dir);
    if (!fs.existsSync(abs)) continue;
    for (const name of fs.readdirSync(abs).sort()) {
      const rel = path.join(dir, name).split(path.sep).join("/");
      if (!PRESERVED_GENERATED_ENTRIES.has(name) && !out.has(rel)) extra.push(rel);
    }
  }
  return { changed, missing, extra };
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) fail(`unknown argument(s): ${unknown.join(" ")}\nusage: node scripts/codegen.mjs [--check]`);
  const check = args.includes("--check");

  const { out, generatedDirs, convexVersion } = await generate();
  const { changed, missing, extra } = diff(out, generatedDirs);
  const stale = changed.length + missing.length + extra.length;

  if (check) {
    if (stale === 0) {
      console.log(`codegen --check: ${out.size} generated files up to date (convex ${convexVersion}).`);
      return;
    }
    console.error("codegen --check: generated files are out of date; run `npm run codegen`.");
    for (const f of changed) console.error(`  stale:   ${f}`);
    for (const f of missing) console.error(`  missing: ${f}`);
    for (const f of extra) console.error(`  extra:   ${f}`);
    process.exitCode = 1;
    return;
  }

  for (const rel of [...changed, ...missing]) {
    const abs = path.join(repoRoot, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, out.get(rel));
  }
  for (const rel of extra) fs.rmSync(path.join(repoRoot, rel), { recursive: true, force: true });
  console.log(
    `codegen: ${generatedDirs.join(", ")}: ${out.size} files, ` +
      `${changed.length} updated, ${missing.length} created, ${extra.length} removed (convex ${convexVersion}).`,
  );
}

main().catch((e) => {
  console.error(`codegen failed: ${e?.stack ?? e}`);
  process.exit(2);
});
