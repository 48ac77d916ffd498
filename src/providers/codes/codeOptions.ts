/**
 * The one-time code options every provider that sends codes takes
 * (`codeLength`, `codeTtlMs`), checked once when the provider is made.
 */
import { authError } from "../../server/errors.js";

/** How long a one-time code lives by default (OWASP ASVS 4.0.3, 2.7.2: at most 10 minutes). */
export const DEFAULT_CODE_TTL_MS = 10 * 60 * 1000;
/** How many digits a one-time code has by default. */
export const DEFAULT_CODE_LENGTH = 8;

/**
 * `codeLength` (6 to 12 digits, default 8) and `codeTtlMs` (positive,
 * default 10 minutes) of `label()`'s options; `CONFIGURATION` otherwise.
 */
export function resolveCodeOptions(
  label: string,
  options: { codeLength?: number; codeTtlMs?: number },
): { codeLength: number; ttlMs: number } {
  const codeLength = options.codeLength ?? DEFAULT_CODE_LENGTH;
  const ttlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  if (!Number.isInteger(codeLength) || codeLength < 6 || codeLength > 12) {
    throw authError("CONFIGURATION", `${label}(): codeLength must be an integer from 6 to 12`);
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw authError("CONFIGURATION", `${label}(): codeTtlMs must be positive`);
  return { codeLength, ttlMs };
}
