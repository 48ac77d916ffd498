import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { authError } from "../errors.js";
import { processEnv } from "../env.js";


const encoder = new TextEncoder();

/**
 * A key for one use (`label`), derived (HMAC-SHA256 as a PRF) from the
 * deployment secret `AUTH_CODE_SECRET` if set, else from `JWT_PRIVATE_KEY`.
 * A copy of the database alone then gives no way to forge or brute-force
 * what it protects. Rotating the secret voids what is in flight.
 */
export function deploymentKey(label: string): Uint8Array {
  const env = processEnv();
  const secret = env.AUTH_CODE_SECRET?.trim() || env.JWT_PRIVATE_KEY?.trim();
  if (!secret) {
    throw authError("CONFIGURATION", "JWT_PRIVATE_KEY is not set (one-time codes and sign-in steps are keyed with it)");
  }
  return hmac(SHA256, encoder.encode(secret), encoder.encode(`convex-auth-kit ${label}`));
}
