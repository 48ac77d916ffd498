/**
 * Sign-in providers (Password, Passkey, TOTP, Email/Phone codes, Anonymous,
 * OAuth via `@auth/core`), one file each. Today it exports the contract every
 * provider meets.
 *
 * @module
 */

/** The kinds of provider `Auth({ providers })` accepts. */
export type ProviderType = "credentials" | "passkey" | "totp" | "email" | "phone" | "anonymous" | "oauth";

/** What every provider is: a unique id (the first argument of `signIn`) and its type. */
export interface AuthProviderConfig {
  /** The name the client passes to `signIn(id, params)`, e.g. `"password"`. */
  readonly id: string;
  readonly type: ProviderType;
}
