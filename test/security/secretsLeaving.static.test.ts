// @vitest-environment node
/**
 * What leaves the component (SECURITY.md, "What leaves the component"),
 * checked on the source: the three component functions that return a secret
 * (a password hash, an OAuth flow's PKCE verifier and nonce, encrypted TOTP
 * secrets) are called only from the server-side flow that needs it, in this
 * package and in the example app. A new caller fails here, naming the file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Each function that returns a secret, and the only files (from the repo root) that may call it. */
const CALLERS: Record<string, string[]> = {
  // The password's argon2id hash, verified in the signIn action (sign-in, password change).
  "accounts.beginSignIn": ["src/providers/password/flows.ts"],
  // An OAuth flow's PKCE code verifier and nonce, sent to the provider's token endpoint by the callback.
  "verifiers.consume": ["src/providers/oauth/flow.ts"],
  // The TOTP factors' secrets, AES-GCM encrypted, decrypted and compared in an action.
  "totp.beginCheck": ["src/providers/totp/verify.ts"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ["_generated", "node_modules", "dist"].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Files under src/ and example/ whose code (comments left out) names `fn` as a component function. */
function callersOf(fn: string): string[] {
  const [module, name] = fn.split(".");
  const reference = new RegExp(`\\b${module}\\s*\\.\\s*${name}\\b`);
  return [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "example"))]
    .filter((file) => !file.includes(`${sep}src${sep}component${sep}`))
    .filter((file) => reference.test(readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
    .map((file) => relative(ROOT, file).split(sep).join("/"))
    .sort();
}

describe("what leaves the component", () => {
  for (const [fn, allowed] of Object.entries(CALLERS)) {
    test(`${fn} is called only from ${allowed.join(", ")}`, () => {
      expect(callersOf(fn)).toEqual(allowed);
    });
  }

  test("each is documented in SECURITY.md", () => {
    const security = readFileSync(join(ROOT, "SECURITY.md"), "utf8");
    const start = security.indexOf("## What leaves the component");
    expect(start, 'SECURITY.md has a "What leaves the component" section').toBeGreaterThan(0);
    const section = security.slice(start);
    for (const fn of Object.keys(CALLERS)) expect(section, fn).toContain(`\`${fn}\``);
  });
});
