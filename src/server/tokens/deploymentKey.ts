import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { authError } from "../errors.js";
import { processEnv } from "../env.js";


const encoder = new TextEncoder();

/** The deployment secrets keys are derived from, in order of preference: `AUTH_CODE_SECRET`, then `JWT_PRIVATE_KEY` (each when set). */
function deploymentSecrets(): string[] {
  const env = processEnv();
  const secrets = [env.AUTH_CODE_SECRET?.trim(), env.JWT_PRIVATE_KEY?.trim()].filter((s): s is string => !!s);
  if (secrets.length === 0) {
    throw authError(
      "CONFIGURATION",
      "AUTH_CODE_SECRET is not set: one-time codes and sign-in steps are keyed with it. Set it once to 32 random " +
        'bytes: npx convex env set AUTH_CODE_SECRET "$(openssl rand -base64 32)"',
    );
  }
  return secrets;
}

function derive(secret: string, label: string): Uint8Array {
  return hmac(SHA256, encoder.encode(secret), encoder.encode(`convex-auth-kit ${label}`));
}

/**
 * The deployment secret: `AUTH_CODE_SECRET`, else `JWT_PRIVATE_KEY` (an app
 * that signs with its own key needs nothing more).
 *
 * @throws `CONFIGURATION` naming `AUTH_CODE_SECRET` when neither is set.
 */
export function requireDeploymentSecret(): string {
  return deploymentSecrets()[0]!;
}

/**
 * A key for one use (`label`), derived (HMAC-SHA256 as a PRF) from the
 * deployment secret ({@link requireDeploymentSecret}). A copy of the
 * database alone then gives no way to forge or brute-force what it protects.
 * Rotating the secret voids what is in flight.
 */
export function deploymentKey(label: string): Uint8Array {
  return derive(requireDeploymentSecret(), label);
}

/**
 * The key for `label` from each deployment secret that is set: first the one
 * {@link deploymentKey} uses, then the one from `JWT_PRIVATE_KEY` when
 * `AUTH_CODE_SECRET` is set too. For long-lived values (recovery codes),
 * so that setting `AUTH_CODE_SECRET` later does not void those keyed before.
 */
export function deploymentKeys(label: string): Uint8Array[] {
  return deploymentSecrets().map((secret) => derive(secret, label));
}
