/**
 * Recovery codes: 16 characters of Crockford's base32 (80 bits), shown as
 * `xxxx-xxxx-xxxx-xxxx`, stored only as SHA-256 hashes bound to the user.
 * What a person types back is forgiving: case, spaces and dashes do not
 * matter, and `i`/`l` read as `1`, `o` as `0`.
 */
import { generateRandomString } from "@oslojs/crypto/random";
import { webCryptoRandom } from "../../server/random.js";
import { hashSecret } from "../../server/tokens/secretHash.js";
import { RECOVERY_CODE_COUNT } from "./options.js";

/** Crockford's base32 alphabet, lower case: no i, l, o, u. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const LENGTH = 16;

/** A new set of recovery codes, all different, formatted for people. */
export function newRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const raw = generateRandomString(webCryptoRandom, ALPHABET, LENGTH);
    codes.add(raw.match(/.{4}/g)!.join("-"));
  }
  return [...codes];
}

/** A typed recovery code in canonical form (it may still be no valid code). */
export function normalizeRecoveryCode(input: unknown): string {
  if (typeof input !== "string") return "";
  return input
    .toLowerCase()
    .replace(/[\s-]+/g, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0")
    .slice(0, 64);
}

/** The stored hash of a recovery code of `userId`. */
export function hashRecoveryCode(code: string, userId: string): string {
  return hashSecret(`recovery:${userId}:${normalizeRecoveryCode(code)}`);
}
