/**
 * The React binding: `ConvexAuthProvider`, `useAuthActions` and
 * `useAuthToken` land here, on the framework-free core in `src/client`.
 * Today it exports the error helper the UI uses.
 *
 * @module
 */
export { authErrorCode } from "../errors.js";
export type { AuthErrorCode } from "../../server/errors.js";
