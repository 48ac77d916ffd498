/**
 * Opt-in check of a new password against known-compromised passwords
 * (NIST 800-63B 5.1.1.2), through the k-anonymity range API of Have I Been
 * Pwned's "Pwned Passwords": only the first five hex characters of the
 * password's SHA-1 leave the deployment; the service answers with every
 * known suffix under that prefix (padded with count-0 decoys), and the match
 * is made here.
 */
import { sha1 } from "@oslojs/crypto/sha1";
import { encodeHexUpperCase } from "@oslojs/encoding";
import { authError } from "../../server/errors.js";

/** Options of {@link isBreachedPassword}. */
export type BreachedPasswordOptions = {
  /** The range API's base URL (no trailing `/range`). Default `https://api.pwnedpasswords.com`. */
  baseUrl?: string;
  /** How long to wait for the whole answer before failing open. Default 3000 ms. */
  timeoutMs?: number;
  /** Refuse a password seen at least this many times. Default 1 (count-0 padding lines never count). */
  minCount?: number;
};

/** The public Pwned Passwords service. */
export const DEFAULT_BREACHED_BASE_URL = "https://api.pwnedpasswords.com";
/** Default of {@link BreachedPasswordOptions.timeoutMs}. */
export const DEFAULT_BREACHED_TIMEOUT_MS = 3000;

/** Characters of the SHA-1 (hex) sent to the service. */
const PREFIX_LENGTH = 5;

/**
 * Whether `password` appears in the breached-password corpus at least
 * `minCount` times: `true` breached, `false` not found, `null` when the check
 * could not be made (service unreachable, timed out, non-2xx answer). On
 * `null` the check FAILS OPEN: callers should accept the password; one
 * `console.warn` names the failure (never the password or its hash prefix).
 *
 * Uses `fetch`, so call it from an action only (Convex forbids `fetch` in
 * queries and mutations); the Password provider's flows run in the `signIn`
 * action.
 *
 * Throws `CONFIGURATION` for malformed options.
 */
export async function isBreachedPassword(
  password: string,
  options: BreachedPasswordOptions = {},
): Promise<boolean | null> {
  const { base, timeoutMs, minCount } = resolveOptions(options);
  const hash = encodeHexUpperCase(sha1(new TextEncoder().encode(password)));
  const prefix = hash.slice(0, PREFIX_LENGTH);
  const suffix = hash.slice(PREFIX_LENGTH);
  let body: string;
  try {
    const response = await fetch(`${base}/range/${prefix}`, {
      method: "GET",
      headers: { "Add-Padding": "true" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return failOpen(`the service answered HTTP ${response.status}`);
    }
    body = await response.text();
  } catch (error) {
    const name = typeof error === "object" && error !== null && "name" in error ? error.name : undefined;
    return failOpen(
      name === "TimeoutError" || name === "AbortError"
        ? `no answer within ${timeoutMs} ms`
        : "the service is unreachable",
    );
  }
  for (const line of body.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toUpperCase() !== suffix) continue;
    const count = Number.parseInt(line.slice(colon + 1).trim(), 10);
    return Number.isFinite(count) && count > 0 && count >= minCount;
  }
  return false;
}

function resolveOptions(options: BreachedPasswordOptions): {
  base: string;
  timeoutMs: number;
  minCount: number;
} {
  const baseUrl = options.baseUrl ?? DEFAULT_BREACHED_BASE_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw authError("CONFIGURATION", "breached.baseUrl must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw authError("CONFIGURATION", "breached.baseUrl must be an absolute http(s) URL");
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_BREACHED_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw authError("CONFIGURATION", "breached.timeoutMs must be a positive number of milliseconds");
  }
  const minCount = options.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) {
    throw authError("CONFIGURATION", "breached.minCount must be an integer of at least 1");
  }
  return { base: baseUrl.replace(/\/+$/, ""), timeoutMs, minCount };
}

/** Logs why the check was skipped (never the password or hash) and accepts. */
function failOpen(reason: string): null {
  console.warn(
    `convex-auth-kit: breached-password check skipped (${reason}); the password was accepted without it`,
  );
  return null;
}
