/**
 * Access tokens signed with the app's own key (`JWT_PRIVATE_KEY` set; see
 * issuer.ts for the default, the deployment's key): short-lived RS256 JWTs
 * that Convex verifies through OIDC discovery (`auth.config.ts`: `{ domain:
 * CONVEX_SITE_URL, applicationID: "convex" }`, which `authConfig()` gives),
 * so `ctx.auth.getUserIdentity()` works in the host app.
 *
 * Claims: `iss` = the deployment's site URL, `aud` = "convex",
 * `sub` = `userId|sessionId`, `iat`, `exp`; an impersonation's token also
 * `act: { sub: adminUserId }` (RFC 8693's actor). Header: `alg: RS256`, `kid`,
 * `typ: JWT`. Signing uses only Web Crypto RS256 `sign` with an imported key
 * (no RNG), which Convex allows in every function type.
 *
 * @module
 */
import { authError } from "../errors.js";
import { subjectOf } from "../../shared/subject.js";
import { tokenLifetimeSeconds } from "../../shared/tokenLifetime.js";
import { ACCESS_TOKEN_AUDIENCE } from "./issuer.js";
import type { SigningKey } from "./signingKey.js";

/** Audience Convex checks against `applicationID` in `auth.config.ts`. */
export { ACCESS_TOKEN_AUDIENCE };
/** The subject's format (`userId|sessionId`), shared with the component, which signs it too. */
export { SUBJECT_SEPARATOR, parseSubject, subjectOf } from "../../shared/subject.js";
/** Default access token lifetime: 1 hour. */
export const DEFAULT_ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Signs an access token for `userId`'s session.
 *
 * `now` and `ttlMs` are milliseconds; `iat` is `now` in whole seconds and
 * `exp` is `iat` plus the whole seconds of `ttlMs`, cut to the session's
 * end (`sessionExpirationTime`, when given; at least 1 s).
 * `actorUserId` adds the `act` claim (the admin of an impersonation).
 *
 * @throws `CONFIGURATION` for a ttl under one second or an empty issuer,
 *   `INVALID_ARGUMENT` for ids that cannot form a subject.
 */
export async function signAccessToken(
  key: SigningKey,
  claims: {
    userId: string;
    sessionId: string;
    issuer: string;
    now: number;
    ttlMs: number;
    sessionExpirationTime?: number;
    actorUserId?: string;
  },
): Promise<string> {
  const { userId, sessionId, issuer, now, ttlMs, sessionExpirationTime, actorUserId } = claims;
  if (!Number.isFinite(ttlMs) || ttlMs < 1000) {
    throw authError(
      "CONFIGURATION",
      "The access token lifetime must be at least 1000 ms.",
    );
  }
  if (typeof issuer !== "string" || issuer === "") {
    throw authError("CONFIGURATION", "The access token issuer is empty.");
  }
  if (!Number.isFinite(now)) {
    throw authError("INVALID_ARGUMENT", "now must be a finite number.");
  }
  const iat = Math.floor(now / 1000);
  const seconds = Math.floor(ttlMs / 1000);
  const exp = iat + (sessionExpirationTime === undefined ? seconds : tokenLifetimeSeconds(seconds, sessionExpirationTime, now));
  // Loaded on first use: app modules that only read the user id stay light.
  const { SignJWT } = await import("jose");
  return await new SignJWT(actorUserId !== undefined ? { act: { sub: actorUserId } } : {})
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setSubject(subjectOf(userId, sessionId))
    .setIssuer(issuer)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.privateKey);
}

