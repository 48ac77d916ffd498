/**
 * RFC 6238 TOTP on `@oslojs/otp` (HOTP, RFC 4226, over HMAC-SHA-1): the
 * code of a time step, which step within the drift window a code belongs to,
 * and the `otpauth://` URI authenticator apps scan.
 */
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { generateHOTP, verifyHOTP } from "@oslojs/otp";

/** The parameters of a code: digits and seconds per step. */
export type OtpParams = { digits: number; period: number };

/** The time step (counter) of `timeMs` (Unix epoch, T0 = 0). */
export function stepAt(timeMs: number, period: number): number {
  return Math.floor(timeMs / (period * 1000));
}

/** The code of time step `step`. */
export function codeForStep(secret: Uint8Array, step: number, digits: number): string {
  return generateHOTP(secret, BigInt(step), digits);
}

/** The code at `timeMs` (RFC 6238's TOTP(K, T)). */
export function codeAt(secret: Uint8Array, timeMs: number, { digits, period }: OtpParams): string {
  return codeForStep(secret, stepAt(timeMs, period), digits);
}

/**
 * What a person typed, as a code: spaces removed; `null` unless exactly
 * `digits` ASCII digits remain.
 */
export function normalizeCode(input: unknown, digits: number): string | null {
  if (typeof input !== "string") return null;
  const code = input.replace(/\s+/g, "");
  return code.length === digits && /^[0-9]+$/.test(code) ? code : null;
}

/**
 * The step within `drift` steps of `nowMs` whose code is `code` and which is
 * later than `lastUsedStep` (a code of that step or an earlier one is never
 * accepted again), or `null`. Every candidate is computed and compared in
 * constant time, whichever matches.
 */
export function matchStep(
  secret: Uint8Array,
  code: string,
  { digits, period }: OtpParams,
  nowMs: number,
  drift: number,
  lastUsedStep: number | undefined,
): number | null {
  const now = stepAt(nowMs, period);
  let match: number | null = null;
  for (let step = now - drift; step <= now + drift; step++) {
    const fresh = lastUsedStep === undefined || step > lastUsedStep;
    if (verifyHOTP(secret, BigInt(step), digits, code) && fresh && match === null) match = step;
  }
  return match;
}

/**
 * The `otpauth://totp/<issuer>:<account>?secret=...&issuer=...` URI that
 * Google Authenticator, 1Password, Authy and others accept (as a QR code).
 * Every part is percent-encoded (RFC 3986): a space is `%20`, never `+`,
 * which some apps would show as a plus.
 */
export function keyUri(issuer: string, accountName: string, secret: Uint8Array, { digits, period }: OtpParams): string {
  const e = encodeURIComponent;
  const query = [
    `secret=${encodeBase32UpperCaseNoPadding(secret)}`,
    `issuer=${e(issuer)}`,
    "algorithm=SHA1",
    `digits=${digits}`,
    `period=${period}`,
  ].join("&");
  return `otpauth://totp/${e(issuer)}:${e(accountName)}?${query}`;
}
