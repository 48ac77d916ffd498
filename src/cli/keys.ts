/// <reference types="node" />
/**
 * `npx convex-auth-kit keys`: generates the RS256 key pair that signs access
 * tokens and prints `JWT_PRIVATE_KEY` and `JWKS` ready for
 * `npx convex env set`, or writes them to a dotenv file (`--out`).
 *
 * Runs on Node (not part of the deployed code).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { lstat, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
} from "jose";

/** The two environment variables the server reads. */
export type GeneratedKeys = {
  /** PKCS#8 PEM on one line: newlines replaced by spaces (the server accepts both). */
  JWT_PRIVATE_KEY: string;
  /** `{"keys":[{kty,n,e,kid,alg,use}]}` as compact JSON. */
  JWKS: string;
};

/**
 * Generates a 2048-bit RS256 key pair. `kid` is the key's RFC 7638 SHA-256
 * thumbprint.
 */
export async function generateKeys(): Promise<GeneratedKeys> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", {
    modulusLength: 2048,
    extractable: true,
  });
  const pem = await exportPKCS8(privateKey);
  const { kty, n, e } = await exportJWK(publicKey);
  if (kty !== "RSA" || n === undefined || e === undefined) {
    // An internal assertion (jose always exports these for an RSA key), in the CLI, outside Convex.
    throw new Error("Internal: unexpected public key export from jose.");
  }
  const kid = await calculateJwkThumbprint({ kty, n, e }, "sha256");
  return {
    JWT_PRIVATE_KEY: pem.trim().replace(/\r?\n/g, " "),
    JWKS: JSON.stringify({
      keys: [{ kty, n, e, kid, alg: "RS256", use: "sig" }],
    }),
  };
}

/** The `kid` of the first key in a `JWKS` value. */
export function kidOf(keys: GeneratedKeys): string {
  return (JSON.parse(keys.JWKS) as { keys: [{ kid: string }] }).keys[0].kid;
}

/** Quotes `value` for POSIX shells (bash, zsh, sh). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The two `npx convex env set` commands. `NAME='value'` keeps the PEM's
 * leading dashes from being read as an option; the values hold no single
 * quotes, so single-quoting passes them through POSIX shells unchanged.
 */
export function envSetCommands(keys: GeneratedKeys): string[] {
  return (["JWT_PRIVATE_KEY", "JWKS"] as const).map(
    (name) => `npx convex env set ${name}=${shellQuote(keys[name])}`,
  );
}

/** What `keys` prints without `--out`. */
export function formatKeysForShell(keys: GeneratedKeys): string {
  return [
    `Generated an RS256 signing key (kid ${kidOf(keys)}).`,
    "",
    "Set it on your Convex deployment (add --prod for production):",
    "",
    ...envSetCommands(keys),
    "",
    "JWT_PRIVATE_KEY is a secret: keep it out of git, chats and logs. To keep",
    "it out of your shell history too (and on Windows PowerShell, which strips",
    "the JSON's double quotes), generate and set a pair in one step instead:",
    "",
    "npx convex-auth-kit keys --out - | npx convex env set",
    "",
  ].join("\n");
}

/**
 * The dotenv file `--out` writes. Single-quoted values are read literally by
 * dotenv, which `npx convex env set --from-file` uses.
 */
export function formatKeysAsDotenv(
  keys: GeneratedKeys,
  now: Date = new Date(),
): string {
  return [
    `# convex-auth-kit signing key (kid ${kidOf(keys)}), generated ${now.toISOString()}.`,
    "# JWT_PRIVATE_KEY is a secret: do not commit this file.",
    "# Apply with `npx convex env set --from-file <this file>`, then delete it.",
    `JWT_PRIVATE_KEY='${keys.JWT_PRIVATE_KEY}'`,
    `JWKS='${keys.JWKS}'`,
    "",
  ].join("\n");
}

/** Raised for a failure the CLI reports as a plain message (exit code 1). */
export class KeysCommandError extends Error {
  override name = "KeysCommandError";
}

/**
 * Writes `content` to `path` with mode 0600. Refuses an existing path unless
 * `force`; with `force` it writes a fresh 0600 file next to it and renames it
 * into place, so the result is 0600 whatever the old file's mode was.
 */
export async function writeSecretFile(
  path: string,
  content: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const existing = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  if (existing !== null) {
    if (existing.isDirectory()) {
      throw new KeysCommandError(`${path} is a directory.`);
    }
    if (!options.force) {
      throw new KeysCommandError(
        `${path} already exists. Pass --force to overwrite it (the keys it ` +
          "holds are lost; a deployment still using them keeps working only " +
          "until you set the new ones).",
      );
    }
  }
  if (!options.force) {
    // "wx": fail if the file appeared meanwhile; mode applies on creation.
    await writeFile(path, content, { mode: 0o600, flag: "wx" });
    return;
  }
  const temp = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    await writeFile(temp, content, { mode: 0o600, flag: "wx" });
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Where `keys` writes its output; stdout and stderr in the real CLI. */
export type KeysCommandIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
};

/**
 * Runs `keys`. Without `out`: prints the values as `npx convex env set`
 * commands. With `out: "-"`: prints only the dotenv text (for piping into
 * `npx convex env set`). With a path: writes the dotenv file (0600).
 */
export async function runKeysCommand(
  options: { out?: string; force?: boolean },
  io: KeysCommandIo,
): Promise<void> {
  const keys = await generateKeys();
  if (options.out === undefined) {
    io.stdout(formatKeysForShell(keys));
    return;
  }
  if (options.out === "-") {
    io.stdout(formatKeysAsDotenv(keys));
    return;
  }
  await writeSecretFile(options.out, formatKeysAsDotenv(keys), {
    force: options.force,
  });
  const file = shellQuote(options.out);
  io.stdout(
    [
      `Wrote JWT_PRIVATE_KEY and JWKS to ${options.out} (mode 0600, kid ${kidOf(keys)}).`,
      "",
      "Set them on your Convex deployment (add --prod for production), then delete the file:",
      "",
      `npx convex env set --from-file ${file}`,
      `rm ${file}`,
      "",
    ].join("\n"),
  );
}
