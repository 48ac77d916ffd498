/**
 * Recovery codes: 16 characters of Crockford's base32 (80 bits), shown as
 * `xxxx-xxxx-xxxx-xxxx`, stored only as keyed hashes bound to the user
 * (HMAC-SHA256 under a key derived from the deployment secret, as one-time
 * codes are: OWASP ASVS 4.0.3 2.6.2), so a copy of the database alone
 * cannot be searched for them. Codes stored before as bare SHA-256 hashes
 * still work until used or replaced (a set is single use, so they are not
 * rewritten). What a person types back is forgiving: case, spaces and
 * dashes do not matter, and `i`/`l` read as `1`, `o` as `0`.
 */
import { generateRandomString } from "@oslojs/crypto/random";
import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { webCryptoRandom } from "../../server/random.js";
import { deploymentKeys } from "../../server/tokens/deploymentKey.js";
import { hashSecret } from "../../server/tokens/secretHash.js";
import { RECOVERY_CODE_COUNT } from "./options.js";

const encoder = new TextEncoder();
/** The label of the key recovery codes are hashed with (see `deploymentKey`). */
const KEY_LABEL = "recovery code key v1";

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

/** What a recovery code of `userId` is hashed as: bound to the user, in canonical form. */
function message(code: string, userId: string): string {
  return `recovery:${userId}:${normalizeRecoveryCode(code)}`;
}

function keyedHash(key: Uint8Array, code: string, userId: string): string {
  return encodeBase64urlNoPadding(hmac(SHA256, key, encoder.encode(message(code, userId))));
}

/** The stored hash of a recovery code of `userId`: HMAC-SHA256 under the deployment's recovery-code key. */
export function hashRecoveryCode(code: string, userId: string): string {
  return keyedHash(deploymentKeys(KEY_LABEL)[0]!, code, userId);
}

/**
 * Every form a recovery code of `userId` may be stored in, to look it up:
 * `codeHash`, the form new codes are stored in, then `earlierHashes`: the
 * keyed hash under `JWT_PRIVATE_KEY` while `AUTH_CODE_SECRET` is set too
 * (codes made before it was), and the bare SHA-256 of codes stored before
 * recovery codes were keyed.
 */
export function recoveryCodeHashes(code: string, userId: string): { codeHash: string; earlierHashes: string[] } {
  const [current, ...others] = deploymentKeys(KEY_LABEL).map((key) => keyedHash(key, code, userId));
  return { codeHash: current!, earlierHashes: [...others, hashSecret(message(code, userId))] };
}
