/**
 * `TOTP(options)`: authenticator-app codes (RFC 6238) as a second factor,
 * with recovery codes.
 *
 * Flows (`signIn("totp", params, verifier)`):
 * - `{ flow: "setup", name? }`, signed in: starts enrolling an authenticator.
 *   Returns `{ totpSetup: { uri, secret, totpId }, verifier }`; show `uri` as
 *   a QR code (and `secret` for typing in). The secret is never returned
 *   again. The factor counts only once confirmed. When the user already has a
 *   second factor, this needs step-up.
 * - `{ flow: "confirm", code }` with the set-up's verifier, signed in: a
 *   correct code activates the factor. Returns `{ tokens }` of a new session
 *   that counts as factor-verified (step-up), replacing the caller's session
 *   (which ends, `replaced`).
 * - `{ code }` or `{ recoveryCode }` with the verifier of `{ secondFactor }`
 *   (a password sign-in of a user with a second factor): finishes the sign-in.
 *
 * A wrong code keeps the verifier usable until it expires, so the person can
 * type again. Every attempt takes a token from the user's TOTP bucket (or
 * recovery-code bucket) BEFORE the code is checked, so concurrent guesses
 * cannot outnumber it (10 per hour by default); a right code gives it back.
 *
 * The flows (totp/flows.ts) are loaded (`import()`) when one runs.
 */
import type { AuthProvider, SecondFactorCodes } from "../server/provider.js";
import { resolveTotpOptions, type ResolvedTotpOptions, type TotpOptions } from "./totp/options.js";

export type { TotpOptions } from "./totp/options.js";

/** The TOTP provider; `Auth()` hands its settings to `auth.totp`. */
export interface TotpProvider extends AuthProvider {
  readonly type: "totp";
  /** The options with defaults filled in. */
  readonly config: ResolvedTotpOptions;
  /** Its settings and code checks, for `auth.totp` (loaded on demand). */
  readonly codes: SecondFactorCodes;
}

/** Authenticator-app codes as a second factor. See the module docs. */
export function TOTP(options: TotpOptions = {}): TotpProvider {
  const config = resolveTotpOptions(options);
  return {
    id: config.id,
    type: "totp",
    config,
    codes: {
      period: config.period,
      required: config.required,
      async acceptCode(deps, args) {
        const { acceptTotpCode } = await import("./totp/verify.js");
        await acceptTotpCode({ ...deps, config }, args);
      },
      async acceptRecoveryCode(deps, args) {
        const { acceptRecoveryCode } = await import("./totp/verify.js");
        await acceptRecoveryCode({ ...deps, config }, args);
      },
      async newRecoveryCodes(userId) {
        const { hashRecoveryCode, newRecoveryCodes } = await import("./totp/recovery.js");
        const codes = newRecoveryCodes();
        return { codes, hashes: codes.map((code) => hashRecoveryCode(code, userId)) };
      },
    },
    async signIn(sc, params) {
      const { totpFlows } = await import("./totp/flows.js");
      return await totpFlows(config).signIn(sc, params);
    },
  };
}
