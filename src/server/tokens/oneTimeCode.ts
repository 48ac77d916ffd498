import { generateRandomString } from "@oslojs/crypto/random";
import { webCryptoRandom } from "../random.js";
import { hashSecret } from "./secretHash.js";

const DIGITS = "0123456789";

/** A uniformly random numeric code (no modulo bias), `length` digits. */
export function newNumericCode(length: number): string {
  return generateRandomString(webCryptoRandom, DIGITS, length);
}

/**
 * The stored hash of a one-time code, bound to the account and purpose it
 * was issued for, so the same digits never match anywhere else.
 */
export function hashCode(code: string, accountId: string, purpose: string): string {
  return hashSecret(`${purpose}:${accountId}:${code}`);
}
