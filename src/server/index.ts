/**
 * What runs in the host app: `Auth()`, the sign-in flows, token minting, HTTP
 * routes, and the error contract every layer shares.
 *
 * @module
 */
export { Auth, signInResultValidator, type AuthConfig } from "./auth.js";
export { DEFAULT_OPTIONS, type AuthOptions, type SessionOptions, type FailedAttemptOptions } from "./config.js";
export type { AuthProvider, ProviderType, SignInContext, SignInResult, Tokens } from "./provider.js";
export {
  ERROR_CODES,
  authError,
  isAuthError,
  type AuthErrorCode,
  type AuthErrorData,
} from "./errors.js";
export type { ComponentApi } from "../component/_generated/component.js";
