/**
 * What runs in the host app: the `Auth()` wrapper, sign-in flows, token
 * minting and HTTP routes land here (see DESIGN.md). Today it exports the
 * error contract every layer shares.
 *
 * @module
 */
export {
  ERROR_CODES,
  authError,
  isAuthError,
  type AuthErrorCode,
  type AuthErrorData,
} from "./errors.js";
export type { ComponentApi } from "../component/_generated/component.js";
