/**
 * Password hashing for the Password provider: argon2id (RFC 9106), computed by
 * hash-wasm's WebAssembly build so it runs in Convex's default runtime (a V8
 * isolate without Node APIs). Hashes are stored as PHC strings,
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>` (standard Base64
 * without padding), so each hash carries its own parameters: raising
 * {@link DEFAULT_ARGON2ID} (or passing stronger params) leaves old hashes
 * verifiable, and {@link needsRehash} says which to re-hash at the next sign-in.
 *
 * Every function here draws random bytes or does heavy work: call them from
 * actions, never from queries or mutations. hash-wasm is loaded on the first
 * derivation (`import()`), so a function module that only imports `auth`
 * does not bundle it.
 *
 * Error policy:
 * - a password that is not a string is a programming error: both functions throw
 *   `TypeError` (an internal assertion: the provider checks every password first);
 * - {@link hashPassword} throws `RangeError` for an empty password or one longer than
 *   {@link MAX_HASH_INPUT_LENGTH} (an internal assertion too), and `CONFIGURATION`
 *   for parameters outside {@link ARGON2ID_LIMITS} (`Password({ hash })`);
 * - {@link verifyPassword} never throws for string inputs: a stored hash that is not a
 *   well-formed argon2id v=19 PHC string within {@link ARGON2ID_LIMITS} (nor a hash
 *   imported from @convex-dev/auth, below), an empty password or an over-long one all
 *   return `false`, exactly like a wrong password, so a corrupt or tampered row cannot
 *   be told apart from a failed sign-in (use {@link parsePasswordHash} to detect corrupt rows).
 *
 * {@link verifyPassword} also recognises the hashes @convex-dev/auth stores by default
 * (Lucia's scrypt, `<salt>:<key>`; see legacyScrypt.ts), which the migration imports
 * as they are: a user moved over keeps their password, and {@link needsRehash} (true
 * for anything but our argon2id) has the Password provider store argon2id in its place
 * at that sign-in. It is the same function, so every password check (sign-in, the
 * current password of a change) takes either format.
 *
 * Passwords are normalized to Unicode NFKC before UTF-8 encoding (NIST SP 800-63B
 * §5.1.1.2), so the same password typed on different keyboards matches.
 *
 * @module
 */
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { decodeBase64IgnorePadding, encodeBase64NoPadding } from "@oslojs/encoding";
import { DEFAULT_ARGON2ID, type Argon2idParams } from "./params.js";
import { authError } from "../../server/errors.js";
import { parseLegacyScrypt, verifyLegacyScrypt } from "./legacyScrypt.js";

export { DEFAULT_ARGON2ID, type Argon2idParams } from "./params.js";

/**
 * Bounds on parameters, applied to the ones we hash with and to every stored
 * hash before it is recomputed, so a tampered row cannot make a function
 * allocate more than 64 MiB or run more than 10 passes. Salt and hash lengths
 * accept hashes made elsewhere (the reference implementation allows 8-byte
 * salts); {@link needsRehash} flags those shorter than ours.
 */
export const ARGON2ID_LIMITS = Object.freeze({
  maxMemoryKiB: 65536,
  maxIterations: 10,
  maxParallelism: 16,
  minSaltBytes: 8,
  maxSaltBytes: 64,
  minHashBytes: 16,
  maxHashBytes: 64,
});

/** Salt length of the hashes we produce, in bytes. */
export const SALT_BYTES = 16;

/** Output (tag) length of the hashes we produce, in bytes. */
export const HASH_BYTES = 32;

/**
 * The longest input the hash accepts, in UTF-16 code units: a defensive
 * bound on hashing work only. What a user may choose is the Password
 * provider's rule, `MAX_PASSWORD_LENGTH` in length.ts, applied first.
 */
export const MAX_HASH_INPUT_LENGTH = 1024;

/** A stored hash, decoded: its parameters, salt and tag. */
export type PasswordHash = {
  params: Argon2idParams;
  salt: Uint8Array;
  hash: Uint8Array;
};

/** Longest PHC string we parse; ours are about 100 characters. */
const MAX_PHC_LENGTH = 256;

const PHC_PATTERN =
  /^\$argon2id\$v=19\$m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,9}),p=([1-9][0-9]{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * Hashes `password` with argon2id under `params` and a fresh 16-byte random
 * salt, and returns the PHC string to store (about 100 characters).
 *
 * @throws TypeError if `password` is not a string, RangeError if it is
 *   empty or longer than {@link MAX_HASH_INPUT_LENGTH}: internal assertions
 *   (the provider checks every password first).
 * @throws `CONFIGURATION` if `params` (`Password({ hash })`) are not integers within {@link ARGON2ID_LIMITS}.
 */
export async function hashPassword(
  password: string,
  params: Argon2idParams = DEFAULT_ARGON2ID,
): Promise<string> {
  assertString(password);
  if (password.length === 0 || password.length > MAX_HASH_INPUT_LENGTH) {
    throw new RangeError(`Internal: a password to hash must be 1 to ${MAX_HASH_INPUT_LENGTH} characters long`);
  }
  assertParams(params);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await deriveArgon2id(encodePassword(password), salt, params, HASH_BYTES);
  return formatPasswordHash({ params: copyParams(params), salt, hash });
}

/**
 * Whether `password` matches the stored hash `phc`: recomputes argon2id with
 * the stored salt and parameters (or, for a hash imported from
 * @convex-dev/auth, its scrypt: legacyScrypt.ts) and compares in constant
 * time. Returns `false` (never throws) for a malformed, unknown or
 * out-of-bounds stored hash, and for an empty or over-long password.
 *
 * @throws TypeError if `password` is not a string (an internal assertion, as for {@link hashPassword}).
 */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  assertString(password);
  if (password.length === 0 || password.length > MAX_HASH_INPUT_LENGTH) return false;
  const stored = parsePasswordHash(phc);
  if (stored === null) {
    const legacy = parseLegacyScrypt(phc);
    if (legacy === null) return false;
    const encoded = encodePassword(password);
    return await queued(async () => {
      try {
        return await verifyLegacyScrypt(encoded, legacy);
      } finally {
        encoded.fill(0);
      }
    });
  }
  const computed = await deriveArgon2id(
    encodePassword(password),
    stored.salt,
    stored.params,
    stored.hash.length,
  );
  return constantTimeEqual(computed, stored.hash);
}

/**
 * Whether the stored hash should be replaced (after a successful verify) by
 * {@link hashPassword} under `params`: true when it is not a valid argon2id
 * PHC string, or is weaker than `params` in memory, passes or lanes, or has a
 * salt or tag shorter than ours. A stored hash stronger than `params` is kept.
 *
 * @throws `CONFIGURATION` if `params` are not integers within {@link ARGON2ID_LIMITS}.
 */
export function needsRehash(phc: string, params: Argon2idParams = DEFAULT_ARGON2ID): boolean {
  assertParams(params);
  const stored = parsePasswordHash(phc);
  if (stored === null) return true;
  return (
    stored.params.memoryKiB < params.memoryKiB ||
    stored.params.iterations < params.iterations ||
    stored.params.parallelism < params.parallelism ||
    stored.salt.length < SALT_BYTES ||
    stored.hash.length < HASH_BYTES
  );
}

/**
 * Decodes a stored PHC string, strictly: only `$argon2id$v=19$m=..,t=..,p=..$salt$hash`
 * in that order, decimal numbers without leading zeros, canonical unpadded
 * standard Base64, and everything within {@link ARGON2ID_LIMITS}. Returns `null`
 * for anything else (including non-strings).
 */
export function parsePasswordHash(phc: string): PasswordHash | null {
  if (typeof phc !== "string" || phc.length > MAX_PHC_LENGTH) return null;
  const match = PHC_PATTERN.exec(phc);
  if (match === null) return null;
  const params: Argon2idParams = {
    memoryKiB: Number(match[1]),
    iterations: Number(match[2]),
    parallelism: Number(match[3]),
  };
  if (paramsError(params) !== null) return null;
  const salt = decodeCanonicalBase64(match[4]);
  const hash = decodeCanonicalBase64(match[5]);
  if (salt === null || hash === null) return null;
  const limits = ARGON2ID_LIMITS;
  if (salt.length < limits.minSaltBytes || salt.length > limits.maxSaltBytes) return null;
  if (hash.length < limits.minHashBytes || hash.length > limits.maxHashBytes) return null;
  return { params, salt, hash };
}

/** Encodes a hash as its PHC string (the inverse of {@link parsePasswordHash}). */
export function formatPasswordHash({ params, salt, hash }: PasswordHash): string {
  const { memoryKiB: m, iterations: t, parallelism: p } = params;
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${encodeBase64NoPadding(salt)}$${encodeBase64NoPadding(hash)}`;
}

/** The end of the last queued derivation (see deriveArgon2id). */
let lastDerivation: Promise<unknown> = Promise.resolve();

/**
 * Runs `derive` after the derivations queued before it: each holds a large
 * block of memory (argon2id's `memoryKiB`, a legacy scrypt's 32 MiB), so
 * concurrent hashes in one function (e.g. `Promise.all`) never hold more
 * than one at a time.
 */
function queued<T>(derive: () => Promise<T>): Promise<T> {
  const result = lastDerivation.then(derive);
  lastDerivation = result.catch(() => undefined);
  return result;
}

/**
 * argon2id version 0x13 of `password` and `salt`, `length` bytes long.
 * hash-wasm gives each call its own WebAssembly instance with `memoryKiB` of
 * memory, so calls are queued one after another (see {@link queued}).
 */
function deriveArgon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  length: number,
): Promise<Uint8Array> {
  return queued(() => runArgon2id(password, salt, params, length));
}

async function runArgon2id(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  length: number,
): Promise<Uint8Array> {
  try {
    const { argon2id } = await import("hash-wasm");
    return await argon2id({
      password,
      salt,
      memorySize: params.memoryKiB,
      iterations: params.iterations,
      parallelism: params.parallelism,
      hashLength: length,
      outputType: "binary",
    });
  } finally {
    password.fill(0);
  }
}

/** The UTF-8 bytes of the NFKC form of `password`. */
function encodePassword(password: string): Uint8Array {
  return new TextEncoder().encode(password.normalize("NFKC"));
}

/** An internal assertion: the provider hands only strings to the hash. */
function assertString(password: unknown): asserts password is string {
  if (typeof password !== "string") throw new TypeError("Internal: a password to hash must be a string");
}

/** `CONFIGURATION` unless `params` (`Password({ hash })`) are usable. */
function assertParams(params: Argon2idParams): void {
  const error = paramsError(params);
  if (error !== null) throw authError("CONFIGURATION", `Password(): invalid argon2id parameters (hash): ${error}`);
}

/** Why `params` are unusable, or null when they are fine. */
function paramsError(params: Argon2idParams): string | null {
  if (typeof params !== "object" || params === null) return "not an object";
  const { memoryKiB, iterations, parallelism } = params;
  const limits = ARGON2ID_LIMITS;
  if (!isIntIn(parallelism, 1, limits.maxParallelism)) {
    return `parallelism must be an integer from 1 to ${limits.maxParallelism}`;
  }
  if (!isIntIn(iterations, 1, limits.maxIterations)) {
    return `iterations must be an integer from 1 to ${limits.maxIterations}`;
  }
  if (!isIntIn(memoryKiB, 8 * parallelism, limits.maxMemoryKiB)) {
    return `memoryKiB must be an integer from 8 * parallelism to ${limits.maxMemoryKiB}`;
  }
  return null;
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function copyParams({ memoryKiB, iterations, parallelism }: Argon2idParams): Argon2idParams {
  return { memoryKiB, iterations, parallelism };
}

/**
 * Decodes unpadded standard Base64, or null unless `text` is the canonical
 * encoding of its bytes (no stray trailing bits, no impossible length).
 */
function decodeCanonicalBase64(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64IgnorePadding(text);
  } catch {
    return null;
  }
  return encodeBase64NoPadding(bytes) === text ? bytes : null;
}
