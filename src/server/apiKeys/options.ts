import { authError } from "../errors.js";

/**
 * A per-key rate limit: `max` requests per `periodMs`, refilling
 * continuously (the shape of `failedAttempts` limits).
 */
export type ApiKeyRateLimit = { max: number; periodMs: number };

/** `Auth({ apiKeys })`: how API keys look and what they may grant. */
export type ApiKeyOptions = {
  /**
   * Prefix of every raw key (up to 32 of `A-Z a-z 0-9 _ - .`), so leaked keys
   * are easy to recognise and to scan for. Default `"sk_live_"`.
   */
  prefix?: string;
  /**
   * The scope set: for each resource, the actions a key may be granted
   * (`"*"` among them: any action). Requested scopes outside it are refused
   * with `INVALID_SCOPE`. When omitted, any well-formed scope is accepted.
   */
  scopes?: Record<string, readonly string[]>;
  /** Rate limit of keys created without their own. Default: none. */
  defaultRateLimit?: ApiKeyRateLimit;
};

/** {@link ApiKeyOptions} checked, with defaults filled in. */
export type ResolvedApiKeyOptions = {
  prefix: string;
  scopes: Readonly<Record<string, readonly string[]>> | null;
  defaultRateLimit: ApiKeyRateLimit | null;
};

export const DEFAULT_API_KEY_PREFIX = "sk_live_";

/** Characters a prefix may use; the verifier accepts any prefix of these. */
export const PREFIX_SHAPE = /^[A-Za-z0-9_.-]{0,32}$/;

/** Names of resources and actions: no spaces, at most 64 characters. */
export const SCOPE_NAME_SHAPE = /^[A-Za-z0-9_.:/-]{1,64}$|^\*$/;

/** Whether `limit` is one the token bucket can work with. */
export function isValidRateLimit(limit: ApiKeyRateLimit): boolean {
  return (
    Number.isInteger(limit.max) &&
    limit.max >= 1 &&
    Number.isFinite(limit.periodMs) &&
    limit.periodMs > 0
  );
}

/**
 * Checks the options once, when `Auth()` runs (at module load), so a bad
 * setting fails the deploy instead of a request (`CONFIGURATION`).
 */
export function resolveApiKeyOptions(options: ApiKeyOptions | undefined): ResolvedApiKeyOptions {
  const prefix = options?.prefix ?? DEFAULT_API_KEY_PREFIX;
  if (!PREFIX_SHAPE.test(prefix)) {
    throw authError("CONFIGURATION", `Auth(): apiKeys.prefix must be up to 32 of A-Z a-z 0-9 _ - . , got "${prefix}"`);
  }
  let scopes: Record<string, readonly string[]> | null = null;
  if (options?.scopes !== undefined) {
    scopes = {};
    for (const [resource, actions] of Object.entries(options.scopes)) {
      if (resource === "*" || !SCOPE_NAME_SHAPE.test(resource)) {
        throw authError("CONFIGURATION", `Auth(): apiKeys.scopes has a malformed resource "${resource}"`);
      }
      if (!Array.isArray(actions) || actions.length === 0) {
        throw authError("CONFIGURATION", `Auth(): apiKeys.scopes.${resource} needs at least one action`);
      }
      for (const action of actions) {
        if (typeof action !== "string" || !SCOPE_NAME_SHAPE.test(action)) {
          throw authError("CONFIGURATION", `Auth(): apiKeys.scopes.${resource} has a malformed action "${String(action)}"`);
        }
      }
      scopes[resource] = Object.freeze([...new Set(actions)]);
    }
    Object.freeze(scopes);
  }
  const defaultRateLimit = options?.defaultRateLimit ?? null;
  if (defaultRateLimit !== null && !isValidRateLimit(defaultRateLimit)) {
    throw authError("CONFIGURATION", "Auth(): apiKeys.defaultRateLimit needs an integer max >= 1 and a positive periodMs");
  }
  return {
    prefix,
    scopes,
    defaultRateLimit: defaultRateLimit && { max: defaultRateLimit.max, periodMs: defaultRateLimit.periodMs },
  };
}
