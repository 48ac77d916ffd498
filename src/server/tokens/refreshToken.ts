import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { randomBytes } from "../random.js";
import { hashSecret } from "./secretHash.js";

/** 256 bits of randomness, base64url: 43 characters. */
const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new refresh token: the raw value for the client, the hash for the database. */
export function newRefreshToken(): { raw: string; hash: string } {
  const raw = encodeBase64urlNoPadding(randomBytes(REFRESH_TOKEN_BYTES));
  return { raw, hash: hashSecret(raw) };
}

/** True when `value` has the shape of a refresh token this package issued. */
export function isRefreshTokenShaped(value: string): boolean {
  return REFRESH_TOKEN_SHAPE.test(value);
}
