/**
 * The error codes live in `src/shared/errors.ts` (the component, the server
 * and the client all need them); this module keeps the old import path.
 */
export { ERROR_CODES, authError, isAuthError, type AuthErrorCode, type AuthErrorData } from "../shared/errors.js";
