/**
 * TOTP secrets at rest: AES-256-GCM with a key from the deployment's
 * environment (`TOTP_ENCRYPTION_KEY`: 32 random bytes, base64), a fresh
 * 96-bit IV per secret, and the owner's user id as additional data, so a
 * ciphertext copied onto another user's row does not decrypt.
 *
 * Web Crypto only (no `generateKey`), so this runs in actions, mutations and
 * queries alike.
 */
import { decodeBase64IgnorePadding, decodeBase64urlIgnorePadding } from "@oslojs/encoding";
import { authError } from "../../server/errors.js";
import { randomBytes } from "../../server/random.js";
import { processEnv } from "../../server/env.js";


/** The environment variable holding the key. */
export const TOTP_KEY_ENV = "TOTP_ENCRYPTION_KEY";

const HINT =
  `Set ${TOTP_KEY_ENV} to 32 random bytes in base64, e.g. ` +
  `\`echo "${TOTP_KEY_ENV}=$(openssl rand -base64 32)" | npx convex env set\`.`;

const encoder = new TextEncoder();

// The last key that loaded, by its environment value (resolved values only).
let cached: { env: string; key: CryptoKey } | undefined;

function decodeKey(value: string): Uint8Array<ArrayBuffer> | null {
  for (const decode of [decodeBase64IgnorePadding, decodeBase64urlIgnorePadding]) {
    try {
      const bytes = decode(value);
      if (bytes.length === 32) return new Uint8Array(bytes);
    } catch {
      // try the next alphabet
    }
  }
  return null;
}

/**
 * The AES-GCM key from `TOTP_ENCRYPTION_KEY` (in `env`, default
 * `process.env`). `CONFIGURATION` naming the variable when it is missing or
 * not 32 bytes of base64. Never puts key material in a message.
 */
export async function encryptionKeyFromEnv(env: Record<string, string | undefined> = processEnv()): Promise<CryptoKey> {
  const value = env[TOTP_KEY_ENV]?.trim();
  if (value === undefined || value === "") throw authError("CONFIGURATION", `${TOTP_KEY_ENV} is not set. ${HINT}`);
  if (cached?.env === value) return cached.key;
  const bytes = decodeKey(value);
  if (bytes === null) {
    throw authError("CONFIGURATION", `${TOTP_KEY_ENV} must be 32 bytes in base64. ${HINT}`);
  }
  const key = await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  cached = { env: value, key };
  return key;
}

function additionalData(userId: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`convex-auth-kit:totp:${userId}`);
}

/** Encrypts a secret for storage on `userId`'s factor. */
export async function encryptSecret(
  key: CryptoKey,
  secret: Uint8Array,
  userId: string,
): Promise<{ ciphertext: ArrayBuffer; iv: ArrayBuffer }> {
  const iv = new Uint8Array(randomBytes(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(userId) },
    key,
    new Uint8Array(secret),
  );
  return { ciphertext, iv: iv.buffer };
}

/**
 * Decrypts a stored secret. `CONFIGURATION` when it does not decrypt (the
 * key changed, or the row was tampered with).
 */
export async function decryptSecret(
  key: CryptoKey,
  stored: { ciphertext: ArrayBuffer; iv: ArrayBuffer },
  userId: string,
): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: new Uint8Array(stored.iv), additionalData: additionalData(userId) },
      key,
      stored.ciphertext,
    );
    return new Uint8Array(plain);
  } catch {
    throw authError(
      "CONFIGURATION",
      `A stored TOTP secret does not decrypt with ${TOTP_KEY_ENV} (was the key changed?)`,
    );
  }
}
