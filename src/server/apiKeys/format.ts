/**
 * The raw key: the app's prefix and 32 characters drawn uniformly (no modulo
 * bias) from a 62-letter alphabet, about 190 bits. Only its SHA-256 hash and
 * a display prefix are stored.
 */
import { generateRandomString } from "@oslojs/crypto/random";
import { webCryptoRandom } from "../random.js";
import { hashSecret } from "../tokens/secretHash.js";

export const API_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Random characters after the prefix. */
export const API_KEY_RANDOM_LENGTH = 32;
/** Random characters the display prefix reveals (about 24 of the 190 bits). */
export const DISPLAY_RANDOM_CHARS = 4;

/**
 * Any prefix this package accepts (so keys outlive a change of prefix), then
 * the 32 random characters.
 */
const API_KEY_SHAPE = /^[A-Za-z0-9_.-]{0,32}[A-Za-z0-9]{32}$/;

/** A new key: the raw value (shown once), its hash and display prefix (stored). */
export type NewApiKey = { raw: string; hash: string; displayPrefix: string };

/**
 * Draws a new key with Web Crypto's CSPRNG (`crypto.getRandomValues`, which
 * Convex allows in mutations and actions).
 */
export function newApiKey(prefix: string): NewApiKey {
  const secret = generateRandomString(webCryptoRandom, API_KEY_ALPHABET, API_KEY_RANDOM_LENGTH);
  const raw = prefix + secret;
  return { raw, hash: hashSecret(raw), displayPrefix: prefix + secret.slice(0, DISPLAY_RANDOM_CHARS) };
}

/** True when `value` has the shape of a key this package issues. */
export function isApiKeyShaped(value: unknown): value is string {
  return typeof value === "string" && API_KEY_SHAPE.test(value);
}

/**
 * The key in an `Authorization: Bearer <key>` header, or `null` when the
 * header is missing or another scheme. The scheme is case-insensitive.
 */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  if (header === null) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  return match?.[1] ?? null;
}
