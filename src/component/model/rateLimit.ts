import type { Doc } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";

/**
 * A token bucket per key: `max` tokens, refilled continuously at
 * `max / periodMs` per millisecond. Each failed attempt takes one token; with
 * none left, attempts are refused until one refills.
 */
export type BucketConfig = { key: string; max: number; periodMs: number };

/** Whether an attempt may go ahead now, and if not, when it may. */
export type LimitState = { ok: boolean; retryAfterMs: number; remaining: number };

function tokensNow(bucket: Doc<"rateLimits"> | null, config: BucketConfig, now: number): number {
  if (bucket === null) return config.max;
  const refill = ((now - bucket.updatedTime) * config.max) / config.periodMs;
  return Math.min(config.max, bucket.tokens + Math.max(0, refill));
}

function stateOf(tokens: number, config: BucketConfig): LimitState {
  const ok = tokens >= 1;
  const msPerToken = config.periodMs / config.max;
  return {
    ok,
    remaining: Math.floor(tokens),
    retryAfterMs: ok ? 0 : Math.ceil((1 - tokens) * msPerToken),
  };
}

async function bucketOf(ctx: QueryCtx, key: string) {
  return await ctx.db
    .query("rateLimits")
    .withIndex("by_key", (q) => q.eq("key", key))
    .unique();
}

/** Reads the bucket without changing it. */
export async function peekLimit(ctx: QueryCtx, config: BucketConfig): Promise<LimitState> {
  const bucket = await bucketOf(ctx, config.key);
  return stateOf(tokensNow(bucket, config, Date.now()), config);
}

/**
 * Takes one token if there is one. Returns the state before taking: `ok`
 * false means the attempt is refused and nothing was taken.
 */
export async function takeToken(ctx: MutationCtx, config: BucketConfig): Promise<LimitState> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  const tokens = tokensNow(bucket, config, now);
  const state = stateOf(tokens, config);
  if (!state.ok) return state;
  const left = tokens - 1;
  const fullTime = now + Math.ceil(((config.max - left) * config.periodMs) / config.max);
  if (bucket === null) {
    await ctx.db.insert("rateLimits", { key: config.key, tokens: left, updatedTime: now, fullTime });
  } else {
    await ctx.db.patch(bucket._id, { tokens: left, updatedTime: now, fullTime });
  }
  return { ...state, remaining: Math.floor(tokens - 1) };
}

/** Forgets the bucket (a full one again). */
export async function resetLimit(ctx: MutationCtx, key: string): Promise<void> {
  const bucket = await bucketOf(ctx, key);
  if (bucket !== null) await ctx.db.delete(bucket._id);
}

/**
 * Gives back one token taken by {@link takeToken} (the attempt succeeded:
 * only failures count). A bucket that is full again is deleted.
 */
export async function giveBack(ctx: MutationCtx, config: BucketConfig): Promise<void> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  if (bucket === null) return;
  const tokens = Math.min(config.max, tokensNow(bucket, config, now) + 1);
  if (tokens >= config.max) {
    await ctx.db.delete(bucket._id);
    return;
  }
  const fullTime = now + Math.ceil(((config.max - tokens) * config.periodMs) / config.max);
  await ctx.db.patch(bucket._id, { tokens, updatedTime: now, fullTime });
}
