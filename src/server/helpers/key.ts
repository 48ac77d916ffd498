import type { FunctionReturnType } from "convex/server";
import { requireLiveSelf, requireLiveSession } from "../session/live.js";
import { requireSignedIn } from "../identity.js";
import { requireStepUp } from "../stepUp.js";
import type { ReadCtx, RunMutationCtx, RunQueryCtx, WriteCtx } from "./ctx.js";
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
import { actorOf, auditArgs, type AuditSource } from "./audit.js";

/** A context `auth.key.*` reads in: it has the caller's identity (`ctx.auth`). */
export type KeyReadCtx = ReadCtx;
/** A context `auth.key.*` writes in: a mutation's, an action's or an HTTP action's. */
export type KeyWriteCtx = WriteCtx;
/** A context `auth.admin.key.*` reads in: any that can call a component query. */
export type KeyAdminReadCtx = RunQueryCtx;
/** A context `auth.admin.key.*` writes in: any that can call a component mutation. */
export type KeyAdminWriteCtx = RunMutationCtx;

/** An API key as helpers return it: never the raw key nor its hash. */
export type ApiKey = FunctionReturnType<ComponentApi["apiKeys"]["list"]>[number];

/** What `auth.key.verify` returns for a key that may be used now. */
export type VerifiedApiKey = {
  userId: string;
  keyId: string;
  /** The key's name, e.g. for logs. */
  name: string;
  /** `scopes.can(resource, action)`; `scopes.list` for the plain data. */
  scopes: ApiKeyScopes;
};

/** `auth.key.create`'s arguments (the key is the signed-in user's). */
export type CreateApiKeyArgs = {
  /** For people: 1 to 100 characters, e.g. "CI deploys". */
  name: string;
  /** Checked against `Auth({ apiKeys: { scopes } })` (`INVALID_SCOPE`). */
  scopes: ApiKeyScope[];
  /** Omitted: `apiKeys.defaultRateLimit`; `null`: no limit. */
  rateLimit?: ApiKeyRateLimit | null;
  /** When the key stops working (ms since the epoch); omitted: never. */
  expirationTime?: number;
};

/** `auth.admin.key.create`'s arguments: {@link CreateApiKeyArgs} and whose key it is. */
export type AdminCreateApiKeyArgs = CreateApiKeyArgs & { userId: string };

/** `auth.key.update`'s patch. `null` removes the rate limit or the expiry. */
export type ApiKeyPatch = {
  name?: string;
  scopes?: ApiKeyScope[];
  rateLimit?: ApiKeyRateLimit | null;
  expirationTime?: number | null;
};

/** `auth.key.rotate`'s options: the new key's expiry (omitted: the old key's; `null`: none). */
export type RotateApiKeyOptions = { expirationTime?: number | null };

const NAME_MAX = 100;

function checkName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw authError("INVALID_ARGUMENT", `A key name has 1 to ${NAME_MAX} characters`);
  }
  return trimmed;
}

function checkRateLimit(limit: ApiKeyRateLimit): ApiKeyRateLimit {
  if (typeof limit !== "object" || limit === null || !isValidRateLimit(limit)) {
    throw authError("INVALID_ARGUMENT", "A rate limit needs an integer max >= 1 and a positive periodMs");
  }
  return { max: limit.max, periodMs: limit.periodMs };
}

function checkExpiry(expirationTime: number): number {
  if (!Number.isFinite(expirationTime) || expirationTime <= Date.now()) {
    throw authError("INVALID_ARGUMENT", "expirationTime must be a time in the future (ms since the epoch)");
  }
  return expirationTime;
}

/** Whose keys a call may touch: one user's, or (`undefined`) anyone's. */
type Owner = string | undefined;

function ownerArg(owner: Owner): { userId?: string } {
  return owner !== undefined ? { userId: owner } : {};
}

/**
 * The key operations both variants share, acting on `owner`'s keys only
 * (`NOT_FOUND` / `null` for anyone else's) or, with `undefined`, on any key.
 * They check the arguments, draw raw keys and call the component; who the
 * owner is, is the caller's business. With `admin`, the caller (when it has
 * an identity) is recorded as the actor of each change.
 */
function keyOperations(component: ComponentApi, options: ApiKeyOptions | undefined, extra: { audit?: AuditSource; admin?: boolean }) {
  const config = resolveApiKeyOptions(options);
  /** What every write passes for the audit log. */
  const audited = async (ctx: KeyAdminWriteCtx) => ({ ...(extra.admin ? await actorOf(ctx) : {}), ...(await auditArgs(extra.audit)) });

  return {
    config,

    async create(ctx: KeyAdminWriteCtx, userId: string, args: CreateApiKeyArgs): Promise<{ keyId: string; raw: string }> {
      const name = checkName(args.name);
      const scopes = validateScopes(args.scopes, config.scopes);
      const rateLimit =
        args.rateLimit === null ? null : args.rateLimit === undefined ? config.defaultRateLimit : checkRateLimit(args.rateLimit);
      const expirationTime = args.expirationTime === undefined ? undefined : checkExpiry(args.expirationTime);
      const key = newApiKey(config.prefix);
      const keyId = await ctx.runMutation(component.apiKeys.create, {
        userId,
        name,
        keyHash: key.hash,
        displayPrefix: key.displayPrefix,
        scopes,
        ...(rateLimit !== null ? { rateLimit } : {}),
        ...(expirationTime !== undefined ? { expirationTime } : {}),
        ...(await audited(ctx)),
      });
      return { keyId, raw: key.raw };
    },

    async list(ctx: KeyAdminReadCtx, userId: string): Promise<ApiKey[]> {
      return await ctx.runQuery(component.apiKeys.list, { userId });
    },

    async get(ctx: KeyAdminReadCtx, owner: Owner, keyId: string): Promise<ApiKey | null> {
      const [key] = await ctx.runQuery(component.apiKeys.list, { keyId, ...ownerArg(owner) });
      return key ?? null;
    },

    async update(ctx: KeyAdminWriteCtx, owner: Owner, keyId: string, patch: ApiKeyPatch): Promise<void> {
      const checked: ApiKeyPatch = {};
      if (patch.name !== undefined) checked.name = checkName(patch.name);
      if (patch.scopes !== undefined) checked.scopes = validateScopes(patch.scopes, config.scopes);
      if (patch.rateLimit !== undefined) {
        checked.rateLimit = patch.rateLimit === null ? null : checkRateLimit(patch.rateLimit);
      }
      if (patch.expirationTime !== undefined) {
        checked.expirationTime = patch.expirationTime === null ? null : checkExpiry(patch.expirationTime);
      }
      await ctx.runMutation(component.apiKeys.update, { keyId, ...ownerArg(owner), patch: checked, ...(await audited(ctx)) });
    },

    async revoke(ctx: KeyAdminWriteCtx, owner: Owner, keyId: string): Promise<boolean> {
      return await ctx.runMutation(component.apiKeys.revoke, { keyId, ...ownerArg(owner), ...(await audited(ctx)) });
    },

    async remove(ctx: KeyAdminWriteCtx, owner: Owner, keyId: string): Promise<void> {
      await ctx.runMutation(component.apiKeys.revoke, { keyId, ...ownerArg(owner), forget: true, ...(await audited(ctx)) });
    },

    async rotate(
      ctx: KeyAdminWriteCtx,
      owner: Owner,
      keyId: string,
      opts: RotateApiKeyOptions,
    ): Promise<{ keyId: string; raw: string }> {
      const expirationTime =
        opts.expirationTime === undefined || opts.expirationTime === null
          ? opts.expirationTime
          : checkExpiry(opts.expirationTime);
      const key = newApiKey(config.prefix);
      const newKeyId = await ctx.runMutation(component.apiKeys.create, {
        replaces: keyId,
        ...ownerArg(owner),
        keyHash: key.hash,
        displayPrefix: key.displayPrefix,
        ...(expirationTime !== undefined ? { expirationTime } : {}),
        ...(await audited(ctx)),
      });
      return { keyId: newKeyId, raw: key.raw };
    },
  };
}

/**
 * `auth.key.*`: the signed-in caller's API keys, with scopes, expiry and a
 * per-key rate limit, and checking raw keys (`verify`, `fromRequest`).
 *
 * The management helpers act on the caller: each first reads the caller's
 * session (`NOT_SIGNED_IN` without our access token, `SESSION_ENDED` when
 * its session has ended), and someone else's key is `NOT_FOUND` (`null` for
 * `get`), like an unknown key or a string that is no key id. Keys are
 * credentials: an admin impersonating the user lists them but changes none
 * (`IMPERSONATING`). To manage any
 * user's keys, see `auth.admin.key` ({@link keyAdminHelpers}).
 *
 * The raw key is drawn here, in your function (Web Crypto's CSPRNG), and
 * returned once; the component only ever sees its SHA-256 hash. Helpers that
 * write (including `verify`, which records `lastUsedTime` and the rate limit)
 * need a mutation, action or HTTP action context.
 */
export function keyHelpers(
  component: ComponentApi,
  options: ApiKeyOptions | undefined,
  extra: { audit?: AuditSource; reauthenticateWithinMs?: number | null } = {},
) {
  const ops = keyOperations(component, options, extra);
  const { config } = ops;
  const caller = async (ctx: KeyReadCtx) => (await requireLiveSession(ctx, component)).userId;
  // Keys are credentials: an admin impersonating the user reads them, changes none.
  const owner = async (ctx: KeyReadCtx) => (await requireLiveSelf(ctx, component)).userId;
  /** The caller, with a recent proof in their session (a new key is a lasting way in): `STEP_UP_REQUIRED` otherwise, `IMPERSONATING` in an impersonation. */
  const provenCaller = async (ctx: KeyReadCtx) => {
    const who = await requireSignedIn(ctx);
    await requireStepUp(ctx, component, who, extra.reauthenticateWithinMs);
    return who.userId;
  };

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
      case "banned":
        throw authError("USER_BANNED", "This API key's user is banned");
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
     * Creates a key for the signed-in user and returns its id and the raw
     * key: show it once, it cannot be read again. `INVALID_SCOPE` for scopes
     * outside the scope set, `INVALID_ARGUMENT` for a bad name, rate limit or
     * expiry.
     *
     * @example
     * ```ts
     * export const createKey = mutation({
     *   args: { name: v.string() },
     *   handler: async (ctx, { name }) => {
     *     const { keyId, raw } = await auth.key.create(ctx, {
     *       name,
     *       scopes: [{ resource: "reports", actions: ["read"] }],
     *       expirationTime: Date.now() + 90 * 24 * 60 * 60 * 1000,
     *     });
     *     return { keyId, raw }; // shown to the user once
     *   },
     * });
     * ```
     */
    async create(ctx: KeyWriteCtx, args: CreateApiKeyArgs): Promise<{ keyId: string; raw: string }> {
      return await ops.create(ctx, await provenCaller(ctx), args);
    },

    /**
     * Checks a raw key for one request: records `lastUsedTime` and takes a
     * token from the key's rate limit. Throws `INVALID_API_KEY` (unknown or
     * malformed), `API_KEY_REVOKED`, `API_KEY_EXPIRED` or `RATE_LIMITED`
     * (its data also carries `retryAfterMs`). Needs no signed-in caller.
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
     * The signed-in user's keys, newest first, revoked and expired ones
     * included (`revokedTime`, `expirationTime` say which). Never the raw key
     * or its hash.
     *
     * @example
     * ```ts
     * const keys = await auth.key.list(ctx);
     * ```
     */
    async list(ctx: KeyReadCtx): Promise<ApiKey[]> {
      return await ops.list(ctx, await caller(ctx));
    },

    /**
     * One of the signed-in user's keys, or `null` (also for someone else's
     * key and a string that is no key id).
     *
     * @example
     * ```ts
     * const key = await auth.key.get(ctx, keyId);
     * ```
     */
    async get(ctx: KeyReadCtx, keyId: string): Promise<ApiKey | null> {
      return await ops.get(ctx, await caller(ctx), keyId);
    },

    /**
     * Changes one of the signed-in user's keys: its name, scopes (checked:
     * `INVALID_SCOPE`), rate limit or expiry; `null` removes the last two. A
     * new rate limit keeps the requests already used. The raw key stays the
     * same.
     *
     * @example
     * ```ts
     * await auth.key.update(ctx, keyId, { scopes: [{ resource: "reports", actions: ["read", "write"] }] });
     * ```
     */
    async update(ctx: KeyWriteCtx, keyId: string, patch: ApiKeyPatch): Promise<void> {
      await ops.update(ctx, await owner(ctx), keyId, patch);
    },

    /**
     * Revokes one of the signed-in user's keys: it is refused from now on
     * (`API_KEY_REVOKED`) and kept for audit. Returns false when it was
     * already revoked.
     *
     * @example
     * ```ts
     * await auth.key.revoke(ctx, keyId);
     * ```
     */
    async revoke(ctx: KeyWriteCtx, keyId: string): Promise<boolean> {
      return await ops.revoke(ctx, await owner(ctx), keyId);
    },

    /**
     * Deletes one of the signed-in user's keys for good (then
     * `INVALID_API_KEY`, like one that never existed).
     *
     * @example
     * ```ts
     * await auth.key.remove(ctx, keyId);
     * ```
     */
    async remove(ctx: KeyWriteCtx, keyId: string): Promise<void> {
      await ops.remove(ctx, await owner(ctx), keyId);
    },

    /**
     * Replaces one of the signed-in user's keys by a new raw key with the
     * same name, scopes, rate limit (tokens used included) and expiry (or
     * `expirationTime`; `null` for none); the old key is revoked in the same
     * transaction. Returns the new key's id and raw key (shown once).
     * `API_KEY_REVOKED` for a revoked key, `API_KEY_EXPIRED` for an expired
     * one without a new `expirationTime`; nothing is written then.
     *
     * @example
     * ```ts
     * const { keyId: newKeyId, raw } = await auth.key.rotate(ctx, keyId);
     * ```
     */
    async rotate(ctx: KeyWriteCtx, keyId: string, opts: RotateApiKeyOptions = {}): Promise<{ keyId: string; raw: string }> {
      return await ops.rotate(ctx, await provenCaller(ctx), keyId, opts);
    },
  };
}

/**
 * `auth.admin.key.*`: the same operations as `auth.key.*` on any user's
 * keys: `create` and `list` take the user, the others act on any key. As
 * `auth.admin.key`, `Auth()` checks the caller first (an admin by the app's
 * `admin.isAdmin`, or no identity at all: see helpers/admin.ts).
 *
 * @example
 * ```ts
 * export const revokeAnyKey = internalMutation({
 *   args: { keyId: v.string() },
 *   handler: async (ctx, { keyId }) => await auth.admin.key.revoke(ctx, keyId),
 * });
 * ```
 */
export function keyAdminHelpers(component: ComponentApi, options: ApiKeyOptions | undefined, extra: { audit?: AuditSource } = {}) {
  const ops = keyOperations(component, options, { ...extra, admin: true });
  return {
    /**
     * Creates a key for `userId`, as `auth.key.create` does for the caller.
     * `NOT_FOUND` for an unknown user (or a string that is no user id).
     */
    async create(ctx: KeyAdminWriteCtx, args: AdminCreateApiKeyArgs): Promise<{ keyId: string; raw: string }> {
      const { userId, ...rest } = args;
      return await ops.create(ctx, userId, rest);
    },

    /** `userId`'s keys, newest first, revoked and expired ones included (none for a string that is no user id). */
    async list(ctx: KeyAdminReadCtx, args: { userId: string }): Promise<ApiKey[]> {
      return await ops.list(ctx, args.userId);
    },

    /** Any key, or `null` (also for a string that is no key id). */
    async get(ctx: KeyAdminReadCtx, keyId: string): Promise<ApiKey | null> {
      return await ops.get(ctx, undefined, keyId);
    },

    /** `auth.key.update` on any key (`NOT_FOUND` for an unknown one). */
    async update(ctx: KeyAdminWriteCtx, keyId: string, patch: ApiKeyPatch): Promise<void> {
      await ops.update(ctx, undefined, keyId, patch);
    },

    /** `auth.key.revoke` on any key (`NOT_FOUND` for an unknown one). */
    async revoke(ctx: KeyAdminWriteCtx, keyId: string): Promise<boolean> {
      return await ops.revoke(ctx, undefined, keyId);
    },

    /** `auth.key.remove` on any key (`NOT_FOUND` for an unknown one). */
    async remove(ctx: KeyAdminWriteCtx, keyId: string): Promise<void> {
      await ops.remove(ctx, undefined, keyId);
    },

    /** `auth.key.rotate` on any key; the new key is the old key's user's. */
    async rotate(ctx: KeyAdminWriteCtx, keyId: string, opts: RotateApiKeyOptions = {}): Promise<{ keyId: string; raw: string }> {
      return await ops.rotate(ctx, undefined, keyId, opts);
    },
  };
}
