/**
 * Everything about one user an admin looks at (`users.detail`), read in one
 * transaction with every list capped, so the cost is bounded whatever the
 * user holds. No secret leaves: no password hash, no TOTP secret, no token
 * or key hash.
 */
import { v } from "convex/values";
import type { Doc } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";
import { accountSummary, publicAccount } from "./accounts.js";
import { apiKeyDoc, publicKey } from "./apiKeys.js";
import { memberWithGroupDoc } from "./groups.js";
import { passkeyDoc, passkeysOf, publicPasskey } from "./passkeys.js";
import { countUnusedRecoveryCodes, factorsOf, publicTotpFactor, totpFactorDoc, MAX_TOTP_FACTORS } from "./totp.js";

/** How many of each list the detail holds at most (the rest: `truncated`). */
export const DETAIL_CAPS = {
  accounts: 20,
  /** The default `maxSessionsPerUser`. */
  sessions: 50,
  totpFactors: MAX_TOTP_FACTORS,
  apiKeys: 50,
  groups: 50,
} as const;

/** A session as an admin sees it. */
export const sessionSummary = v.object({
  _id: v.id("sessions"),
  /** When it started (the sign-in). */
  _creationTime: v.number(),
  expirationTime: v.number(),
  /** The device's user agent, when the sign-in came with one. */
  userAgent: v.optional(v.string()),
  /** The client's IP address, when the deployment passed one. */
  ip: v.optional(v.string()),
  factorVerifiedTime: v.optional(v.number()),
  /** Set on an impersonation: the admin acting as the user in it. */
  impersonatorUserId: v.optional(v.id("users")),
  /** When it was last used: its newest refresh token was issued (the sign-in or the last refresh). */
  lastUsedTime: v.number(),
  /** Not expired, and refreshed within the inactivity window. */
  live: v.boolean(),
});

/** Which lists were cut at their cap (passkeys never are: a user holds at most 100). */
const truncated = v.object({
  accounts: v.boolean(),
  sessions: v.boolean(),
  totpFactors: v.boolean(),
  apiKeys: v.boolean(),
  groups: v.boolean(),
});

/** The detail, but the user (users.ts adds its `userDoc`). */
export const detailFields = {
  /** By provider. */
  accounts: v.array(accountSummary),
  /** Newest first. */
  sessions: v.array(sessionSummary),
  /** Active and pending ones (a pending one has no `activatedTime`), oldest first. */
  totpFactors: v.array(totpFactorDoc),
  /** All of them (a user holds at most 100), oldest first. */
  passkeys: v.array(passkeyDoc),
  recoveryCodesLeft: v.number(),
  /** Metadata only, newest first, revoked and expired ones included. */
  apiKeys: v.array(apiKeyDoc),
  /** Memberships with their group and role, oldest first. */
  groups: v.array(memberWithGroupDoc),
  truncated,
};

/** At most `cap` of `rows` and whether there were more (`rows` was read with `cap + 1`). */
function capped<T>(rows: T[], cap: number): { rows: T[]; more: boolean } {
  return { rows: rows.slice(0, cap), more: rows.length > cap };
}

/** The detail of `user`. */
export async function userDetail(ctx: QueryCtx, user: Doc<"users">) {
  const userId = user._id;
  const now = Date.now();
  const accounts = capped(
    await ctx.db
      .query("accounts")
      .withIndex("by_user_provider", (q) => q.eq("userId", userId))
      .take(DETAIL_CAPS.accounts + 1),
    DETAIL_CAPS.accounts,
  );
  const sessions = capped(
    await ctx.db
      .query("sessions")
      .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
      .order("desc")
      .take(DETAIL_CAPS.sessions + 1),
    DETAIL_CAPS.sessions,
  );
  const totp = capped(await factorsOf(ctx, userId), DETAIL_CAPS.totpFactors);
  // A user holds at most MAX_PASSKEYS_PER_USER (100): passkeysOf reads them all.
  const passkeys = await passkeysOf(ctx, userId);
  const apiKeys = capped(
    await ctx.db
      .query("apiKeys")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .order("desc")
      .take(DETAIL_CAPS.apiKeys + 1),
    DETAIL_CAPS.apiKeys,
  );
  const members = capped(
    await ctx.db
      .query("members")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .take(DETAIL_CAPS.groups + 1),
    DETAIL_CAPS.groups,
  );
  const groups = [];
  for (const member of members.rows) {
    const group = await ctx.db.get(member.groupId);
    // A group being deleted is gone already; its memberships follow.
    if (group !== null) groups.push({ ...member, group });
  }
  return {
    accounts: accounts.rows.map(publicAccount),
    sessions: await Promise.all(sessions.rows.map((session) => sessionSummaryOf(ctx, session, now))),
    totpFactors: totp.rows.map(publicTotpFactor),
    passkeys: passkeys.map(publicPasskey),
    recoveryCodesLeft: await countUnusedRecoveryCodes(ctx, userId),
    apiKeys: apiKeys.rows.map(publicKey),
    groups,
    truncated: {
      accounts: accounts.more,
      sessions: sessions.more,
      totpFactors: totp.more,
      apiKeys: apiKeys.more,
      groups: members.more,
    },
  };
}

/** A session with when it was last used (its newest refresh token: one indexed read). */
async function sessionSummaryOf(ctx: QueryCtx, session: Doc<"sessions">, now: number) {
  const newest = await ctx.db
    .query("refreshTokens")
    .withIndex("by_session", (q) => q.eq("sessionId", session._id))
    .order("desc")
    .first();
  return {
    _id: session._id,
    _creationTime: session._creationTime,
    expirationTime: session.expirationTime,
    ...(session.userAgent !== undefined ? { userAgent: session.userAgent } : {}),
    ...(session.ip !== undefined ? { ip: session.ip } : {}),
    ...(session.factorVerifiedTime !== undefined ? { factorVerifiedTime: session.factorVerifiedTime } : {}),
    ...(session.impersonatorUserId !== undefined ? { impersonatorUserId: session.impersonatorUserId } : {}),
    lastUsedTime: newest?._creationTime ?? session._creationTime,
    live: session.expirationTime > now && newest !== null && newest.expirationTime > now,
  };
}
