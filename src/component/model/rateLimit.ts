import type { Doc } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";

/**
 * A token bucket per key: `max` tokens, refilled continuously at
 * `max / periodMs` per millisecond. Each failed attempt takes one token; with
 * none left, attempts are refused until one refills.
 *
 * A check of a secret outside a transaction (a password, a TOTP code) first
 * *leases* a token ({@link leaseToken}): it counts against the bucket at once,
 * so concurrent attempts cannot outnumber it, and it returns by itself after
 * {@link LEASE_MS} unless the attempt is recorded as failed
 * ({@link settleLease}), which turns the lease into a taken token, or
 * released early ({@link releaseLease}: a send that failed). A right secret
 * writes nothing more: only failures count.
 */
export type BucketConfig = { key: string; max: number; periodMs: number };

/** Whether an attempt may go ahead now, and if not, when it may. */
export type LimitState = { ok: boolean; retryAfterMs: number; remaining: number };

/**
 * How long a leased token stays out: longer than a check of a secret takes
 * (an argon2id verification is well under a second), short enough that a
 * burst of successful sign-ins of one address is not held up for long. A
 * failure recorded after its lease ran out still takes a token.
 */
export const LEASE_MS = 5 * 1000;

function tokensNow(bucket: Doc<"rateLimits"> | null, config: BucketConfig, now: number): number {
  if (bucket === null) return config.max;
  const refill = ((now - bucket.updatedTime) * config.max) / config.periodMs;
  return Math.min(config.max, bucket.tokens + Math.max(0, refill));
}

function liveLeases(bucket: Doc<"rateLimits"> | null, now: number): number[] {
  return (bucket?.leases ?? []).filter((until) => until > now);
}

function stateOf(tokens: number, leases: number[], config: BucketConfig, now: number): LimitState {
  const available = tokens - leases.length;
  const ok = available >= 1;
  const msPerToken = config.periodMs / config.max;
  // Refused while leases are out: the earliest returns, or a token refills, first.
  const refill = Math.ceil((1 - available) * msPerToken);
  const leaseBack = leases.length > 0 ? Math.min(...leases) - now : Infinity;
  return { ok, remaining: Math.max(0, Math.floor(available)), retryAfterMs: ok ? 0 : Math.min(refill, leaseBack) };
}

async function bucketOf(ctx: QueryCtx, key: string) {
  return await ctx.db
    .query("rateLimits")
    .withIndex("by_key", (q) => q.eq("key", key))
    .unique();
}

/** Reads the bucket without changing it. */
export async function peekLimit(ctx: QueryCtx, config: BucketConfig): Promise<LimitState> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  return stateOf(tokensNow(bucket, config, now), liveLeases(bucket, now), config, now);
}

async function write(
  ctx: MutationCtx,
  bucket: Doc<"rateLimits"> | null,
  config: BucketConfig,
  fields: { tokens: number; leases: number[] },
  now: number,
): Promise<void> {
  const untilFull = Math.ceil(((config.max - fields.tokens) * config.periodMs) / config.max);
  const fullTime = Math.max(now + untilFull, ...fields.leases);
  const doc = { tokens: fields.tokens, updatedTime: now, fullTime, leases: fields.leases };
  if (bucket === null) await ctx.db.insert("rateLimits", { key: config.key, ...doc });
  else await ctx.db.patch(bucket._id, doc);
}

/**
 * Takes one token if there is one (a failed attempt checked inside this
 * transaction). Returns the state before taking: `ok` false means the
 * attempt is refused and nothing was taken.
 */
export async function takeToken(ctx: MutationCtx, config: BucketConfig): Promise<LimitState> {
  return await takeIf(ctx, config, (tokens, leases) => ({ tokens: tokens - 1, leases }));
}

/** Reads the bucket; when an attempt may go ahead, writes `next` of it. Returns the state before. */
async function takeIf(
  ctx: MutationCtx,
  config: BucketConfig,
  next: (tokens: number, leases: number[], now: number) => { tokens: number; leases: number[] },
): Promise<LimitState> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  const tokens = tokensNow(bucket, config, now);
  const leases = liveLeases(bucket, now);
  const state = stateOf(tokens, leases, config, now);
  if (!state.ok) return state;
  await write(ctx, bucket, config, next(tokens, leases, now), now);
  return { ...state, remaining: state.remaining - 1 };
}

/**
 * Leases one token before a secret is checked outside this transaction (see
 * the module docs). `ok` false: refused, nothing leased.
 */
export async function leaseToken(ctx: MutationCtx, config: BucketConfig): Promise<LimitState> {
  return await takeIf(ctx, config, (tokens, leases, now) => ({ tokens, leases: [...leases, now + LEASE_MS] }));
}

/** The leased attempt counts (a wrong secret, a delivered code): its lease becomes a taken token (one taken if no lease is out). */
export async function settleLease(ctx: MutationCtx, config: BucketConfig): Promise<void> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  const leases = liveLeases(bucket, now).sort((a, b) => a - b);
  leases.shift();
  await write(ctx, bucket, config, { tokens: Math.max(0, tokensNow(bucket, config, now) - 1), leases }, now);
}

/**
 * The leased attempt does not count after all (a send that failed): its
 * lease returns now rather than after {@link LEASE_MS}. A bucket that is
 * full again with no lease out is deleted.
 */
export async function releaseLease(ctx: MutationCtx, config: BucketConfig): Promise<void> {
  const now = Date.now();
  const bucket = await bucketOf(ctx, config.key);
  if (bucket === null) return;
  const leases = liveLeases(bucket, now).sort((a, b) => a - b);
  leases.shift();
  const tokens = tokensNow(bucket, config, now);
  if (tokens >= config.max && leases.length === 0) {
    await ctx.db.delete(bucket._id);
    return;
  }
  await write(ctx, bucket, config, { tokens, leases }, now);
}
