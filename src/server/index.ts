/**
 * What runs in the host app: `Auth()`, the sign-in flows, token minting, HTTP
 * routes, and the error contract every layer shares.
 *
 * @module
 */
export { Auth, sessionStateValidator, signInResultValidator, type AuthConfig } from "./auth.js";
export { authConfig, type AuthConfigOptions } from "./authConfig.js";
export {
  DEFAULT_OPTIONS,
  SESSION_PRESETS,
  type AuditOptions,
  type AuthOptions,
  type SessionOptions,
  type SessionPreset,
  type FailedAttemptOptions,
} from "./config.js";
export {
  SECOND_FACTOR_VERIFIER,
  isVerdict,
  type AuthProvider,
  type ProviderOutcome,
  type ProviderType,
  type SecretKind,
  type SignInContext,
  type SignInResult,
  type StepResult,
  type Tokens,
  type Verdict,
} from "./provider.js";
export {
  ERROR_CODES,
  authError,
  isAuthError,
  signInRefused,
  type AuthErrorCode,
  type AuthErrorData,
} from "./errors.js";
export { DEFAULT_HOOKS_FUNCTION } from "./hooks/config.js";
export type {
  AfterSignInArgs,
  AfterUserCreatedArgs,
  AfterUserDeletedArgs,
  AuthCallbacks,
  AuthEvent,
  AuthUser,
  BeforeSessionCreatedArgs,
  Callback,
  SecurityNoticeArgs,
  SecurityNoticeKind,
} from "./hooks/types.js";
export type { EventType } from "../shared/eventTypes.js";
export type { ComponentApi } from "../component/_generated/component.js";
export type { ApiKeyOptions, ApiKeyRateLimit } from "./apiKeys/options.js";
export { ApiKeyScopes, type ApiKeyScope } from "./apiKeys/scopes.js";
export type {
  AdminCreateApiKeyArgs,
  ApiKey,
  ApiKeyPatch,
  CreateApiKeyArgs,
  RotateApiKeyOptions,
  VerifiedApiKey,
} from "./helpers/key.js";
export type { StepUpStatus } from "./helpers/stepUp.js";
export type { AdminOptions } from "./helpers/admin.js";
export type { AdminFactorRef, UserDetail, UserListFilter, UserListPage } from "./helpers/user.js";
export type { Passkey } from "./helpers/passkey.js";
export type { LinkedAccount } from "./helpers/account.js";
export type { AuditEvent, AuditEventPage, AuditListArgs } from "./helpers/auditLog.js";
export type { TotpFactor } from "./helpers/totp.js";
export type { SecondFactorMethod } from "../shared/protocol.js";
export type {
  AcceptedInvite,
  CreateInviteArgs,
  Group,
  GroupWithMembership,
  Invite,
  InviteEmailCheck,
  InviteStatus,
  Member,
  MemberWithGroup,
} from "./helpers/group.js";
