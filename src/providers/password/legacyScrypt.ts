/**
 * The password hashes @convex-dev/auth stores by default (its Password
 * provider hashes with Lucia's `Scrypt`), recognised so that users moved
 * over by the migration (docs/migrating-from-convex-auth.md) keep their
 * password. Only {@link verifyPassword} in hash.ts calls this: it is one
 * more format of the one place passwords are checked, never a second
 * checker. A verified legacy hash is replaced by argon2id at that sign-in
 * (`needsRehash` is true for anything that is not our argon2id).
 *
 * The stored format is `<salt>:<key>`: `salt` is 32 lower-case hex
 * characters, used as they are (their UTF-8 bytes are the scrypt salt, not
 * the 16 bytes they spell), and `key` is 128 lower-case hex characters, the
 * 64-byte scrypt output for N=2^14, r=16, p=1 of the NFKC form of the
 * password. Anything else is not this format.
 *
 * scrypt (and the hex decoding of the key) is `@noble/hashes`'s, loaded
 * (`import()`) the first time a legacy hash is checked, so nobody else
 * bundles or runs it. At these parameters it
 * needs 32 MiB and a few hundred milliseconds: like argon2id, it runs in the
 * `signIn` action, never in a query or mutation.
 *
 * @module
 */
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { CONVEX_AUTH_HASH } from "../../shared/convexAuthHash.js";

/** The scrypt cost of @convex-dev/auth's default hash (Lucia's `Scrypt`). */
export const LEGACY_SCRYPT = Object.freeze({ N: 16384, r: 16, p: 1, dkLen: 64 });

/** A stored legacy hash, split: the salt as stored (text) and the key (hex). */
export type LegacyScryptHash = { salt: string; key: string };

/** Splits a stored @convex-dev/auth password hash, or `null` when `stored` is not one. */
export function parseLegacyScrypt(stored: string): LegacyScryptHash | null {
  if (typeof stored !== "string") return null;
  const match = CONVEX_AUTH_HASH.exec(stored);
  if (match === null) return null;
  return { salt: match[1]!, key: match[2]! };
}

/**
 * Whether `password` (already NFKC-normalised and UTF-8 encoded by the
 * caller) matches `stored`, compared in constant time. Heavy: 32 MiB, a few
 * hundred ms. The caller queues it with the other derivations (hash.ts).
 */
export async function verifyLegacyScrypt(password: Uint8Array, stored: LegacyScryptHash): Promise<boolean> {
  const [{ scrypt }, { hexToBytes }] = await Promise.all([import("@noble/hashes/scrypt.js"), import("@noble/hashes/utils.js")]);
  const computed = scrypt(password, new TextEncoder().encode(stored.salt), LEGACY_SCRYPT);
  try {
    return constantTimeEqual(computed, hexToBytes(stored.key));
  } finally {
    computed.fill(0);
  }
}
