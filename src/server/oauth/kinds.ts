/**
 * Names and lifetimes shared by the server and the component for the
 * redirect-based sign-ins (OAuth, magic links). Rows live in `verifiers`,
 * found by the hash of a value only the right party holds.
 */

/** A started OAuth flow, found by the hash of its `state`. */
export const OAUTH_FLOW = "oauth_flow";
/** The one-time code an OAuth callback hands the browser, found by its hash. */
export const OAUTH_CODE = "oauth_code";
/** A magic-link token, found by its hash. */
export const MAGIC_LINK = "magic_link";

/** How long a user may take at the OAuth provider. */
export const OAUTH_FLOW_TTL_MS = 10 * 60 * 1000;
/** How long the browser has to exchange the callback's code. */
export const OAUTH_CODE_TTL_MS = 2 * 60 * 1000;
