// @vitest-environment node
/**
 * SECURITY.md's OWASP ASVS 4.0.3 Level 2 table (V2, V3), checked on the
 * text: every Level 2 requirement has one row, every file a row names
 * exists, every test it names is declared in its file under that exact
 * title, a row marked met names a test, and the counts in the section's
 * introduction add up. A renamed or removed test fails here, naming the
 * row and the reference; all the problems are reported at once.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const HEADING = "## OWASP ASVS 4.0.3 Level 2 (V2, V3)";

/** Counts of Level 2 requirements (L1's included) per section of ASVS 4.0.3: V2.1..V2.10, V3.1..V3.7 (V3.6 is L3 only). */
const LEVEL_2: Record<string, number> = {
  "2.1": 12, "2.2": 3, "2.3": 3, "2.4": 5, "2.5": 7, "2.6": 3, "2.7": 6, "2.8": 7, "2.9": 3, "2.10": 4,
  "3.1": 1, "3.2": 4, "3.3": 4, "3.4": 5, "3.5": 3, "3.7": 1,
};
const EXPECTED_IDS = Object.entries(LEVEL_2).flatMap(([section, count]) =>
  Array.from({ length: count }, (_, i) => `${section}.${i + 1}`),
);

type Row = { line: number; cells: string[] };
type Reference = { file: string; title?: string };

/** The section under {@link HEADING}, up to the next `## ` heading. */
function section(markdown: string): string {
  const start = markdown.indexOf(`\n${HEADING}\n`);
  if (start < 0) return "";
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf("\n## ", HEADING.length);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The table's body rows (neither the header nor the separator), with their cells. */
function rowsOf(text: string): Row[] {
  return text.split("\n").flatMap((raw, index) => {
    const line = raw.trim();
    if (!line.startsWith("|") || /^\|[\s|:-]+\|$/.test(line)) return [];
    const cells = line.slice(1, line.endsWith("|") ? -1 : undefined).split("|").map((cell) => cell.trim());
    if (cells[0] === "requirement") return [];
    return [{ line: index + 1, cells }];
  });
}

/** Every `` `test/...test.ts(x)` `` in `text`, each with the `› "title"` after it if any. */
function referencesIn(text: string): Reference[] {
  const pattern = /`(test\/[^`\s]+\.test\.tsx?)`(?:\s*›\s*"((?:[^"\\]|\\.)*)")?/g;
  return [...text.matchAll(pattern)].map((m) => ({ file: m[1]!, ...(m[2] !== undefined ? { title: m[2].replace(/\\(.)/g, "$1") } : {}) }));
}

/** Backticked repository paths (src/, docs/, example/, scripts/, test/) in `text`. */
function pathsIn(text: string): string[] {
  return [...text.matchAll(/`((?:src|docs|example|scripts|test)\/[\w./-]*)`/g)].map((m) => m[1]!);
}

const TEST_FUNCTIONS = new Set(["test", "it"]);

/** Whether `callee` is `test`, `it`, or one of their modifiers (`test.only`, `it.concurrent`, ...). */
function isTestFunction(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return TEST_FUNCTIONS.has(callee.text);
  return ts.isPropertyAccessExpression(callee) && isTestFunction(callee.expression);
}

/**
 * The titles of the tests declared in a test file's text: the literal first
 * argument of `test(...)`, `it(...)` (and their modifiers) and of the
 * function `test.each(...)` returns. Titles built at run time are not
 * literals and are left out.
 */
function testTitles(name: string, text: string): Set<string> {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, name.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const titles = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const declares = isTestFunction(callee) || (ts.isCallExpression(callee) && isTestFunction(callee.expression));
      const first = node.arguments[0];
      if (declares && first !== undefined && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        titles.add(first.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return titles;
}

const markdown = readFileSync(join(ROOT, "SECURITY.md"), "utf8");
const text = section(markdown);
const rows = rowsOf(text);
const idOf = (row: Row) => row.cells[0] ?? "";
const appliesOf = (row: Row) => row.cells[2] ?? "";

const titleCache = new Map<string, Set<string>>();
function titlesOf(file: string): Set<string> {
  let titles = titleCache.get(file);
  if (titles === undefined) {
    titles = testTitles(file, readFileSync(join(ROOT, file), "utf8"));
    titleCache.set(file, titles);
  }
  return titles;
}

describe("the ASVS table in SECURITY.md", () => {
  test("has the section, and a row of five cells for each of the 71 Level 2 requirements", () => {
    expect(text, `SECURITY.md has a "${HEADING.slice(3)}" section`).not.toBe("");
    expect(EXPECTED_IDS).toHaveLength(71);
    expect(rows.length).toBeGreaterThanOrEqual(EXPECTED_IDS.length);
    expect(rows.filter((row) => row.cells.length !== 5).map((row) => `line ${row.line}: ${row.cells.length} cells`)).toEqual([]);
  });

  test("every row is a V2 or V3 requirement, none twice, and none of Level 2 is missing", () => {
    const ids = rows.map(idOf);
    expect(ids.filter((id) => !/^(2\.(?:[1-9]|10)|3\.[1-7])\.\d+$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(EXPECTED_IDS.filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !EXPECTED_IDS.includes(id))).toEqual([]);
  });

  test("every test a row names exists, under its exact title", () => {
    const missing = rows.flatMap((row) =>
      referencesIn(row.cells.join(" | ")).flatMap(({ file, title }) => {
        if (!existsSync(join(ROOT, file))) return [`${idOf(row)}: ${file} does not exist`];
        if (title !== undefined && !titlesOf(file).has(title)) return [`${idOf(row)}: ${file} has no test "${title}"`];
        return [];
      }),
    );
    expect(missing).toEqual([]);
  });

  test("every other file or folder a row names exists", () => {
    const missing = rows.flatMap((row) =>
      pathsIn(row.cells.join(" | "))
        // Test files are the check above's.
        .filter((path) => !/\.test\.tsx?$/.test(path) && !existsSync(join(ROOT, path)))
        .map((path) => `${idOf(row)}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  test("each row says whether it applies; a met row names a test, a row that does not apply gives its reason", () => {
    const wrong = rows.flatMap((row) => {
      const applies = appliesOf(row);
      if (!/^(yes — (met(: .+| \(.+\))?|partly: .+|not met: .+)|no — .+)$/.test(applies)) return [`${idOf(row)}: applies is "${applies}"`];
      if (applies.startsWith("yes — met") && referencesIn(row.cells[4] ?? "").length === 0) return [`${idOf(row)}: met, but proved by no test`];
      return [];
    });
    expect(wrong).toEqual([]);
  });

  test("the counts in the introduction are the table's", () => {
    const stated = /(\d+) requirements: (\d+) apply \((\d+) met, (\d+) partly, (\d+) not met\), (\d+) are not ours/.exec(text);
    expect(stated, "the introduction states the counts").not.toBeNull();
    const count = (prefix: RegExp) => rows.filter((row) => prefix.test(appliesOf(row))).length;
    const counted = [
      rows.length,
      count(/^yes/),
      count(/^yes — met/),
      count(/^yes — partly/),
      count(/^yes — not met/),
      count(/^no/),
    ];
    expect(stated!.slice(1).map(Number)).toEqual(counted);
  });
});

describe("the checker itself", () => {
  test("finds titles of test, it, their modifiers and test.each, not of describe, comments or computed titles", () => {
    const source = [
      'test("plain", () => {});',
      "it('single quoted', () => {});",
      "test.concurrent(`template`, () => {});",
      'test.each([1, 2] as const)("each %s", () => {});',
      'describe("a describe", () => {});',
      '// test("in a comment", () => {});',
      "test(`computed ${name}`, () => {});",
      'test("with \\"quotes\\" inside", () => {});',
    ].join("\n");
    expect([...testTitles("x.test.ts", source)].sort()).toEqual(["each %s", "plain", "single quoted", "template", 'with "quotes" inside']);
  });

  test("reads references with and without a title, and leaves other backticks alone", () => {
    const cell = '`test/a.test.ts` › "one title"; `test/b.test.tsx`; `src/x.ts`; `Auth({ session })`';
    expect(referencesIn(cell)).toEqual([{ file: "test/a.test.ts", title: "one title" }, { file: "test/b.test.tsx" }]);
    expect(pathsIn(cell)).toEqual(["test/a.test.ts", "test/b.test.tsx", "src/x.ts"]);
  });
});
