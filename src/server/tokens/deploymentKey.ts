import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { authError } from "../errors.js";
import { processEnv } from "../env.js";


const encoder = new TextEncoder();

/**
 * The deployment secret: `AUTH_CODE_SECRET`, else `JWT_PRIVATE_KEY` (an app
 * that signs with its own key needs nothing more).
 *
 * @throws `CONFIGURATION` naming `AUTH_CODE_SECRET` when neither is set.
 */
export function requireDeploymentSecret(): string {
  const env = processEnv();
  const secret = env.AUTH_CODE_SECRET?.trim() || env.JWT_PRIVATE_KEY?.trim();
  if (!secret) {
    throw authError(
      "CONFIGURATION",
      "AUTH_CODE_SECRET is not set: one-time codes and sign-in steps are keyed with it. Set it once to 32 random " +
        'bytes: npx convex env set AUTH_CODE_SECRET "$(openssl rand -base64 32)"',
    );
  }
  return secret;
}

/**
 * A key for one use (`label`), derived (HMAC-SHA256 as a PRF) from the
 * deployment secret ({@link requireDeploymentSecret}). A copy of the
 * database alone then gives no way to forge or brute-force what it protects.
 * Rotating the secret voids what is in flight.
 */
export function deploymentKey(label: string): Uint8Array {
  return hmac(SHA256, encoder.encode(requireDeploymentSecret()), encoder.encode(`convex-auth-kit ${label}`));
}
