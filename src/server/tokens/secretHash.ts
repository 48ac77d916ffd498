import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";

const encoder = new TextEncoder();

/**
 * The form in which the component stores a token, code or key: SHA-256,
 * base64url. Looking a secret up by this hash reveals nothing of it.
 */
export function hashSecret(secret: string): string {
  return encodeBase64urlNoPadding(sha256(encoder.encode(secret)));
}
