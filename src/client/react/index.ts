/**
 * The React binding: `ConvexAuthProvider`, `useAuthActions`, `useAuthToken`,
 * on the framework-free client in `src/client`.
 *
 * @module
 */
export {
  ConvexAuthProvider,
  useAuthActions,
  useAuthToken,
  usePendingSignIn,
  usePendingStep,
  type ConvexAuthProviderProps,
} from "./ConvexAuthProvider.js";
export { authErrorCode } from "../errors.js";
export { memoryStorage, type TokenStorage } from "../storage.js";
export type {
  AuthTransport,
  PendingStep,
  SecondFactorMethod,
  SessionState,
  SignInArgs,
  SignInOutcome,
  SignInResult,
  Tokens,
} from "../protocol.js";
export type { AuthActionNames } from "../transport.js";
export type { AuthErrorCode } from "../../shared/errors.js";
