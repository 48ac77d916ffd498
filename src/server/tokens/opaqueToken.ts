import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { randomBytes } from "../random.js";
import { hashSecret } from "./secretHash.js";

/** 256 bits of randomness, base64url: 43 characters. */
const OPAQUE_TOKEN_BYTES = 32;
const OPAQUE_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new opaque token (a refresh token, a verifier, a link or OAuth code, an
 * invite token): the raw value for its holder, the hash for the database.
 */
export function newOpaqueToken(): { raw: string; hash: string } {
  const raw = encodeBase64urlNoPadding(randomBytes(OPAQUE_TOKEN_BYTES));
  return { raw, hash: hashSecret(raw) };
}

/** True when `value` has the shape of an opaque token this package issued. */
export function isOpaqueTokenShaped(value: string): boolean {
  return OPAQUE_TOKEN_SHAPE.test(value);
}
