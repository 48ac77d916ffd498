/**
 * The shape of the password hashes @convex-dev/auth stores by default
 * (Lucia's `Scrypt`): `<salt>:<key>`, a 32-character lower-case hex salt
 * (used as text) and the 64-byte key in lower-case hex. The Password
 * provider verifies them (src/providers/password/legacyScrypt.ts); the
 * migration counts them.
 */
export const CONVEX_AUTH_HASH = /^([0-9a-f]{32}):([0-9a-f]{128})$/;

/** Whether `stored` has the shape of an @convex-dev/auth default password hash. */
export function isConvexAuthHash(stored: unknown): stored is string {
  return typeof stored === "string" && CONVEX_AUTH_HASH.test(stored);
}
