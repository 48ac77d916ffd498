/**
 * A refresh token @convex-dev/auth gave a client, taken once: its format is
 * `<refresh token id>|<session id>`, both document ids of the app's
 * `authRefreshTokens` and `authSessions` tables, and it works under that
 * library's rules: the token and its session exist, belong together and
 * have not expired. Here it is single use as well: taking it deletes its
 * session (so no token of that session works again) and marks it used.
 */
import type { GenericDatabaseWriter, GenericDataModel } from "convex/server";
import { isLegacyRefreshTokenShaped } from "../tokens/legacyRefreshToken.js";
import type { LegacyTables } from "./options.js";

type Db = GenericDatabaseWriter<GenericDataModel>;

/**
 * Takes the legacy refresh token `raw`, in the caller's transaction, and
 * returns the legacy user it signed in, or `null` (nothing written) when
 * it does not work: malformed, forged (ids of no such documents, a token
 * of another session), expired, used before, or of a session that ended.
 * Two callers racing with one token conflict on the session's deletion:
 * one of them gets the user, the other `null`.
 */
export async function takeLegacyRefreshToken(
  db: Db,
  tables: LegacyTables,
  raw: string,
): Promise<{ legacyUserId: string } | null> {
  if (!isLegacyRefreshTokenShaped(raw)) return null;
  const parts = raw.split("|");
  const tokenId = db.normalizeId(tables.refreshTokens, parts[0]!);
  const sessionId = db.normalizeId(tables.sessions, parts[1]!);
  if (tokenId === null || sessionId === null) return null;
  const token = (await db.get(tokenId)) as { sessionId?: unknown; expirationTime?: unknown; firstUsedTime?: unknown } | null;
  const now = Date.now();
  if (token === null || token.sessionId !== sessionId) return null;
  if (typeof token.expirationTime !== "number" || token.expirationTime <= now || token.firstUsedTime !== undefined) return null;
  const session = (await db.get(sessionId)) as { userId?: unknown; expirationTime?: unknown } | null;
  if (session === null || typeof session.userId !== "string") return null;
  if (typeof session.expirationTime !== "number" || session.expirationTime <= now) return null;
  await db.delete(sessionId);
  await db.patch(tokenId, { firstUsedTime: now });
  return { legacyUserId: session.userId };
}
