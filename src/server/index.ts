/**
 * What runs in the host app: `Auth()`, the sign-in flows, token minting, HTTP
 * routes, and the error contract every layer shares.
 *
 * @module
 */
export { Auth, signInResultValidator, type AuthConfig } from "./auth.js";
export { DEFAULT_OPTIONS, type AuthOptions, type SessionOptions, type FailedAttemptOptions } from "./config.js";
export {
  SECOND_FACTOR_VERIFIER,
  type AuthProvider,
  type FirstFactor,
  type ProviderType,
  type SignInContext,
  type SignInResult,
  type Tokens,
} from "./provider.js";
export {
  ERROR_CODES,
  authError,
  isAuthError,
  type AuthErrorCode,
  type AuthErrorData,
} from "./errors.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { ApiKeyOptions, ApiKeyRateLimit } from "./apiKeys/options.js";
export { ApiKeyScopes, type ApiKeyScope } from "./apiKeys/scopes.js";
export type { ApiKey, ApiKeyPatch, CreateApiKeyArgs, VerifiedApiKey } from "./helpers/key.js";
export type {
  AcceptedInvite,
  CreateInviteArgs,
  Group,
  GroupWithMembership,
  Invite,
  InviteEmailCheck,
  InviteStatus,
  Member,
} from "./helpers/group.js";
