/**
 * The `kind` of every row in the component's `verifiers` table, and the
 * lifetimes that go with them. The server, the providers and the component
 * all read and write these rows, so each name is defined once, here. Rows
 * are found by the hash of a value only the right party holds.
 */

/** A started OAuth flow, found by the hash of its `state`. */
export const OAUTH_FLOW = "oauth_flow";
/** The one-time code an OAuth callback hands the browser, found by its hash. */
export const OAUTH_CODE = "oauth_code";
/**
 * A magic-link token, found by its hash; its `challenge` is the hash of the
 * verifier of the client that asked for it, its `userId` the anonymous user
 * who asked (to upgrade), if any.
 */
export const MAGIC_LINK = "magic_link";
/**
 * A magic link that was used: the link's row, kept under the same hash until
 * it would have expired, its identity dropped, its `userId` the user it
 * signed in. Opening it again is recorded once as a replay (`code_refused`).
 */
export const MAGIC_LINK_USED = "magic_link_used";
/**
 * A pending confirmation of a magic link opened in a browser that did not
 * ask for it: found by the hash of the new verifier handed to that browser;
 * its `challenge` is the link token's hash.
 */
export const MAGIC_LINK_CONFIRM = "magic_link_confirm";
/** A pending second-factor step after a first factor (a password). */
export const SECOND_FACTOR_VERIFIER = "second_factor";
/** A WebAuthn challenge (passkey registration or sign-in ceremony). */
export const WEBAUTHN_VERIFIER = "webauthn";
/** A pending TOTP set-up, waiting for its confirming code. */
export const SETUP_VERIFIER = "totp_setup";

/** How long the person has to confirm a magic link opened elsewhere. */
export const MAGIC_LINK_CONFIRM_TTL_MS = 5 * 60 * 1000;
/** How long a user may take at the OAuth provider. */
export const OAUTH_FLOW_TTL_MS = 10 * 60 * 1000;
/**
 * How long after the start the sign-in URL may be opened: the starting
 * client navigates there at once, so a start link forwarded to another
 * person's browser has mostly expired by the time they click it.
 */
export const OAUTH_OPEN_TTL_MS = 60 * 1000;
/** How long the browser has to exchange the callback's code. */
export const OAUTH_CODE_TTL_MS = 2 * 60 * 1000;
