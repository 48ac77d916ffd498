import { generateRandomString } from "@oslojs/crypto/random";
import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import type { CodePurpose } from "../../shared/codePurposes.js";
import { webCryptoRandom } from "../random.js";
import { deploymentKey } from "./deploymentKey.js";

const DIGITS = "0123456789";
const encoder = new TextEncoder();

/** A uniformly random numeric code (no modulo bias), `length` digits. */
export function newNumericCode(length: number): string {
  return generateRandomString(webCryptoRandom, DIGITS, length);
}

/** The key one-time codes are hashed with (see {@link deploymentKey}). */
function codeKey(): Uint8Array {
  return deploymentKey("one-time code key v1");
}

/**
 * The stored hash of a one-time code: HMAC-SHA256 under the deployment's
 * code key, bound to the provider, address and purpose it was sent for, so
 * the same digits never match anywhere else.
 */
export async function hashCode(
  code: string,
  { provider, address, purpose }: { provider: string; address: string; purpose: CodePurpose },
): Promise<string> {
  const message = encoder.encode(JSON.stringify([purpose, provider, address, code]));
  return encodeBase64urlNoPadding(hmac(SHA256, codeKey(), message));
}
