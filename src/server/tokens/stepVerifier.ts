/**
 * The verifier of a pending second-factor step (after a first factor, before
 * the second): `<userId>.<random>.<mac>`, the MAC (HMAC-SHA256 under a
 * deployment key) binding the user to the random part. The server reads
 * whose step it is without a database read, and nobody can make a verifier
 * that names another user, so a guess at a second factor always counts
 * against the user whose first factor passed. The step itself (single use,
 * expiry) lives in the component, found by the verifier's hash and taken by
 * `sessions.issue`.
 */
import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { deploymentKey } from "./deploymentKey.js";
import { newOpaqueToken } from "./opaqueToken.js";
import { hashSecret } from "./secretHash.js";

const encoder = new TextEncoder();
/** Longer than any Convex id plus a token and a MAC: anything longer is refused unread. */
const MAX_VERIFIER_LENGTH = 256;

function macOf(userId: string, random: string): Uint8Array {
  return hmac(SHA256, deploymentKey("second-factor step v1"), encoder.encode(`${userId}.${random}`));
}

/** A new step verifier for `userId`: the raw value for the client, the hash for the database. */
export function newStepVerifier(userId: string): { raw: string; hash: string } {
  const random = newOpaqueToken().raw;
  const raw = `${userId}.${random}.${encodeBase64urlNoPadding(macOf(userId, random))}`;
  return { raw, hash: hashSecret(raw) };
}

/** The user a step verifier was made for, or `null` when it is no verifier this deployment made. */
export function userOfStepVerifier(raw: string): string | null {
  if (raw.length > MAX_VERIFIER_LENGTH) return null;
  const parts = raw.split(".");
  if (parts.length !== 3) return null;
  const [userId, random, mac] = parts as [string, string, string];
  let given: Uint8Array;
  try {
    given = decodeBase64urlIgnorePadding(mac);
  } catch {
    return null;
  }
  const expected = macOf(userId, random);
  return given.length === expected.length && constantTimeEqual(given, expected) ? userId : null;
}
