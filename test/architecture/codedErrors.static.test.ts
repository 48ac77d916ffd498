// @vitest-environment node
/**
 * "Every error raised on purpose is a coded ConvexError" (docs/errors.md),
 * checked on the source: no file under `src/` makes a plain `Error` (or
 * `TypeError`, `RangeError`, ...) except the few below, each an internal
 * assertion or an error that never leaves its function, and saying so. A new
 * `new Error(...)` fails here, naming the file and line: throw
 * `authError(code, message)` instead (src/shared/errors.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

/** The built-in error classes a plain error is made with. */
const PLAIN = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"]);

/**
 * The plain errors allowed, as `file: message` (file relative to src/), and why:
 * - the argon2id hash's input checks: internal assertions (the Password
 *   provider checks every password's type and length before hashing);
 * - the keys CLI: an internal assertion about jose's output, in a Node
 *   process, never in Convex.
 */
const ALLOWED = [
  "cli/keys.ts: Internal: unexpected public key export from jose.",
  // A transient failure of the auth route (no code): the client retries it, as it does a network error.
  "client/ssr/cookieSession.ts: `The auth route answered ${response.status}`",
  "providers/password/hash.ts: Internal: a password to hash must be a string",
  "providers/password/hash.ts: `Internal: a password to hash must be 1 to ${MAX_HASH_INPUT_LENGTH} characters long`",
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "_generated" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every `new Error(...)` / `Error(...)` of a built-in error class in `text` (the file `name`), with its line and message. */
function plainErrorsInText(name: string, text: string): { where: string; entry: string }[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, name.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: { where: string; entry: string }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && PLAIN.has(node.expression.text)) {
      const first = node.arguments?.[0];
      const message = first === undefined ? "" : ts.isStringLiteral(first) ? first.text : first.getText(source);
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ where: `${name}:${line}`, entry: `${name}: ${message}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The plain errors of a file under src/. */
function plainErrorsIn(file: string): { where: string; entry: string }[] {
  return plainErrorsInText(relative(SRC, file).split(sep).join("/"), readFileSync(file, "utf8"));
}

describe("coded errors", () => {
  test("src/ makes no plain Error outside the allow-list (use authError(code, message))", () => {
    const found = sourceFiles(SRC).flatMap(plainErrorsIn);
    const unexpected = found.filter((f) => !ALLOWED.includes(f.entry)).map((f) => `${f.where}: ${f.entry}`);
    expect(unexpected).toEqual([]);
  });

  test("every allow-listed error still exists (the list shrinks with the code)", () => {
    const entries = new Set(sourceFiles(SRC).flatMap(plainErrorsIn).map((f) => f.entry));
    expect(ALLOWED.filter((entry) => !entries.has(entry))).toEqual([]);
  });

  test("the check sees a plain error when there is one, and not a coded one or a comment", () => {
    const text = [
      'throw new Error("boom");',
      "reject(new RangeError(`late`));",
      'throw TypeError("t");',
      "// throw new Error(\"in a comment\");",
      'throw authError("CONFIGURATION", "coded");',
    ].join("\n");
    expect(plainErrorsInText("x.ts", text).map((f) => f.where)).toEqual(["x.ts:1", "x.ts:2", "x.ts:3"]);
  });
});
