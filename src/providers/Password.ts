/**
 * `Password(options)`: email + password sign-in, with an optional username
 * beside the email.
 *
 * Flows (`signIn("password", { flow, ... })`):
 * - `signUp` `{ email, password, name?, username? }`: creates the user and
 *   signs in (or, with `sendVerificationCode`, sends a code and returns
 *   `{ started: true }`); a taken username is `USERNAME_TAKEN`. Signed in
 *   as a guest, the guest's own user gets the account (same id and data)
 *   and its session goes on;
 * - `signIn` `{ email, password }` or `{ username, password }`;
 * - `reset` `{ email }`: sends a reset code (always `{ started: true }`, so
 *   the answer never says whether the email has an account);
 * - `resetVerification` `{ email, code, newPassword }`: sets the password,
 *   ends every session and signs in;
 * - `emailVerification` `{ email, code }`: marks the email verified and signs in;
 * - `reauthenticate` `{ password }` (signed in): proves the password again,
 *   so this session may make sensitive changes for a while (step-up for
 *   users without a second factor); the session goes on with fresh tokens.
 *
 * Passwords are hashed with argon2id (OWASP minimum, m=19 MiB t=2 p=1) in the
 * `signIn` action, never in a query or mutation; a stored hash weaker than the
 * configured setting, or one imported from @convex-dev/auth (its scrypt), is
 * upgraded at the next sign-in. Wrong passwords and
 * codes count against the identifier's failed-attempt bucket.
 *
 * The flows (password/flows.ts, with argon2id and the password rules) are
 * loaded (`import()`) when one runs, so a function module that only imports
 * `auth` bundles none of them.
 */
import type { ActionCtx, ChangesPassword } from "../server/provider.js";
import type { Argon2idParams } from "./password/params.js";
import { resolveCodeOptions } from "./codes/codeOptions.js";
import { resolvePasswordLength } from "./password/length.js";
import type { PasswordPolicy, PasswordValidator } from "./password/rules.js";

/** What the app's send functions receive. */
export type CodeDelivery = { email: string; code: string; expiresAt: number };

/** Options of {@link Password}. */
export type PasswordOptions = {
  /** Provider id for `signIn(id, ...)`. Default `"password"`. */
  id?: string;
  /** argon2id cost. Default OWASP's minimum: `{ memoryKiB: 19456, iterations: 2, parallelism: 1 }`. */
  hash?: Argon2idParams;
  /** Extra rules for new passwords: return a message to refuse. */
  validatePassword?: PasswordValidator;
  /**
   * Rules for new passwords. Length: `minLength` (default 12, as OWASP ASVS
   * 4.0.3 Level 2 asks; at least 8, NIST 800-63B's minimum, for apps that
   * also require a second factor) and `maxLength` (default 128, more is
   * refused; from 64 to 256); a bound out of range is `CONFIGURATION` when
   * `Password()` runs. Checks against known passwords: `common` (default on) refuses
   * the most common passwords from a built-in list; `breached` (default off)
   * asks a k-anonymity range API (Have I Been Pwned's by default) whether
   * the password appeared in a breach; only the first five hex characters
   * of its SHA-1 leave the deployment, and an unreachable service lets the
   * password through with a logged warning.
   */
  passwordPolicy?: PasswordPolicy;
  /** Delivers a password reset code (e.g. by email). Enables `reset` flows. */
  sendResetCode?: (ctx: ActionCtx, delivery: CodeDelivery) => Promise<void>;
  /** Delivers an email verification code. When set, an email must be verified before sign-in. */
  sendVerificationCode?: (ctx: ActionCtx, delivery: CodeDelivery) => Promise<void>;
  /** Digits in a code: 6 to 12, default 8 (`CONFIGURATION` otherwise, when `Password()` runs). */
  codeLength?: number;
  /** How long a code works, in ms: positive, default 10 minutes. */
  codeTtlMs?: number;
  /**
   * Usernames beside the email (docs/password.md, "Usernames"). By default
   * (`{}`) a sign-up may give a `username` and `signIn` takes `username` in
   * place of `email`; the email stays required. `required: true`: a sign-up
   * must give one. `false`: no usernames (a `username` param is
   * `INVALID_ARGUMENT`).
   */
  usernames?: false | { required?: boolean };
  /** Maps sign-up params to profile fields (`name` by default). */
  profile?: (params: Record<string, unknown>) => { name?: string; image?: string; extend?: unknown };
};

/** The Password provider, with the helper `auth.password.change` uses. */
export type PasswordProvider = ChangesPassword;

/** Sign-in with an email (or a username) and a password. */
export function Password(options: PasswordOptions = {}): PasswordProvider {
  // A length bound out of range fails here, at module load, not at a sign-up.
  resolvePasswordLength(options.passwordPolicy);
  resolveCodeOptions("Password", options);
  const flows = async () => (await import("./password/flows.js")).passwordFlows(options);
  return {
    id: options.id ?? "password",
    type: "credentials",
    async signIn(sc, params) {
      return await (await flows()).signIn(sc, params);
    },
    async changePassword(sc, session, args) {
      await (await flows()).changePassword(sc, session, args);
    },
  };
}
