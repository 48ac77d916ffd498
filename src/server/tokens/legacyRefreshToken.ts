/**
 * The shape of a refresh token @convex-dev/auth gave its clients:
 * `<refresh token id>|<session id>` (two Convex document ids), at most 200
 * characters. Ours never has a `|`. Exchanged once by the migration
 * (src/server/migrate/legacySession.ts); `refresh` refuses it with `LEGACY_TOKEN`.
 */
export function isLegacyRefreshTokenShaped(value: string): boolean {
  return value.length <= 200 && /^[^|]+\|[^|]+$/.test(value);
}
