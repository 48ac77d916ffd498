/**
 * What `Auth({ ... })` accepts besides the component and providers, and the
 * defaults a careful deployment starts from.
 */

import { authError } from "./errors.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Named session lifetimes, one option away (`Auth({ session: { preset } })`):
 * - `"consumer"` (the default): 30 days absolute, 14 days without a refresh;
 * - `"asvs-l2"`: 12 hours absolute, 30 minutes without a refresh, the
 *   periodic re-authentication OWASP ASVS 4.0.3 Level 2 asks (3.3.2).
 */
export const SESSION_PRESETS = {
  consumer: { totalDurationMs: 30 * DAY, inactiveDurationMs: 14 * DAY },
  "asvs-l2": { totalDurationMs: 12 * HOUR, inactiveDurationMs: 30 * 60 * 1000 },
} as const satisfies Record<string, { totalDurationMs: number; inactiveDurationMs: number }>;

/** The name of a {@link SESSION_PRESETS} entry. */
export type SessionPreset = keyof typeof SESSION_PRESETS;

/** Session lifetimes and the per-user cap. */
export type SessionOptions = {
  /**
   * Both lifetimes at once, by name (see {@link SESSION_PRESETS}):
   * `"consumer"` (default) or `"asvs-l2"`. Give either a preset or
   * `totalDurationMs` / `inactiveDurationMs`, not both.
   */
  preset?: SessionPreset;
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
  /**
   * Sensitive changes (an API key, a new authenticator or passkey, a new
   * email or username, removing a factor, deleting the account) by a user
   * without a second factor need a proof this recent in the session: the
   * sign-in itself, the password again
   * (`signIn("password", { flow: "reauthenticate" })`) or a passkey.
   * Default 10 minutes; `null` turns the rule off (not ASVS level 2).
   * Users with a second factor always need it verified within 10 minutes.
   */
  reauthenticateWithinMs?: number | null;
};

/** Options with every default filled in. */
export type ResolvedOptions = {
  session: Required<Omit<SessionOptions, "preset">>;
  accessTokenTtlMs: number;
  refreshReuseWindowMs: number;
  failedAttempts: Required<FailedAttemptOptions>;
  /**
   * What the server passes as `audit` to every component function that
   * writes events; `hooks` (the callbacks' function handle) is added per
   * call when `Auth({ callbacks })` has some (see hooks/handle.ts).
   */
  audit: { retentionMs: number; hooks?: HooksArg };
  reauthenticateWithinMs: number | null;
};

/** The defaults. */
export const DEFAULT_OPTIONS: ResolvedOptions = {
  session: { ...SESSION_PRESETS.consumer, maxSessionsPerUser: 50 },
  accessTokenTtlMs: 15 * 60 * 1000,
  refreshReuseWindowMs: 10 * 1000,
  failedAttempts: { max: 10, periodMs: 60 * 60 * 1000 },
  audit: { retentionMs: 90 * DAY },
  reauthenticateWithinMs: 10 * 60 * 1000,
};

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw authError("CONFIGURATION", `Auth(): ${name} must be a positive number, got ${value}`);
  }
  return value;
}

/** The longest retention: about 100 years (the component refuses more). */
const MAX_RETENTION_DAYS = 36_500;

/** `audit.retentionDays` in ms, or `undefined` when unset; a non-positive or absurd value fails at load. */
function auditRetentionMs(days: number | undefined): number | undefined {
  if (days === undefined) return undefined;
  if (!Number.isFinite(days) || days <= 0 || days > MAX_RETENTION_DAYS) {
    throw authError(
      "CONFIGURATION",
      `Auth(): audit.retentionDays must be a positive number of days up to ${MAX_RETENTION_DAYS}, got ${days}`,
    );
  }
  return days * DAY;
}

/**
 * The two lifetimes of `session`: its preset's, or its own durations over
 * the default preset's. `CONFIGURATION` for an unknown preset, or a preset
 * given with either duration (it would not be the preset any more).
 */
function sessionLifetimes(session: SessionOptions | undefined): { totalDurationMs: number; inactiveDurationMs: number } {
  const preset = session?.preset;
  if (preset === undefined) {
    const d = SESSION_PRESETS.consumer;
    return {
      totalDurationMs: positive("session.totalDurationMs", session?.totalDurationMs, d.totalDurationMs),
      inactiveDurationMs: positive("session.inactiveDurationMs", session?.inactiveDurationMs, d.inactiveDurationMs),
    };
  }
  if (!Object.prototype.hasOwnProperty.call(SESSION_PRESETS, preset)) {
    throw authError(
      "CONFIGURATION",
      `Auth(): session.preset must be one of ${Object.keys(SESSION_PRESETS).map((name) => `"${name}"`).join(", ")}, got ${JSON.stringify(preset)}`,
    );
  }
  if (session?.totalDurationMs !== undefined || session?.inactiveDurationMs !== undefined) {
    throw authError(
      "CONFIGURATION",
      "Auth(): session.preset sets totalDurationMs and inactiveDurationMs; give the preset or the durations, not both",
    );
  }
  return { ...SESSION_PRESETS[preset] };
}

/**
 * Fills in defaults and checks the options once, when `Auth()` runs (at
 * module load), so a bad setting fails the deploy instead of a sign-in
 * (`CONFIGURATION`).
 */
export function resolveOptions(options: AuthOptions): ResolvedOptions {
  const d = DEFAULT_OPTIONS;
  const session = {
    ...sessionLifetimes(options.session),
    maxSessionsPerUser: Math.floor(positive("session.maxSessionsPerUser", options.session?.maxSessionsPerUser, d.session.maxSessionsPerUser)),
  };
  const accessTokenTtlMs = positive("accessTokenTtlMs", options.accessTokenTtlMs, d.accessTokenTtlMs);
  if (accessTokenTtlMs < 1000) throw authError("CONFIGURATION", "Auth(): accessTokenTtlMs must be at least 1000");
  return {
    session,
    accessTokenTtlMs,
    refreshReuseWindowMs: positive("refreshReuseWindowMs", options.refreshReuseWindowMs, d.refreshReuseWindowMs),
    failedAttempts: {
      max: Math.floor(positive("failedAttempts.max", options.failedAttempts?.max, d.failedAttempts.max)),
      periodMs: positive("failedAttempts.periodMs", options.failedAttempts?.periodMs, d.failedAttempts.periodMs),
    },
    audit: { retentionMs: auditRetentionMs(options.audit?.retentionDays) ?? d.audit.retentionMs },
    reauthenticateWithinMs:
      options.reauthenticateWithinMs === null
        ? null
        : positive("reauthenticateWithinMs", options.reauthenticateWithinMs, d.reauthenticateWithinMs!),
  };
}
