import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import { recordEvent, type Audit, type EventType } from "./events.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { apiKeyBucket, apiKeyFields, apiKeyRateLimit } from "../schema.js";

export type RateLimit = Infer<typeof apiKeyRateLimit>;
export type Bucket = Infer<typeof apiKeyBucket>;

/** An API key as it leaves the component: never its hash nor its bucket. */
export const apiKeyDoc = v.object({
  _id: v.id("apiKeys"),
  _creationTime: v.number(),
  userId: apiKeyFields.userId,
  name: apiKeyFields.name,
  displayPrefix: apiKeyFields.displayPrefix,
  scopes: apiKeyFields.scopes,
  rateLimit: apiKeyFields.rateLimit,
  expirationTime: apiKeyFields.expirationTime,
  revokedTime: apiKeyFields.revokedTime,
  lastUsedTime: apiKeyFields.lastUsedTime,
});

/** Drops what must not leave the component (the hash, the bucket). */
export function publicKey(key: Doc<"apiKeys">): Infer<typeof apiKeyDoc> {
  const { keyHash: _hash, bucket: _bucket, ...rest } = key;
  return rest;
}

/** Refuses a rate limit the bucket arithmetic cannot work with. */
export function checkRateLimit(limit: RateLimit | undefined): void {
  if (limit === undefined) return;
  const { max, periodMs } = limit;
  if (!Number.isInteger(max) || max < 1 || !Number.isFinite(periodMs) || periodMs <= 0) {
    throw authError("INVALID_ARGUMENT", "A rate limit needs an integer max >= 1 and a positive periodMs");
  }
}

/**
 * Tokens in the bucket at `now`: full when it was never used, refilled
 * continuously at `max / periodMs` per millisecond, never above
 * `max`. A clock that went backwards refills nothing.
 */
export function tokensAt(bucket: Bucket | undefined, limit: RateLimit, now: number): number {
  if (bucket === undefined) return limit.max;
  const refill = (Math.max(0, now - bucket.updatedTime) * limit.max) / limit.periodMs;
  return Math.min(limit.max, bucket.tokens + refill);
}

/** Absorbs floating-point error so a token due exactly now counts. */
const EPSILON = 1e-9;

/**
 * Takes one token for a request at `now`. `ok` with the new bucket state, or
 * refused with how long until a token is back (nothing taken).
 */
export function takeToken(
  bucket: Bucket | undefined,
  limit: RateLimit,
  now: number,
): { ok: true; bucket: Bucket } | { ok: false; retryAfterMs: number } {
  const tokens = tokensAt(bucket, limit, now);
  if (tokens + EPSILON < 1) {
    const msPerToken = limit.periodMs / limit.max;
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) * msPerToken)) };
  }
  return { ok: true, bucket: { tokens: Math.max(0, tokens - 1), updatedTime: now } };
}

/**
 * The bucket after the limit changes from `from` to `to`: brought up to
 * `now` under the old limit and capped at the new maximum, so changing the
 * limit never hands out a fresh burst. `undefined` when there is no limit.
 */
export function bucketForNewLimit(
  bucket: Bucket | undefined,
  from: RateLimit | undefined,
  to: RateLimit | undefined,
  now: number,
): Bucket | undefined {
  if (to === undefined || bucket === undefined) return undefined;
  const tokens = from === undefined ? to.max : tokensAt(bucket, from, now);
  return { tokens: Math.min(to.max, tokens), updatedTime: now };
}

/**
 * The key, or `NOT_FOUND` when it does not exist or (with `userId`) is
 * someone else's; ids are taken as any string (one that is no id of the
 * table is `NOT_FOUND` too).
 */
export async function ownedKey(
  ctx: QueryCtx,
  rawKeyId: string,
  userId: string | undefined,
): Promise<Doc<"apiKeys">> {
  const keyId = ctx.db.normalizeId("apiKeys", rawKeyId);
  const key = keyId === null ? null : await ctx.db.get(keyId);
  if (key === null || (userId !== undefined && key.userId !== userId)) {
    throw authError("NOT_FOUND", "No such API key");
  }
  return key;
}

/** Audit-log event types of API keys. */
export type ApiKeyEventType = Extract<EventType, `api_key_${string}`>;

/** Appends an API-key event to the audit log (never the key nor its hash). */
export async function recordKeyEvent(
  ctx: MutationCtx,
  type: ApiKeyEventType,
  userId: Id<"users">,
  data: Record<string, string | number | boolean | null>,
  audit?: Audit,
): Promise<void> {
  await recordEvent(ctx, { type, userId, data }, audit);
}
