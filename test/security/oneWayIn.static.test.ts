/**
 * "One way in", checked on the source: a session is created, and an access
 * token minted, in exactly one place each. A new flow that starts a session
 * or signs a token itself fails here, naming the file.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../src", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "_generated") return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Files (relative to src/) whose code matches `pattern`, comments left out. */
function filesMatching(pattern: RegExp): string[] {
  return sources(root)
    .filter((file) => pattern.test(readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
    .map((file) => relative(root, file))
    .sort();
}

describe("one way in", () => {
  test("only component/sessions.ts creates sessions (its `issue` mutation, through a private function)", () => {
    expect(filesMatching(/insert\(\s*"sessions"/)).toEqual(["component/sessions.ts"]);
    expect(filesMatching(/\bcreateSession\(/)).toEqual(["component/sessions.ts"]);
    expect(filesMatching(/export\s+(async\s+)?function\s+createSession/)).toEqual([]);
  });

  test("refresh tokens are stored only where sessions are issued, rotated or continued", () => {
    expect(filesMatching(/insert\(\s*"refreshTokens"/)).toEqual(["component/model/sessions.ts", "component/sessions.ts"]);
  });

  test("access tokens are minted only by server/session/issue.ts (the app's key) and sessions.issue (the deployment's)", () => {
    expect(filesMatching(/\bsignAccessToken\(/)).toEqual(["server/session/issue.ts", "server/tokens/accessToken.ts"]);
    expect(filesMatching(/\bsignJwt\b/)).toEqual(["component/sessions.ts"]);
  });

  test("no provider reaches the issuing mutation or the minting itself", () => {
    expect(filesMatching(/sessions\.issue\b/)).toEqual(["server/session/issue.ts"]);
    expect(filesMatching(/\bloadMinter\(|\bissueSession\(/).filter((f) => f.startsWith("providers/"))).toEqual([]);
  });
});
