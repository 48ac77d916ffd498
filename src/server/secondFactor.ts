/**
 * The second-factor policy, in one place for every factor (TOTP codes,
 * recovery codes, two-factor passkeys):
 * - who needs one: a user with an active TOTP factor or a passkey registered
 *   for two-factor (the component reads this in the transaction that
 *   issues a session: `hasSecondFactor`);
 * - what a first factor then gets: a pending step (`{ secondFactor:
 *   { methods }, verifier }`, 5 minutes), finished by any of those factors;
 * - whether the app requires two-factor authentication (`TOTP({ required:
 *   true })`): then removing a user's last second factor, TOTP or two-factor
 *   passkey alike, is refused with `LAST_FACTOR`.
 */
import type { AuthProvider } from "./provider.js";

/** How long a pending second-factor step waits for its factor. */
export const SECOND_FACTOR_STEP_TTL_MS = 5 * 60 * 1000;

/** What the app asks of second factors. */
export type SecondFactorPolicy = {
  /** Users who have a second factor must keep at least one. */
  required: boolean;
};

/** The policy from the configured providers (a `TOTP({ required: true })` turns `required` on). */
export function secondFactorPolicy(providers: readonly AuthProvider[]): SecondFactorPolicy {
  const required = providers.some(
    (p) => p.type === "totp" && (p as { config?: { required?: unknown } }).config?.required === true,
  );
  return { required };
}
