/**
 * A small, documented component surface (issue "A house a newcomer can
 * read"): at most 50 public functions for the app and the server's flows,
 * each named in src/component/README.md with who it is for. Admin functions
 * (for an app's admin tools) are listed there too and counted apart;
 * internal functions (continuations, the sweep) are not part of the
 * surface: an app cannot call them.
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

/** The functions the surface table of the component README names, with who they are for. */
function documentedFunctions(): { name: string; role: string }[] {
  const readme = readFileSync(join(COMPONENT, "README.md"), "utf8");
  return [...readme.matchAll(/^\| `([a-zA-Z]+\.[a-zA-Z]+)` \| (app|server|admin) \|/gm)]
    .map((m) => ({ name: m[1]!, role: m[2]! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe("the component surface", () => {
  test(`has at most ${MAX_PUBLIC_FUNCTIONS} public functions besides the admin ones`, async () => {
    const { publicNames } = await functionsOfComponent();
    const admin = new Set(documentedFunctions().filter((f) => f.role === "admin").map((f) => f.name));
    const counted = publicNames.filter((name) => !admin.has(name));
    expect(counted.length, counted.join(", ")).toBeLessThanOrEqual(MAX_PUBLIC_FUNCTIONS);
  });

  test("every public function is documented in src/component/README.md, and only those", async () => {
    const { publicNames } = await functionsOfComponent();
    expect(documentedFunctions().map((f) => f.name)).toEqual(publicNames);
  });

  test("internal functions are only continuations and housekeeping", async () => {
    const { internalNames } = await functionsOfComponent();
    expect(internalNames).toEqual([
      "groups.deleteContinue",
      "invites.expireDue",
      "sessions.revokeContinue",
      "sweep.events",
      "sweep.expired",
      "sweep.resumeDeletions",
      "users.deleteDataContinue",
    ]);
  });
});
