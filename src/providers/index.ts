/**
 * Sign-in providers, one file each. Pass them to `Auth({ providers })`.
 *
 * @module
 */
export { Password, type PasswordOptions, type PasswordProvider, type CodeDelivery } from "./Password.js";
export { DEFAULT_ARGON2ID, type Argon2idParams } from "./password/hash.js";
export type { AuthProvider, ProviderType } from "../server/provider.js";
