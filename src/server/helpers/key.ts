import type { FunctionReturnType } from "convex/server";
import { requireLiveCaller } from "../session/live.js";
import type { RunMutationCtx, RunQueryCtx } from "./ctx.js";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import { bearerToken, isApiKeyShaped, newApiKey } from "../apiKeys/format.js";
import { apiKeyErrorResponse, rateLimitedError } from "../apiKeys/http.js";
import {
  isValidRateLimit,
  resolveApiKeyOptions,
  type ApiKeyOptions,
  type ApiKeyRateLimit,
} from "../apiKeys/options.js";
import { ApiKeyScopes, validateScopes, type ApiKeyScope } from "../apiKeys/scopes.js";
import { hashSecret } from "../tokens/secretHash.js";

/** Any context that can call a component query (see helpers/ctx.ts). */
export type KeyReadCtx = RunQueryCtx;
/** Any context that can call a component mutation (see helpers/ctx.ts). */
export type KeyWriteCtx = RunMutationCtx;

/** An API key as helpers return it: never the raw key nor its hash. */
export type ApiKey = NonNullable<FunctionReturnType<ComponentApi["apiKeys"]["get"]>>;

/** What `auth.key.verify` returns for a key that may be used now. */
export type VerifiedApiKey = {
  userId: string;
  keyId: string;
  /** The key's name, e.g. for logs. */
  name: string;
  /** `scopes.can(resource, action)`; `scopes.list` for the plain data. */
  scopes: ApiKeyScopes;
};

/** `auth.key.create`'s arguments. */
export type CreateApiKeyArgs = {
  userId: string;
  /** For people: 1 to 100 characters, e.g. "CI deploys". */
  name: string;
  /** Checked against `Auth({ apiKeys: { scopes } })` (`INVALID_SCOPE`). */
  scopes: ApiKeyScope[];
  /** Omitted: `apiKeys.defaultRateLimit`; `null`: no limit. */
  rateLimit?: ApiKeyRateLimit | null;
  /** When the key stops working (ms since the epoch); omitted: never. */
  expiresAt?: number;
};

/** `auth.key.update`'s patch. `null` removes the rate limit or the expiry. */
export type ApiKeyPatch = {
  name?: string;
  scopes?: ApiKeyScope[];
  rateLimit?: ApiKeyRateLimit | null;
  expiresAt?: number | null;
};

/**
 * Restricts a call to one user's keys: with `userId`, a key of anyone else
 * is `NOT_FOUND` (`null` for `get`). Pass the signed-in user's id in functions
 * the public can call.
 */
export type OwnerOption = { userId?: string };

const NAME_MAX = 100;

function ownerArg(owner: OwnerOption): { userId?: string } {
  return owner.userId !== undefined ? { userId: owner.userId } : {};
}

function checkName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw authError("INVALID_ARGUMENT", `A key name has 1 to ${NAME_MAX} characters`);
  }
  return trimmed;
}

function checkRateLimit(limit: ApiKeyRateLimit): ApiKeyRateLimit {
  if (typeof limit !== "object" || limit === null || !isValidRateLimit(limit)) {
    throw authError("INVALID_ARGUMENT", "A rate limit needs an integer maxRequests >= 1 and a positive windowMs");
  }
  return { maxRequests: limit.maxRequests, windowMs: limit.windowMs };
}

function checkExpiry(expiresAt: number): number {
  if (!Number.isFinite(expiresAt) || expiresAt <= Date.now()) {
    throw authError("INVALID_ARGUMENT", "expiresAt must be a time in the future (ms since the epoch)");
  }
  return expiresAt;
}

/**
 * `auth.key.*`: API keys with scopes, expiry and a per-key rate limit.
 *
 * The raw key is drawn here, in your function (Web Crypto's CSPRNG), and
 * returned once; the component only ever sees its SHA-256 hash. Helpers that
 * write (including `verify`, which records `lastUsedAt` and the rate limit)
 * need a mutation, action or HTTP action context.
 */
export function keyHelpers(component: ComponentApi, options: ApiKeyOptions | undefined) {
  const config = resolveApiKeyOptions(options);

  async function verify(ctx: Pick<KeyWriteCtx, "runMutation">, raw: string): Promise<VerifiedApiKey> {
    if (!isApiKeyShaped(raw)) throw authError("INVALID_API_KEY", "Invalid API key");
    const result = await ctx.runMutation(component.apiKeys.verify, { keyHash: hashSecret(raw) });
    switch (result.status) {
      case "ok":
        return {
          userId: result.userId,
          keyId: result.keyId,
          name: result.name,
          scopes: new ApiKeyScopes(result.scopes),
        };
      case "invalid":
        throw authError("INVALID_API_KEY", "Invalid API key");
      case "revoked":
        throw authError("API_KEY_REVOKED", "This API key was revoked");
      case "expired":
        throw authError("API_KEY_EXPIRED", "This API key has expired");
      case "rate_limited":
        throw rateLimitedError(result.retryAfterMs);
    }
  }

  return {
    /** The prefix of new keys. */
    prefix: config.prefix,

    /** The configured scope set (`null`: any well-formed scope is accepted). */
    scopeSet: config.scopes,

    /**
     * Creates a key for `userId` and returns its id and the raw key: show it
     * once, it cannot be read again. `INVALID_SCOPE` for scopes outside the
     * scope set, `INVALID_ARGUMENT` for a bad name, rate limit or expiry,
     * `NOT_FOUND` for an unknown user.
     *
     * @example
     * ```ts
     * export const createKey = mutation({
     *   args: { name: v.string() },
     *   handler: async (ctx, { name }) => {
     *     const userId = await auth.user.require(ctx);
     *     const { keyId, raw } = await auth.key.create(ctx, {
     *       userId,
     *       name,
     *       scopes: [{ resource: "reports", actions: ["read"] }],
     *       expiresAt: Date.now() + 90 * 24 * 60 * 60 * 1000,
     *     });
     *     return { keyId, raw }; // shown to the user once
     *   },
     * });
     * ```
     */
    async create(ctx: KeyWriteCtx, args: CreateApiKeyArgs): Promise<{ keyId: string; raw: string }> {
      await requireLiveCaller(ctx, component);
      const name = checkName(args.name);
      const scopes = validateScopes(args.scopes, config.scopes);
      const rateLimit =
        args.rateLimit === null ? null : args.rateLimit === undefined ? config.defaultRateLimit : checkRateLimit(args.rateLimit);
      const expiresAt = args.expiresAt === undefined ? undefined : checkExpiry(args.expiresAt);
      const key = newApiKey(config.prefix);
      const keyId = await ctx.runMutation(component.apiKeys.create, {
        userId: args.userId,
        name,
        keyHash: key.hash,
        displayPrefix: key.displayPrefix,
        scopes,
        ...(rateLimit !== null ? { rateLimit } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      return { keyId, raw: key.raw };
    },

    /**
     * Checks a raw key for one request: records `lastUsedAt` and takes a
     * token from the key's rate limit. Throws `INVALID_API_KEY` (unknown or
     * malformed), `API_KEY_REVOKED`, `API_KEY_EXPIRED` or `RATE_LIMITED`
     * (its data also carries `retryAfterMs`).
     *
     * @example
     * ```ts
     * const { userId, scopes } = await auth.key.verify(ctx, raw);
     * if (!scopes.can("reports", "read")) throw new ConvexError("Forbidden");
     * ```
     */
    verify,

    /**
     * `verify` for an HTTP action: reads the key from the request's
     * `Authorization: Bearer <key>` header (`INVALID_API_KEY` without one).
     *
     * @example
     * ```ts
     * http.route({
     *   path: "/api/reports",
     *   method: "GET",
     *   handler: httpAction(async (ctx, request) => {
     *     try {
     *       const { userId, scopes } = await auth.key.fromRequest(ctx, request);
     *       if (!scopes.can("reports", "read")) return new Response("Forbidden", { status: 403 });
     *       return Response.json(await ctx.runQuery(internal.reports.forUser, { userId }));
     *     } catch (error) {
     *       return auth.key.errorResponse(error); // 401 / 429; rethrows anything else
     *     }
     *   }),
     * });
     * ```
     */
    async fromRequest(ctx: Pick<KeyWriteCtx, "runMutation">, request: Request): Promise<VerifiedApiKey> {
      const raw = bearerToken(request);
      if (raw === null) throw authError("INVALID_API_KEY", "Send the API key as Authorization: Bearer <key>");
      return await verify(ctx, raw);
    },

    /**
     * The HTTP response for an error `verify`/`fromRequest` threw: 401 with
     * `WWW-Authenticate: Bearer` for a missing, unknown, revoked or expired
     * key, 429 with `Retry-After` when rate limited; body `{ code, message }`.
     * Rethrows any other error.
     */
    errorResponse: apiKeyErrorResponse,

    /**
     * The user's keys, newest first, revoked and expired ones included
     * (`revokedTime`, `expiresAt` say which). Never the raw key or its hash.
     *
     * @example
     * ```ts
     * const keys = await auth.key.list(ctx, { userId: await auth.user.require(ctx) });
     * ```
     */
    async list(ctx: KeyReadCtx, args: { userId: string }): Promise<ApiKey[]> {
      return await ctx.runQuery(component.apiKeys.list, { userId: args.userId });
    },

    /**
     * One key, or `null` (also for a string that is no key id, and when
     * `userId` is given and it is someone else's).
     *
     * @example
     * ```ts
     * const key = await auth.key.get(ctx, keyId, { userId });
     * ```
     */
    async get(ctx: KeyReadCtx, keyId: string, owner: OwnerOption = {}): Promise<ApiKey | null> {
      const key = await ctx.runQuery(component.apiKeys.get, { keyId });
      if (key === null || (owner.userId !== undefined && key.userId !== owner.userId)) return null;
      return key;
    },

    /**
     * Changes a key's name, scopes (checked: `INVALID_SCOPE`), rate limit or
     * expiry; `null` removes the last two. The raw key stays the same.
     *
     * @example
     * ```ts
     * await auth.key.update(ctx, keyId, { scopes: [{ resource: "reports", actions: ["*"] }] }, { userId });
     * ```
     */
    async update(ctx: KeyWriteCtx, keyId: string, patch: ApiKeyPatch, owner: OwnerOption = {}): Promise<void> {
      await requireLiveCaller(ctx, component);
      const checked: {
        name?: string;
        scopes?: ApiKeyScope[];
        rateLimit?: ApiKeyRateLimit | null;
        expiresAt?: number | null;
      } = {};
      if (patch.name !== undefined) checked.name = checkName(patch.name);
      if (patch.scopes !== undefined) checked.scopes = validateScopes(patch.scopes, config.scopes);
      if (patch.rateLimit !== undefined) {
        checked.rateLimit = patch.rateLimit === null ? null : checkRateLimit(patch.rateLimit);
      }
      if (patch.expiresAt !== undefined) {
        checked.expiresAt = patch.expiresAt === null ? null : checkExpiry(patch.expiresAt);
      }
      await ctx.runMutation(component.apiKeys.update, { keyId, ...ownerArg(owner), patch: checked });
    },

    /**
     * Revokes a key: it is refused from now on (`API_KEY_REVOKED`) and kept
     * for audit. Returns false when it was already revoked. `NOT_FOUND` for
     * an unknown key (or a string that is no key id) or, with `userId`,
     * someone else's.
     *
     * @example
     * ```ts
     * await auth.key.revoke(ctx, keyId, { userId: await auth.user.require(ctx) });
     * ```
     */
    async revoke(ctx: KeyWriteCtx, keyId: string, owner: OwnerOption = {}): Promise<boolean> {
      await requireLiveCaller(ctx, component);
      return await ctx.runMutation(component.apiKeys.revoke, { keyId, ...ownerArg(owner) });
    },

    /**
     * Deletes a key for good (then `INVALID_API_KEY`, like one that never existed).
     *
     * @example
     * ```ts
     * await auth.key.remove(ctx, keyId);
     * ```
     */
    async remove(ctx: KeyWriteCtx, keyId: string, owner: OwnerOption = {}): Promise<void> {
      await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.apiKeys.remove, { keyId, ...ownerArg(owner) });
    },

    /**
     * Issues a new raw key with the same name, scopes, rate limit (tokens
     * used included) and expiry (or `expiresAt`; `null` for none), and
     * revokes the old one. Returns the new key's id and raw key (shown once).
     * `API_KEY_REVOKED` for a revoked key, `API_KEY_EXPIRED` for an expired
     * one without a new `expiresAt`.
     *
     * @example
     * ```ts
     * const { keyId: newKeyId, raw } = await auth.key.rotate(ctx, keyId, { userId });
     * ```
     */
    async rotate(
      ctx: KeyWriteCtx,
      keyId: string,
      options: OwnerOption & { expiresAt?: number | null } = {},
    ): Promise<{ keyId: string; raw: string }> {
      await requireLiveCaller(ctx, component);
      const expiresAt =
        options.expiresAt === undefined || options.expiresAt === null ? options.expiresAt : checkExpiry(options.expiresAt);
      const key = newApiKey(config.prefix);
      const newKeyId = await ctx.runMutation(component.apiKeys.rotate, {
        keyId,
        ...ownerArg(options),
        keyHash: key.hash,
        displayPrefix: key.displayPrefix,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      return { keyId: newKeyId, raw: key.raw };
    },
  };
}
