/**
 * A small, documented component surface (issue "A house a newcomer can
 * read"): at most 50 public functions, each named in src/component/README.md
 * with who it is for. Internal functions (continuations, the sweep) are not
 * counted: an app cannot call them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const COMPONENT = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), "src/component");
const MAX_PUBLIC_FUNCTIONS = 50;

type Registered = { isQuery?: boolean; isMutation?: boolean; isAction?: boolean; isPublic?: boolean; isInternal?: boolean };

/** `module.name` of every registered function of the component, public and internal. */
async function functionsOfComponent(): Promise<{ publicNames: string[]; internalNames: string[] }> {
  const publicNames: string[] = [];
  const internalNames: string[] = [];
  const modules = readdirSync(COMPONENT).filter((f) => f.endsWith(".ts") && !["schema.ts", "convex.config.ts"].includes(f));
  for (const file of modules) {
    const exports = (await import(join(COMPONENT, file))) as Record<string, Registered>;
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== "function" && typeof value !== "object") continue;
      if (!(value?.isQuery || value?.isMutation || value?.isAction)) continue;
      const qualified = `${file.replace(/\.ts$/, "")}.${name}`;
      (value.isPublic ? publicNames : internalNames).push(qualified);
    }
  }
  return { publicNames: publicNames.sort(), internalNames: internalNames.sort() };
}

/** The functions the surface table of the component README names. */
function documentedFunctions(): string[] {
  const readme = readFileSync(join(COMPONENT, "README.md"), "utf8");
  return [...readme.matchAll(/^\| `([a-zA-Z]+\.[a-zA-Z]+)` \| (app|server) \|/gm)].map((m) => m[1]!).sort();
}

describe("the component surface", () => {
  test(`has at most ${MAX_PUBLIC_FUNCTIONS} public functions`, async () => {
    const { publicNames } = await functionsOfComponent();
    expect(publicNames.length, publicNames.join(", ")).toBeLessThanOrEqual(MAX_PUBLIC_FUNCTIONS);
  });

  test("every public function is documented in src/component/README.md, and only those", async () => {
    const { publicNames } = await functionsOfComponent();
    expect(documentedFunctions()).toEqual(publicNames);
  });

  test("internal functions are only continuations and housekeeping", async () => {
    const { internalNames } = await functionsOfComponent();
    expect(internalNames).toEqual([
      "groups.deleteContinue",
      "invites.expireDue",
      "sessions.revokeContinue",
      "sweep.expired",
      "sweep.resumeDeletions",
      "users.deleteDataContinue",
    ]);
  });
});
