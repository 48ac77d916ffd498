import { constantTimeEqual } from "@oslojs/crypto/subtle";

const encoder = new TextEncoder();

/**
 * Compares two stored hash strings (base64url digests) in constant time, so
 * how long a check takes says nothing about how much of a guess was right.
 */
export function hashesEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.length === right.length && constantTimeEqual(left, right);
}
