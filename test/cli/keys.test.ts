// @vitest-environment node
import { execFile, spawnSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { calculateJwkThumbprint } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  envSetCommands,
  formatKeysAsDotenv,
  formatKeysForShell,
  generateKeys,
  shellQuote,
  type GeneratedKeys,
} from "../../src/cli/keys.js";
import { signingKeyFromEnv } from "../../src/server/tokens/signingKey.js";

const run = promisify(execFile);

let dir: string;
let cli: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convex-auth-kit-cli-"));
  cli = join(dir, "cli.mjs");
  // The bin entry, bundled with its dependencies so it runs from a bare
  // directory exactly as `node dist/cli/index.js` would.
  await build({
    entryPoints: [join(import.meta.dirname, "../../src/cli/index.ts")],
    outfile: cli,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI; never throws on a non-zero exit. */
async function cliRun(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/**
 * dotenv 16's parser (what `npx convex env set --from-file` and
 * `... | npx convex env set` use), reduced to the rules our files touch.
 */
function parseDotenv(src: string): Record<string, string> {
  const LINE =
    /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
  const out: Record<string, string> = {};
  const lines = src.replace(/\r\n?/gm, "\n");
  let match: RegExpExecArray | null;
  while ((match = LINE.exec(lines)) !== null) {
    let value = (match[2] || "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    out[match[1]] = value;
  }
  return out;
}

/** The values a `npx convex env set NAME=...` line hands the Convex CLI, via a real shell. */
function shellArgument(command: string): string {
  const prefix = "npx convex env set ";
  expect(command.startsWith(prefix)).toBe(true);
  const result = spawnSync("/bin/sh", ["-c", `printf '%s' ${command.slice(prefix.length)}`], {
    encoding: "utf8",
  });
  expect(result.status).toBe(0);
  return result.stdout;
}

function valuesFromShellOutput(stdout: string): GeneratedKeys {
  const lines = stdout.split("\n").filter((l) => l.startsWith("npx convex env set "));
  expect(lines).toHaveLength(2);
  const values: Record<string, string> = {};
  for (const line of lines) {
    const argument = shellArgument(line);
    const eq = argument.indexOf("=");
    values[argument.slice(0, eq)] = argument.slice(eq + 1);
  }
  expect(Object.keys(values).sort()).toEqual(["JWKS", "JWT_PRIVATE_KEY"]);
  return values as GeneratedKeys;
}

describe("generateKeys", () => {
  test("one-line PKCS#8 PEM and a public RS256 JWKS with a thumbprint kid", async () => {
    const keys = await generateKeys();
    expect(keys.JWT_PRIVATE_KEY).toMatch(
      /^-----BEGIN PRIVATE KEY----- [A-Za-z0-9+/= ]+ -----END PRIVATE KEY-----$/,
    );
    expect(keys.JWT_PRIVATE_KEY).not.toMatch(/[\n'"]/);
    const jwks = JSON.parse(keys.JWKS);
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(Object.keys(jwk).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    expect(jwk).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
    expect(Buffer.from(jwk.n, "base64url").length).toBe(256); // 2048 bits
    expect(jwk.kid).toBe(
      await calculateJwkThumbprint({ kty: "RSA", n: jwk.n, e: jwk.e }, "sha256"),
    );
    expect(keys.JWKS).not.toContain("'");
    expect((await signingKeyFromEnv({ ...keys })).kid).toBe(jwk.kid);
  });

  test("every call makes a new pair", async () => {
    const [a, b] = await Promise.all([generateKeys(), generateKeys()]);
    expect(a.JWT_PRIVATE_KEY).not.toBe(b.JWT_PRIVATE_KEY);
    expect(a.JWKS).not.toBe(b.JWKS);
  });
});

describe("formatting", () => {
  test("the env set commands survive a POSIX shell unchanged", async () => {
    const keys = await generateKeys();
    const commands = envSetCommands(keys);
    expect(commands[0]).toMatch(/^npx convex env set JWT_PRIVATE_KEY='-----BEGIN PRIVATE KEY----- /);
    expect(commands[1]).toMatch(/^npx convex env set JWKS='\{"keys":\[/);
    expect(valuesFromShellOutput(formatKeysForShell(keys))).toEqual(keys);
  });

  test("shellQuote", () => {
    expect(shellQuote("keys.env")).toBe("keys.env");
    expect(shellQuote("my keys.env")).toBe("'my keys.env'");
    const tricky = `it's $HOME "x"`;
    const out = spawnSync("/bin/sh", ["-c", `printf '%s' ${shellQuote(tricky)}`], {
      encoding: "utf8",
    }).stdout;
    expect(out).toBe(tricky);
  });

  test("the dotenv text round-trips through dotenv's parser", async () => {
    const keys = await generateKeys();
    const text = formatKeysAsDotenv(keys, new Date("2030-01-01T00:00:00Z"));
    expect(text).toContain("2030-01-01T00:00:00.000Z");
    expect(parseDotenv(text)).toEqual(keys);
  });
});

describe("the convex-auth-kit command", () => {
  test("keys prints env set commands whose values load", async () => {
    const { code, stdout, stderr } = await cliRun(["keys"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Generated an RS256 signing key \(kid [A-Za-z0-9_-]{43}\)\./);
    const keys = valuesFromShellOutput(stdout);
    const key = await signingKeyFromEnv({ ...keys });
    expect(stdout).toContain(`kid ${key.kid}`);
    expect(stdout).toContain("npx convex-auth-kit keys --out - | npx convex env set");
  });

  test("keys --out - prints only the dotenv text", async () => {
    const { code, stdout } = await cliRun(["keys", "--out", "-"]);
    expect(code).toBe(0);
    const values = parseDotenv(stdout);
    expect(Object.keys(values).sort()).toEqual(["JWKS", "JWT_PRIVATE_KEY"]);
    for (const line of stdout.trim().split("\n")) {
      expect(line).toMatch(/^(#|JWT_PRIVATE_KEY='|JWKS=')/);
    }
    await signingKeyFromEnv(values);
  });

  test("keys --out FILE writes a 0600 dotenv file and refuses to overwrite it", async () => {
    const file = join(dir, "auth keys.env");
    const first = await cliRun(["keys", "--out", file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Wrote JWT_PRIVATE_KEY and JWKS to ${file} (mode 0600`);
    expect(first.stdout).toContain(`npx convex env set --from-file '${file}'`);
    expect(first.stdout).not.toContain("PRIVATE KEY-----");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const content = await readFile(file, "utf8");
    const keys = parseDotenv(content);
    await signingKeyFromEnv(keys);

    const again = await cliRun(["keys", "--out", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    expect(again.stderr).toContain("--force");
    expect(await readFile(file, "utf8")).toBe(content);

    await chmod(file, 0o644);
    const forced = await cliRun(["keys", "--out", file, "--force"]);
    expect(forced.code).toBe(0);
    const replaced = await readFile(file, "utf8");
    expect(replaced).not.toBe(content);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await signingKeyFromEnv(parseDotenv(replaced));

    const equalsForm = join(dir, "eq.env");
    expect((await cliRun(["keys", `--out=${equalsForm}`])).code).toBe(0);
    await signingKeyFromEnv(parseDotenv(await readFile(equalsForm, "utf8")));
  });

  test("--out refuses a directory even with --force", async () => {
    const { code, stderr } = await cliRun(["keys", "--out", dir, "--force"]);
    expect(code).toBe(1);
    expect(stderr).toContain("is a directory");
  });

  test("--out leaves an existing file alone without --force", async () => {
    const file = join(dir, "existing.env");
    await writeFile(file, "KEEP=1\n");
    expect((await cliRun(["keys", "--out", file])).code).toBe(1);
    expect(await readFile(file, "utf8")).toBe("KEEP=1\n");
  });

  test("--help prints usage", async () => {
    for (const args of [["--help"], ["-h"], ["keys", "--help"]]) {
      const { code, stdout } = await cliRun(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: convex-auth-kit <command>/);
    }
  });

  test("usage errors exit 2 with usage on stderr", async () => {
    for (const [args, message] of [
      [[], "Missing command."],
      [["bogus"], "Unknown command: bogus"],
      [["keys", "--bogus"], "Unknown option: --bogus"],
      [["keys", "--out"], "--out needs a file name."],
      [["keys", "--out", "--force"], "--out needs a file name."],
      [["keys", "--out="], "--out needs a file name."],
    ] as const) {
      const { code, stdout, stderr } = await cliRun([...args]);
      expect(code, args.join(" ")).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(message);
      expect(stderr).toContain("Usage: convex-auth-kit");
    }
  });
});
