import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

const DAY = 24 * 60 * 60 * 1000;

const scope = v.object({ resource: v.string(), actions: v.array(v.string()) });

/** The scopes a key may be given (the app's scope set), for the create form. */
export const scopeSet = query({
  args: {},
  handler: async () => auth.key.scopeSet ?? {},
});

/**
 * Creates a key for the signed-in user (`auth.key.*` acts on the caller).
 * Returns the raw key: the UI shows it once; it cannot be read again.
 */
export const create = mutation({
  args: { name: v.string(), scopes: v.array(scope), expiresInDays: v.optional(v.number()) },
  handler: async (ctx, { name, scopes, expiresInDays }) => {
    return await auth.key.create(ctx, {
      name,
      scopes,
      ...(expiresInDays !== undefined ? { expirationTime: Date.now() + expiresInDays * DAY } : {}),
    });
  },
});

/**
 * The signed-in user's keys, newest first (never the raw key nor its hash).
 * Whether a key has expired is left to the client: a query that read the
 * clock would not update as time passes.
 */
export const list = query({
  args: {},
  handler: async (ctx) => {
    if ((await auth.user.id(ctx)) === null) return [];
    const keys = await auth.key.list(ctx);
    return keys.map((key) => ({
      id: key._id,
      name: key.name,
      displayPrefix: key.displayPrefix,
      scopes: key.scopes,
      rateLimit: key.rateLimit ?? null,
      creationTime: key._creationTime,
      lastUsedTime: key.lastUsedTime ?? null,
      expirationTime: key.expirationTime ?? null,
      revokedTime: key.revokedTime ?? null,
    }));
  },
});

/** Revokes one of the signed-in user's keys (`NOT_FOUND` for anyone else's). */
export const revoke = mutation({
  args: { keyId: v.string() },
  handler: async (ctx, { keyId }) => await auth.key.revoke(ctx, keyId),
});

/** Replaces one of the signed-in user's keys by a new one; the old one is revoked. */
export const rotate = mutation({
  args: { keyId: v.string() },
  handler: async (ctx, { keyId }) => await auth.key.rotate(ctx, keyId),
});
