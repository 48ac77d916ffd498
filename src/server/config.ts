/**
 * What `Auth({ ... })` accepts besides the component and providers, and the
 * defaults a careful deployment starts from.
 */

/** Session lifetimes and the per-user cap. */
export type SessionOptions = {
  /** Absolute lifetime of a session. Default 30 days. */
  totalDurationMs?: number;
  /** A session not refreshed for this long ends. Default 14 days. */
  inactiveDurationMs?: number;
  /** Sessions a user may hold; creating one more evicts the oldest. Default 50. */
  maxSessionsPerUser?: number;
};

/** Failed-attempt limiting per identifier (token bucket). */
export type FailedAttemptOptions = {
  /** Failed attempts allowed per period. Default 10. */
  max?: number;
  /** The period over which `max` refills. Default 1 hour. */
  periodMs?: number;
};

/** The audit log. */
export type AuditOptions = {
  /**
   * Days an audit event is kept; the hourly sweep deletes older ones.
   * Default 90. Each event is stamped with its expiry when it is written,
   * so a change applies to events written after it.
   */
  retentionDays?: number;
};

import type { ApiKeyOptions } from "./apiKeys/options.js";
import type { HooksArg } from "../shared/hooks.js";

/** Options of `Auth()` other than `component` and `providers`. */
export type AuthOptions = {
  /** API keys: prefix, scope set, default rate limit. */
  apiKeys?: ApiKeyOptions;
  session?: SessionOptions;
  /** Access token (JWT) lifetime. Default 15 minutes: what an ended session's token still allows lasts at most this long. */
  accessTokenTtlMs?: number;
  /** A refresh token reused within this window still works (tabs racing). Default 10 s. */
  refreshReuseWindowMs?: number;
  failedAttempts?: FailedAttemptOptions;
  audit?: AuditOptions;
};

/** Options with every default filled in. */
export type ResolvedOptions = {
  session: Required<SessionOptions>;
  accessTokenTtlMs: number;
  refreshReuseWindowMs: number;
  failedAttempts: Required<FailedAttemptOptions>;
  /**
   * What the server passes as `audit` to every component function that
   * writes events; `hooks` (the callbacks' function handle) is added per
   * call when `Auth({ callbacks })` has some (see hooks/handle.ts).
   */
  audit: { retentionMs: number; hooks?: HooksArg };
};

const DAY = 24 * 60 * 60 * 1000;

/** The defaults. */
export const DEFAULT_OPTIONS: ResolvedOptions = {
  session: { totalDurationMs: 30 * DAY, inactiveDurationMs: 14 * DAY, maxSessionsPerUser: 50 },
  accessTokenTtlMs: 15 * 60 * 1000,
  refreshReuseWindowMs: 10 * 1000,
  failedAttempts: { max: 10, periodMs: 60 * 60 * 1000 },
  audit: { retentionMs: 90 * DAY },
};

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Auth(): ${name} must be a positive number, got ${value}`);
  }
  return value;
}

/** The longest retention: about 100 years (the component refuses more). */
const MAX_RETENTION_DAYS = 36_500;

/** `audit.retentionDays` in ms, or `undefined` when unset; a non-positive or absurd value fails at load. */
function auditRetentionMs(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isFinite(days) || days <= 0 || days > MAX_RETENTION_DAYS) {
    throw new Error(`Auth(): audit.retentionDays must be a positive number of days up to ${MAX_RETENTION_DAYS}, got ${days}`);
  }
  return days * DAY;
}

/**
 * Fills in defaults and checks the options once, when `Auth()` runs (at
 * module load), so a bad setting fails the deploy instead of a sign-in.
 */
export function resolveOptions(options: AuthOptions): ResolvedOptions {
  const d = DEFAULT_OPTIONS;
  const session = {
    totalDurationMs: positive("session.totalDurationMs", options.session?.totalDurationMs, d.session.totalDurationMs),
    inactiveDurationMs: positive("session.inactiveDurationMs", options.session?.inactiveDurationMs, d.session.inactiveDurationMs),
    maxSessionsPerUser: Math.floor(positive("session.maxSessionsPerUser", options.session?.maxSessionsPerUser, d.session.maxSessionsPerUser)),
  };
  const accessTokenTtlMs = positive("accessTokenTtlMs", options.accessTokenTtlMs, d.accessTokenTtlMs);
  if (accessTokenTtlMs < 1000) throw new Error("Auth(): accessTokenTtlMs must be at least 1000");
  return {
    session,
    accessTokenTtlMs,
    refreshReuseWindowMs: positive("refreshReuseWindowMs", options.refreshReuseWindowMs, d.refreshReuseWindowMs),
    failedAttempts: {
      max: Math.floor(positive("failedAttempts.max", options.failedAttempts?.max, d.failedAttempts.max)),
      periodMs: positive("failedAttempts.periodMs", options.failedAttempts?.periodMs, d.failedAttempts.periodMs),
    },
    audit: { retentionMs: auditRetentionMs(options.audit?.retentionDays) ?? d.audit.retentionMs },
  };
}
