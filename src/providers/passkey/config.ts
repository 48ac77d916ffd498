/**
 * The Passkey provider's options and their defaults (the relying party
 * they and `SITE_URL` give a ceremony is `relyingParty.ts`).
 */
import { authError } from "../../server/errors.js";

/** COSE algorithm identifiers: EdDSA (Ed25519), ES256 (P-256), RS256. */
export const COSE = { EdDSA: -8, ES256: -7, RS256: -257 } as const;

export type UserVerification = "required" | "preferred" | "discouraged";

/** Options of `Passkey(...)`. */
export type PasskeyOptions = {
  /** Provider id for `signIn(id, ...)`. Default `"passkey"`. */
  id?: string;
  /** The name authenticators show for your app. Default: the RP ID. */
  rpName?: string;
  /**
   * The relying party ID: your site's domain (a passkey works on it and its
   * subdomains). Default: the host name of the first origin.
   */
  rpID?: string;
  /**
   * Where the ceremony may run: the exact origin(s) of your web app, e.g.
   * `"https://app.example.com"`. Default: the deployment's `SITE_URL`, all
   * of its sites (patterns too) that lie on the RP ID's domain.
   */
  origin?: string | string[];
  /**
   * User verification (PIN, biometrics) asked of the authenticator when
   * registering and signing in. `"required"` refuses responses without it.
   * Default `"preferred"`. (As a second factor after a password it is
   * always `"discouraged"`: the password was the knowledge factor.)
   */
  userVerification?: UserVerification;
  /** Attestation to ask for. Default `"none"` (the privacy-friendly choice for passkeys). */
  attestation?: "none" | "direct" | "enterprise";
  /**
   * Which authenticators may register. Default `{ residentKey: "required" }`:
   * discoverable credentials, so users sign in without typing a name.
   */
  authenticatorSelection?: {
    authenticatorAttachment?: "platform" | "cross-platform";
    residentKey?: "required" | "preferred" | "discouraged";
  };
  /**
   * COSE algorithms accepted, most preferred first. Default EdDSA, ES256,
   * RS256 (`[-8, -7, -257]`).
   */
  algorithms?: number[];
  /** How long a challenge stays valid (and the browser's timeout). Default 5 minutes. */
  challengeTtlMs?: number;
  /** Allow `flow: "signUp"` (a new user with a passkey). Default true. */
  allowSignUp?: boolean;
  /**
   * Adding a passkey to a signed-in user (`flow: "register"`) needs a session
   * started, or step-up verified with a second factor, within this long;
   * otherwise `STEP_UP_REQUIRED`. A passkey is a lasting way in, so this
   * keeps a stolen access token from planting one. Default 10 minutes;
   * `null` for no limit. Guests (anonymous users) are exempt: a passkey is
   * how they keep their account.
   */
  freshSessionMs?: number | null;
};

/** How recently a session must have started (or verified a factor) to add a passkey, by default. */
export const DEFAULT_FRESH_SESSION_MS = 10 * 60 * 1000;

/** Options with defaults filled in (the relying party is resolved per call). */
export type ResolvedPasskeyOptions = {
  id: string;
  rpName?: string;
  rpID?: string;
  origin?: string[];
  userVerification: UserVerification;
  attestation: "none" | "direct" | "enterprise";
  authenticatorSelection: NonNullable<PasskeyOptions["authenticatorSelection"]>;
  algorithms: number[];
  challengeTtlMs: number;
  allowSignUp: boolean;
  freshSessionMs?: number;
};

const SUPPORTED = new Set<number>([COSE.EdDSA, COSE.ES256, COSE.RS256]);

/** Checks the options once, when `Passkey()` runs (at module load), so a bad setting fails the deploy (`CONFIGURATION`). */
export function resolvePasskeyOptions(options: PasskeyOptions): ResolvedPasskeyOptions {
  const ttl = options.challengeTtlMs ?? 5 * 60 * 1000;
  if (!Number.isFinite(ttl) || ttl < 10_000 || ttl > 60 * 60 * 1000) {
    throw authError("CONFIGURATION", "Passkey(): challengeTtlMs must be between 10 s and 1 hour");
  }
  const algorithms = options.algorithms ?? [COSE.EdDSA, COSE.ES256, COSE.RS256];
  if (algorithms.length === 0 || algorithms.some((alg) => !SUPPORTED.has(alg))) {
    throw authError("CONFIGURATION", "Passkey(): algorithms must be a non-empty list of -8 (EdDSA), -7 (ES256), -257 (RS256)");
  }
  const origin =
    options.origin === undefined
      ? undefined
      : [options.origin].flat().map((o) => checkOrigin(o, (message) => authError("CONFIGURATION", `Passkey(): ${message}`)));
  if (origin !== undefined && origin.length === 0) throw authError("CONFIGURATION", "Passkey(): origin must name at least one origin");
  const fresh = options.freshSessionMs === null ? undefined : (options.freshSessionMs ?? DEFAULT_FRESH_SESSION_MS);
  if (fresh !== undefined && (!Number.isFinite(fresh) || fresh <= 0)) {
    throw authError("CONFIGURATION", "Passkey(): freshSessionMs must be a positive number");
  }
  return {
    id: options.id ?? "passkey",
    rpName: options.rpName,
    rpID: options.rpID,
    origin,
    userVerification: options.userVerification ?? "preferred",
    attestation: options.attestation ?? "none",
    authenticatorSelection: { residentKey: "required", ...options.authenticatorSelection },
    algorithms: [...algorithms],
    challengeTtlMs: ttl,
    allowSignUp: options.allowSignUp ?? true,
    ...(fresh !== undefined ? { freshSessionMs: fresh } : {}),
  };
}

/** An http(s) origin (`scheme://host[:port]`), as browsers report it in `clientDataJSON`. */
function checkOrigin(value: string, fail: (message: string) => Error): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw fail(`${value} is not an http(s) URL`);
  return url.origin;
}
