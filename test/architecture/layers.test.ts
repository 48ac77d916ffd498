// @vitest-environment node
/**
 * Layers that point one way (issue "A house a newcomer can read"):
 *
 * - `src/shared`: what every side needs, one concept a file. Imports only
 *   itself and `convex/values` / `convex/server`.
 * - `src/component`: the Convex component. Imports only itself, `src/shared`
 *   and its own npm packages (`convex`, `@oslojs/*`).
 * - `src/client`: the browser client. Imports only itself and `src/shared`
 *   (any npm package).
 * - `src/providers`: may use `src/server` and `src/shared`, but of
 *   `src/component` only the generated types in `src/component/_generated`.
 * - `src/ssr`: the server side of a cookie session, run by the app's web
 *   server (not by Convex). Imports only itself, `src/client` and
 *   `src/shared` (and npm packages): it reaches Convex the way a browser
 *   does, never through `src/server` or `src/component`.
 * - `src/nextjs`: the Next.js binding of both sides. Imports only itself,
 *   `src/ssr`, `src/client` and `src/shared` (and npm packages).
 *
 * Every `.ts`/`.tsx` file under `src/` (not `_generated`) is read and its
 * `import ... from`, `export ... from` and `import("...")` specifiers checked.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

type Found = { specifier: string; line: number; typeOnly: boolean };
type Import = Found & { file: string };

/** Every `.ts`/`.tsx` file under `dir`, as paths relative to the repo root (posix). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "_generated" || entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [relative(ROOT, path).split(sep).join("/")] : [];
  });
}

/**
 * The module specifiers of `import ... from`, `export ... from`,
 * `import "..."`, `import("...")` and `import x = require("...")` in `text`,
 * found by TypeScript's parser (so comments and strings do not count).
 */
export function importSpecifiers(fileName: string, text: string): Found[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Found[] = [];
  const add = (node: ts.Node, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(node)) {
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, typeOnly });
    }
  };
  const visit = (node: ts.Node) => {
    // Only `import type` / `export type` is erased whole under
    // verbatimModuleSyntax (`import { type A }` keeps the module).
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly === true);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const imports: Import[] = sourceFiles(SRC).flatMap((file) =>
  importSpecifiers(file, readFileSync(join(ROOT, file), "utf8")).map((found) => ({ file, ...found })),
);

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/** Where a relative import lands, relative to the repo root (posix), e.g. "src/shared/errors.js". */
function target({ file, specifier }: Import): string {
  return posix.normalize(posix.join(posix.dirname(file), specifier));
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder + "/");

const describeImport = (i: Import) => `${i.file}:${i.line} imports "${i.specifier}"`;

/** The imports of files in `folder` that `allowed` refuses, described. */
function violations(folder: string, allowed: (i: Import) => boolean): string[] {
  return imports.filter((i) => inside(i.file, folder) && !allowed(i)).map(describeImport);
}

/**
 * Imports under src/providers that reach into src/component internals today.
 * They are the providers work's to move (to src/shared or behind src/server);
 * each entry is "file -> resolved target". Remove entries as they are moved:
 * the test fails on a stale entry, so this list only shrinks.
 */
const PROVIDER_ALLOW_LIST: ReadonlySet<string> = new Set<string>([
  // Empty today. Add an entry only for an import that is being moved by the
  // providers work, with that reason, e.g.
  //   "src/providers/oauth/flow.ts -> src/component/model/hashes.js",
  // (that one was: the OAuth flow now has its own constant-time compare).
]);

/**
 * The one import from src/server into src/providers: `Auth({ providers })`
 * accepts `@auth/core` OAuth configs as they are and wraps them in `OAuth()`.
 */
const SERVER_TO_PROVIDERS: ReadonlySet<string> = new Set<string>([
  "src/server/oauth/providers.ts -> src/providers/OAuth.js",
]);

describe("layers point one way", () => {
  test("the parser finds static, re-export, side-effect and dynamic imports, not comments", () => {
    const text = [
      `import { a } from "./a.js";`,
      `import type { B } from "../b.js";`,
      `export { c } from "./c.js";`,
      `export * from "./d.js";`,
      `import "./e.js";`,
      `const f = await import("./f.js");`,
      `type G = typeof import("./g.js");`,
      `// import { no } from "./comment.js";`,
      `const s = 'import { no } from "./string.js"';`,
    ].join("\n");
    expect(importSpecifiers("x.ts", text).map((i) => [i.specifier, i.typeOnly])).toEqual([
      ["./a.js", false],
      ["../b.js", true],
      ["./c.js", false],
      ["./d.js", false],
      ["./e.js", false],
      ["./f.js", false],
      ["./g.js", true],
    ]);
  });

  test("every layer has files to check", () => {
    for (const folder of ["src/shared", "src/component", "src/client", "src/providers", "src/server", "src/ssr", "src/nextjs"]) {
      expect(imports.some((i) => inside(i.file, folder)), folder).toBe(true);
    }
  });

  test("src/shared imports only src/shared and convex/values or convex/server", () => {
    expect(
      violations("src/shared", (i) =>
        isRelative(i.specifier) ? inside(target(i), "src/shared") : i.specifier === "convex/values" || i.specifier === "convex/server",
      ),
    ).toEqual([]);
  });

  test("src/component imports only src/component, src/shared, convex and @oslojs", () => {
    expect(
      violations("src/component", (i) =>
        isRelative(i.specifier)
          ? inside(target(i), "src/component") || inside(target(i), "src/shared")
          : i.specifier === "convex" || i.specifier.startsWith("convex/") || i.specifier.startsWith("@oslojs/"),
      ),
    ).toEqual([]);
  });

  test("src/client imports only src/client and src/shared (and npm packages)", () => {
    expect(
      violations("src/client", (i) =>
        !isRelative(i.specifier) || inside(target(i), "src/client") || inside(target(i), "src/shared"),
      ),
    ).toEqual([]);
  });

  test("src/ssr imports only src/ssr, src/client and src/shared (and npm packages)", () => {
    expect(
      violations("src/ssr", (i) =>
        !isRelative(i.specifier) || inside(target(i), "src/ssr") || inside(target(i), "src/client") || inside(target(i), "src/shared"),
      ),
    ).toEqual([]);
  });

  test("src/nextjs imports only src/nextjs, src/ssr, src/client and src/shared (and npm packages)", () => {
    const allowed = ["src/nextjs", "src/ssr", "src/client", "src/shared"];
    expect(violations("src/nextjs", (i) => !isRelative(i.specifier) || allowed.some((folder) => inside(target(i), folder)))).toEqual([]);
  });

  test("nothing outside them imports src/ssr or src/nextjs (they run on the app's web server, not in Convex or the browser bundle)", () => {
    const outside = imports.filter(
      (i) =>
        !inside(i.file, "src/ssr") &&
        !inside(i.file, "src/nextjs") &&
        isRelative(i.specifier) &&
        (inside(target(i), "src/ssr") || inside(target(i), "src/nextjs")),
    );
    expect(outside.map(describeImport)).toEqual([]);
  });

  test("src/client takes only types from the shared modules that hold validators", () => {
    // A validator object imported into the client would land in its bundle.
    const validatorModules = ["src/shared/protocol.js", "src/shared/webauthnOptions.js"];
    expect(
      violations("src/client", (i) => !isRelative(i.specifier) || !validatorModules.includes(target(i)) || i.typeOnly),
    ).toEqual([]);
  });

  test("src/providers uses of src/component go through src/component/_generated only", () => {
    const reaching = imports.filter(
      (i) =>
        inside(i.file, "src/providers") &&
        isRelative(i.specifier) &&
        inside(target(i), "src/component") &&
        !inside(target(i), "src/component/_generated"),
    );
    const key = (i: Import) => `${i.file} -> ${target(i)}`;
    expect(reaching.filter((i) => !PROVIDER_ALLOW_LIST.has(key(i))).map(describeImport)).toEqual([]);
    // A moved import must leave the allow-list too.
    const stale = [...PROVIDER_ALLOW_LIST].filter((entry) => !reaching.some((i) => key(i) === entry));
    expect(stale, "moved: delete these from PROVIDER_ALLOW_LIST").toEqual([]);
  });

  test("src/server uses src/component's _generated API only, and never src/client or src/providers", () => {
    const key = (i: Import) => `${i.file} -> ${target(i)}`;
    expect(
      violations("src/server", (i) => {
        if (!isRelative(i.specifier)) return true;
        const to = target(i);
        if (inside(to, "src/component")) return inside(to, "src/component/_generated");
        if (inside(to, "src/providers")) return SERVER_TO_PROVIDERS.has(key(i));
        return !inside(to, "src/client");
      }),
    ).toEqual([]);
  });
});
