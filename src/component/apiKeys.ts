import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
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

/**
 * API keys, as a data layer: the server generates the raw key, hashes it and
 * hands over only the hash and a display prefix; scopes arrive already checked
 * against the app's scope set. The component keeps the invariants: a hash
 * is unique, revoked is final, a key belongs to one user.
 */

/** Most keys `list` returns. */
const LIST_MAX = 1000;

/**
 * Stores a new key of `userId` (`NOT_FOUND` when the user does not exist,
 * also for a string that is no user id). Returns its id.
 */
export const create = mutation({
  args: {
    userId: v.string(),
    name: v.string(),
    keyHash: v.string(),
    displayPrefix: v.string(),
    scopes: v.array(apiKeyScope),
    rateLimit: v.optional(apiKeyRateLimit),
    expiresAt: v.optional(v.number()),
  },
  returns: v.id("apiKeys"),
  handler: async (ctx, args) => {
    checkRateLimit(args.rateLimit);
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    const taken = await ctx.db
      .query("apiKeys")
      .withIndex("by_hash", (q) => q.eq("keyHash", args.keyHash))
      .first();
    if (taken !== null) throw authError("INVALID_ARGUMENT", "This key hash is in use");
    const keyId = await ctx.db.insert("apiKeys", { ...args, userId });
    await recordKeyEvent(ctx, "api_key_created", userId, { keyId });
    return keyId;
  },
});

/**
 * Checks a key by its hash, for one request: one index lookup, then one
 * patch of the key (`lastUsedAt`, and the token bucket when it has a rate
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
    if (key.expiresAt !== undefined && key.expiresAt <= now) return { status: "expired" as const };
    if (key.rateLimit === undefined) {
      await ctx.db.patch(key._id, { lastUsedAt: now });
    } else {
      const taken = takeToken(key.bucket, key.rateLimit, now);
      if (!taken.ok) return { status: "rate_limited" as const, retryAfterMs: taken.retryAfterMs };
      await ctx.db.patch(key._id, { lastUsedAt: now, bucket: taken.bucket });
    }
    return { status: "ok" as const, keyId: key._id, userId: key.userId, name: key.name, scopes: key.scopes };
  },
});

/** The key (without its hash), or `null` (also for a string that is no key id). */
export const get = query({
  args: { keyId: v.string() },
  returns: v.union(apiKeyDoc, v.null()),
  handler: async (ctx, args) => {
    const keyId = ctx.db.normalizeId("apiKeys", args.keyId);
    const key = keyId === null ? null : await ctx.db.get(keyId);
    return key === null ? null : publicKey(key);
  },
});

/**
 * The user's keys, revoked and expired ones included, newest first (at most
 * 1,000). None for a string that is no user id.
 */
export const list = query({
  args: { userId: v.string() },
  returns: v.array(apiKeyDoc),
  handler: async (ctx, args) => {
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
 * already used, capped at its maximum.
 */
export const update = mutation({
  args: {
    keyId: v.string(),
    userId: v.optional(v.string()),
    patch: v.object({
      name: v.optional(v.string()),
      scopes: v.optional(v.array(apiKeyScope)),
      rateLimit: v.optional(v.union(apiKeyRateLimit, v.null())),
      expiresAt: v.optional(v.union(v.number(), v.null())),
    }),
  },
  returns: v.null(),
  handler: async (ctx, { keyId, userId, patch }) => {
    const key = await ownedKey(ctx, keyId, userId);
    const changes: Partial<typeof key> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.scopes !== undefined) changes.scopes = patch.scopes;
    if (patch.expiresAt !== undefined) changes.expiresAt = patch.expiresAt ?? undefined;
    if (patch.rateLimit !== undefined) {
      const rateLimit = patch.rateLimit ?? undefined;
      checkRateLimit(rateLimit);
      changes.rateLimit = rateLimit;
      changes.bucket = bucketForNewLimit(key.bucket, key.rateLimit, rateLimit, Date.now());
    }
    await ctx.db.patch(key._id, changes);
    return null;
  },
});

/**
 * Revokes a key (soft: it stays, for audit, and is refused from now on).
 * Returns false when it was already revoked. `NOT_FOUND` as for `update`.
 */
export const revoke = mutation({
  args: { keyId: v.string(), userId: v.optional(v.string()) },
  returns: v.boolean(),
  handler: async (ctx, { keyId, userId }) => {
    const key = await ownedKey(ctx, keyId, userId);
    if (key.revokedTime !== undefined) return false;
    await ctx.db.patch(key._id, { revokedTime: Date.now() });
    await recordKeyEvent(ctx, "api_key_revoked", key.userId, { keyId: key._id });
    return true;
  },
});

/** Deletes a key for good. `NOT_FOUND` as for `update`. */
export const remove = mutation({
  args: { keyId: v.string(), userId: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, { keyId, userId }) => {
    const key = await ownedKey(ctx, keyId, userId);
    await ctx.db.delete(key._id);
    await recordKeyEvent(ctx, "api_key_removed", key.userId, { keyId: key._id });
    return null;
  },
});

/**
 * Replaces a key by a new one (`keyHash`, `displayPrefix`) with the same
 * user, name, scopes, rate limit (and the tokens already used) and expiry
 * (unless `expiresAt` is given; `null` for none); the old key is revoked.
 * Refuses a revoked key (`API_KEY_REVOKED`) and an expired one unless it is
 * given a new expiry (`API_KEY_EXPIRED`). Returns the new key's id.
 */
export const rotate = mutation({
  args: {
    keyId: v.string(),
    userId: v.optional(v.string()),
    keyHash: v.string(),
    displayPrefix: v.string(),
    expiresAt: v.optional(v.union(v.number(), v.null())),
  },
  returns: v.id("apiKeys"),
  handler: async (ctx, args) => {
    const now = Date.now();
    const old = await ownedKey(ctx, args.keyId, args.userId);
    if (old.revokedTime !== undefined) throw authError("API_KEY_REVOKED", "This API key was revoked");
    const expiresAt = args.expiresAt === undefined ? old.expiresAt : (args.expiresAt ?? undefined);
    if (expiresAt !== undefined && expiresAt <= now) {
      throw authError("API_KEY_EXPIRED", "This API key has expired; give the new key an expiry");
    }
    const taken = await ctx.db
      .query("apiKeys")
      .withIndex("by_hash", (q) => q.eq("keyHash", args.keyHash))
      .first();
    if (taken !== null) throw authError("INVALID_ARGUMENT", "This key hash is in use");
    await ctx.db.patch(old._id, { revokedTime: now });
    const keyId = await ctx.db.insert("apiKeys", {
      userId: old.userId,
      name: old.name,
      keyHash: args.keyHash,
      displayPrefix: args.displayPrefix,
      scopes: old.scopes,
      ...(old.rateLimit !== undefined ? { rateLimit: old.rateLimit } : {}),
      ...(old.bucket !== undefined ? { bucket: old.bucket } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    });
    await recordKeyEvent(ctx, "api_key_rotated", old.userId, { keyId: old._id, newKeyId: keyId });
    return keyId;
  },
});
