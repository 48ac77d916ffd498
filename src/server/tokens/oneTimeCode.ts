import { generateRandomString } from "@oslojs/crypto/random";
import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { authError } from "../errors.js";
import { webCryptoRandom } from "../random.js";
import { processEnv } from "./signingKey.js";

const DIGITS = "0123456789";
const encoder = new TextEncoder();

/** A uniformly random numeric code (no modulo bias), `length` digits. */
export function newNumericCode(length: number): string {
  return generateRandomString(webCryptoRandom, DIGITS, length);
}

/**
 * The key one-time codes are hashed with: derived (HMAC-SHA256 as a PRF)
 * from the deployment secret `AUTH_CODE_SECRET` if set, else from
 * `JWT_PRIVATE_KEY`. A copy of the database alone then gives no way to
 * brute-force the 10^8 possible codes offline. Rotating the secret voids
 * the codes in flight (they live 10 minutes).
 */
function codeKey(): Uint8Array {
  const env = processEnv();
  const secret = env.AUTH_CODE_SECRET?.trim() || env.JWT_PRIVATE_KEY?.trim();
  if (!secret) {
    throw authError("CONFIGURATION", "JWT_PRIVATE_KEY is not set (one-time codes are hashed with a key derived from it)");
  }
  return hmac(SHA256, encoder.encode(secret), encoder.encode("convex-auth-kit one-time code key v1"));
}

/**
 * The stored hash of a one-time code: HMAC-SHA256 under the deployment's
 * code key, bound to the account (or address) and purpose it was issued
 * for, so the same digits never match anywhere else.
 */
export async function hashCode(code: string, accountId: string, purpose: string): Promise<string> {
  return encodeBase64urlNoPadding(hmac(SHA256, codeKey(), encoder.encode(`${purpose}:${accountId}:${code}`)));
}
