import { v } from "convex/values";
import type { Id } from "./_generated/dataModel.js";
import { mutation, query, type MutationCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import {
  apiKeyDoc,
  bucketForNewLimit,
  checkRateLimit,
  ownedKey,
  publicKey,
  recordKeyEvent,
  takeToken,
} from "./model/apiKeys.js";
import { apiKeyRateLimit, apiKeyScope } from "./schema.js";
import { auditOf, auditPolicy, type Audit } from "./model/events.js";

/**
 * API keys, as a data layer: the server generates the raw key, hashes it and
 * hands over only the hash and a display prefix; scopes arrive already checked
 * against the app's scope set. The component keeps the invariants: a hash
 * is unique, revoked is final, a key belongs to one user.
 *
 * Six functions: `create` (also replacing a key: rotation), `verify`,
 * `list` (also one key by id), `update`, `revoke`, `remove`. The ones taking
 * an optional `userId` act only on that user's keys when it is given.
 */

/** Most keys `list` returns. */
const LIST_MAX = 1000;

/** `INVALID_ARGUMENT` when `keyHash` is already some key's. */
async function assertHashFree(ctx: MutationCtx, keyHash: string): Promise<void> {
  const taken = await ctx.db
    .query("apiKeys")
    .withIndex("by_hash", (q) => q.eq("keyHash", keyHash))
    .first();
  if (taken !== null) throw authError("INVALID_ARGUMENT", "This key hash is in use");
}

/**
 * Stores a new key (`keyHash`, `displayPrefix`) and returns its id.
 *
 * Without `replaces`: a key of `userId` with `name`, `scopes` and the
 * optional `rateLimit` and `expirationTime` (`null`: none). `NOT_FOUND` when
 * the user does not exist (also for a string that is no user id),
 * `INVALID_ARGUMENT` without `userId`, `name` or `scopes`.
 *
 * With `replaces: keyId` (rotation): the new key copies the old one's user,
 * name, scopes, rate limit (and the tokens already used) and expiry (unless
 * `expirationTime` is given; `null` for none), and the old key is revoked in
 * the same transaction. `NOT_FOUND` for an unknown key (or, with `userId`,
 * someone else's), `API_KEY_REVOKED` for a revoked one, `API_KEY_EXPIRED`
 * for an expired one unless it is given a new expiry; `INVALID_ARGUMENT`
 * with `name`, `scopes` or `rateLimit` (change those with `update`). A
 * refused call writes nothing. Recorded as `api_key_created` /
 * `api_key_rotated`, with `actorUserId` (who did it, when not the key's
 * user: an admin; `INVALID_ARGUMENT` for a string that is no user id).
 */
export const create = mutation({
  args: {
    userId: v.optional(v.string()),
    name: v.optional(v.string()),
    keyHash: v.string(),
    displayPrefix: v.string(),
    scopes: v.optional(v.array(apiKeyScope)),
    rateLimit: v.optional(apiKeyRateLimit),
    expirationTime: v.optional(v.union(v.number(), v.null())),
    replaces: v.optional(v.string()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.id("apiKeys"),
  handler: async (ctx, args) => {
    const audit = await auditOf(ctx, args);
    if (args.replaces !== undefined) return await replaceKey(ctx, { ...args, replaces: args.replaces }, audit);
    const { name, scopes } = args;
    if (args.userId === undefined || name === undefined || scopes === undefined) {
      throw authError("INVALID_ARGUMENT", "A new key needs a userId, a name and scopes (or replaces)");
    }
    checkRateLimit(args.rateLimit);
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    await assertHashFree(ctx, args.keyHash);
    const keyId = await ctx.db.insert("apiKeys", {
      userId,
      name,
      keyHash: args.keyHash,
      displayPrefix: args.displayPrefix,
      scopes,
      ...(args.rateLimit !== undefined ? { rateLimit: args.rateLimit } : {}),
      ...(typeof args.expirationTime === "number" ? { expirationTime: args.expirationTime } : {}),
    });
    await recordKeyEvent(ctx, "api_key_created", userId, { keyId, name }, audit);
    return keyId;
  },
});

/** `create` with `replaces`: see there. */
async function replaceKey(
  ctx: MutationCtx,
  args: {
    userId?: string;
    name?: string;
    keyHash: string;
    displayPrefix: string;
    scopes?: unknown;
    rateLimit?: unknown;
    expirationTime?: number | null;
    replaces: string;
  },
  audit: Audit,
): Promise<Id<"apiKeys">> {
  if (args.name !== undefined || args.scopes !== undefined || args.rateLimit !== undefined) {
    throw authError("INVALID_ARGUMENT", "A replacing key copies the old key's name, scopes and rate limit; change them with update");
  }
  const now = Date.now();
  const old = await ownedKey(ctx, args.replaces, args.userId);
  if (old.revokedTime !== undefined) throw authError("API_KEY_REVOKED", "This API key was revoked");
  const expirationTime = args.expirationTime === undefined ? old.expirationTime : (args.expirationTime ?? undefined);
  if (expirationTime !== undefined && expirationTime <= now) {
    throw authError("API_KEY_EXPIRED", "This API key has expired; give the new key an expiry");
  }
  await assertHashFree(ctx, args.keyHash);
  await ctx.db.patch(old._id, { revokedTime: now });
  const keyId = await ctx.db.insert("apiKeys", {
    userId: old.userId,
    name: old.name,
    keyHash: args.keyHash,
    displayPrefix: args.displayPrefix,
    scopes: old.scopes,
    ...(old.rateLimit !== undefined ? { rateLimit: old.rateLimit } : {}),
    ...(old.bucket !== undefined ? { bucket: old.bucket } : {}),
    ...(expirationTime !== undefined ? { expirationTime } : {}),
  });
  await recordKeyEvent(ctx, "api_key_rotated", old.userId, { keyId: old._id, newKeyId: keyId }, audit);
  return keyId;
}

/**
 * Checks a key by its hash, for one request: one index lookup, then one
 * patch of the key (`lastUsedTime`, and the token bucket when it has a rate
 * limit), so 2 documents read (the patch reads the key again) and 1 written,
 * however many keys exist. The user is not read: deleting a user deletes
 * their keys.
 *
 * Never throws for a bad key: `invalid` (unknown),
 * `revoked`, `expired`, `rate_limited` (no token taken; `retryAfterMs` until
 * one is back) or `ok`.
 */
export const verify = mutation({
  args: { keyHash: v.string() },
  returns: v.union(
    v.object({
      status: v.literal("ok"),
      keyId: v.id("apiKeys"),
      userId: v.id("users"),
      name: v.string(),
      scopes: v.array(apiKeyScope),
    }),
    v.object({ status: v.literal("invalid") }),
    v.object({ status: v.literal("revoked") }),
    v.object({ status: v.literal("expired") }),
    v.object({ status: v.literal("banned") }),
    v.object({ status: v.literal("rate_limited"), retryAfterMs: v.number() }),
  ),
  handler: async (ctx, { keyHash }) => {
    const now = Date.now();
    const key = await ctx.db
      .query("apiKeys")
      .withIndex("by_hash", (q) => q.eq("keyHash", keyHash))
      .first();
    if (key === null) return { status: "invalid" as const };
    if (key.revokedTime !== undefined) return { status: "revoked" as const };
    if (key.expirationTime !== undefined && key.expirationTime <= now) return { status: "expired" as const };
    // Its user is banned (see `users.ban`): the suspension is on the key, so the user is not read.
    if (key.suspension !== undefined && (key.suspension.expirationTime === undefined || key.suspension.expirationTime > now)) {
      return { status: "banned" as const };
    }
    if (key.rateLimit === undefined) {
      await ctx.db.patch(key._id, { lastUsedTime: now });
    } else {
      const taken = takeToken(key.bucket, key.rateLimit, now);
      if (!taken.ok) return { status: "rate_limited" as const, retryAfterMs: taken.retryAfterMs };
      await ctx.db.patch(key._id, { lastUsedTime: now, bucket: taken.bucket });
    }
    return { status: "ok" as const, keyId: key._id, userId: key.userId, name: key.name, scopes: key.scopes };
  },
});

/**
 * Keys without their hash. With `userId`: the user's keys, revoked and
 * expired ones included, newest first (at most 1,000). With `keyId`: that one
 * key, or none (also with `userId` when it is someone else's). None for a
 * string that is no user or key id; `INVALID_ARGUMENT` with neither.
 */
export const list = query({
  args: { userId: v.optional(v.string()), keyId: v.optional(v.string()) },
  returns: v.array(apiKeyDoc),
  handler: async (ctx, args) => {
    if (args.keyId !== undefined) {
      const keyId = ctx.db.normalizeId("apiKeys", args.keyId);
      const key = keyId === null ? null : await ctx.db.get(keyId);
      if (key === null || (args.userId !== undefined && key.userId !== args.userId)) return [];
      return [publicKey(key)];
    }
    if (args.userId === undefined) throw authError("INVALID_ARGUMENT", "list needs a userId or a keyId");
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null) return [];
    const keys = await ctx.db
      .query("apiKeys")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .order("desc")
      .take(LIST_MAX);
    return keys.map(publicKey);
  },
});

/**
 * Changes a key's name, scopes, rate limit or expiry (`null` removes the
 * last two). With `userId`, only that user's key (`NOT_FOUND` otherwise,
 * also for a string that is no key id). A new rate limit keeps the tokens
 * already used, capped at its maximum. Recorded as `api_key_updated` with
 * the names of the fields changed (and `actorUserId`, as for `create`).
 */
export const update = mutation({
  args: {
    keyId: v.string(),
    userId: v.optional(v.string()),
    patch: v.object({
      name: v.optional(v.string()),
      scopes: v.optional(v.array(apiKeyScope)),
      rateLimit: v.optional(v.union(apiKeyRateLimit, v.null())),
      expirationTime: v.optional(v.union(v.number(), v.null())),
    }),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { keyId, userId, patch } = args;
    const key = await ownedKey(ctx, keyId, userId);
    const audit = await auditOf(ctx, args);
    const changes: Partial<typeof key> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.scopes !== undefined) changes.scopes = patch.scopes;
    if (patch.expirationTime !== undefined) changes.expirationTime = patch.expirationTime ?? undefined;
    if (patch.rateLimit !== undefined) {
      const rateLimit = patch.rateLimit ?? undefined;
      checkRateLimit(rateLimit);
      changes.rateLimit = rateLimit;
      changes.bucket = bucketForNewLimit(key.bucket, key.rateLimit, rateLimit, Date.now());
    }
    await ctx.db.patch(key._id, changes);
    const fields = Object.keys(patch).filter((field) => patch[field as keyof typeof patch] !== undefined);
    if (fields.length > 0) await recordKeyEvent(ctx, "api_key_updated", key.userId, { keyId: key._id, fields: fields.join(",") }, audit);
    return null;
  },
});

/**
 * Revokes a key: refused from now on. It stays, revoked, for audit (and so
 * its holder hears `API_KEY_REVOKED`), unless `forget`: then it is deleted
 * for good (its holder hears that it is unknown). Returns false when a kept
 * key was already revoked. `NOT_FOUND` as for `update`. Recorded as
 * `api_key_revoked` / `api_key_removed` (and `actorUserId`, as for `create`).
 */
export const revoke = mutation({
  args: {
    keyId: v.string(),
    userId: v.optional(v.string()),
    forget: v.optional(v.boolean()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const { keyId, userId, forget } = args;
    const key = await ownedKey(ctx, keyId, userId);
    const audit = await auditOf(ctx, args);
    if (forget) {
      await ctx.db.delete(key._id);
      await recordKeyEvent(ctx, "api_key_removed", key.userId, { keyId: key._id }, audit);
      return true;
    }
    if (key.revokedTime !== undefined) return false;
    await ctx.db.patch(key._id, { revokedTime: Date.now() });
    await recordKeyEvent(ctx, "api_key_revoked", key.userId, { keyId: key._id }, audit);
    return true;
  },
});
