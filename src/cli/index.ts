#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `convex-auth-kit` command.
 *
 *   npx convex-auth-kit keys [--out FILE|-] [--force]
 *
 * @module
 */
import { KeysCommandError, runKeysCommand, type KeysCommandIo } from "./keys.js";

const USAGE = `Usage: convex-auth-kit <command> [options]

Commands:
  keys                Generate an RS256 key pair to sign access tokens with your
                      own key (optional: without it the deployment signs them)
                      and print JWT_PRIVATE_KEY and JWKS as
                      \`npx convex env set\` commands.

Options for keys:
  --out FILE          Write the two variables to FILE (dotenv format, mode 0600)
                      instead, for \`npx convex env set --from-file FILE\`.
  --out -             Print only the dotenv text, to pipe into
                      \`npx convex env set\`.
  --force             Overwrite FILE if it exists.
  -h, --help          Show this help.
`;

type Parsed =
  | { kind: "help" }
  | { kind: "keys"; out?: string; force: boolean }
  | { kind: "usage-error"; message: string };

function parseArgs(argv: readonly string[]): Parsed {
  if (argv.includes("--help") || argv.includes("-h")) return { kind: "help" };
  const [command, ...rest] = argv;
  if (command === undefined) {
    return { kind: "usage-error", message: "Missing command." };
  }
  if (command !== "keys") {
    return { kind: "usage-error", message: `Unknown command: ${command}` };
  }
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--force") {
      force = true;
    } else if (arg === "--out") {
      const value = rest[i + 1];
      if (value === undefined || (value.startsWith("-") && value !== "-")) {
        return { kind: "usage-error", message: `${arg} needs a file name.` };
      }
      out = value;
      i++;
    } else if (arg.startsWith("--out=")) {
      out = arg.slice("--out=".length);
      if (out === "") {
        return { kind: "usage-error", message: "--out needs a file name." };
      }
    } else {
      return { kind: "usage-error", message: `Unknown option: ${arg}` };
    }
  }
  return { kind: "keys", out, force };
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 usage error). */
async function main(
  argv: readonly string[],
  io: KeysCommandIo,
): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    io.stderr(`convex-auth-kit: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    await runKeysCommand({ out: parsed.out, force: parsed.force }, io);
    return 0;
  } catch (error) {
    const message =
      error instanceof KeysCommandError
        ? error.message
        : error instanceof Error
          ? `${error.message}`
          : String(error);
    io.stderr(`convex-auth-kit: ${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
