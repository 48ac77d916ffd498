import { v } from "convex/values";
import type { Id } from "./_generated/dataModel.js";
import {
  internalMutation,
  mutation,
  query,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server.js";
import { deleteUserData } from "./model/userData.js";
import { userFields } from "./schema.js";
import { normalizeEmail } from "../server/email.js";
import { authError } from "../server/errors.js";

/** A user document as it leaves the component. */
export const userDoc = v.object({
  _id: v.id("users"),
  _creationTime: v.number(),
  ...userFields,
});

/** Fields a caller may set on a user; `null` unsets an optional string. */
const userPatch = v.object({
  name: v.optional(v.union(v.string(), v.null())),
  email: v.optional(v.union(v.string(), v.null())),
  emailVerificationTime: v.optional(v.union(v.number(), v.null())),
  phone: v.optional(v.union(v.string(), v.null())),
  phoneVerificationTime: v.optional(v.union(v.number(), v.null())),
  image: v.optional(v.union(v.string(), v.null())),
  isAnonymous: v.optional(v.boolean()),
  extend: v.optional(v.any()),
});

async function findByEmail(ctx: QueryCtx, email: string) {
  return await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .unique();
}

async function claimEmail(
  ctx: MutationCtx,
  email: string,
  forUserId?: Id<"users">,
): Promise<string> {
  const normalized = normalizeEmail(email);
  const holder = await findByEmail(ctx, normalized);
  if (holder !== null && holder._id !== forUserId) {
    throw authError("EMAIL_TAKEN", "Another user has this email address");
  }
  return normalized;
}

/**
 * Creates a user. The email, if any, is normalised and must be free.
 * Returns the new user's id.
 */
export const create = mutation({
  args: {
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    emailVerificationTime: v.optional(v.number()),
    phone: v.optional(v.string()),
    phoneVerificationTime: v.optional(v.number()),
    image: v.optional(v.string()),
    isAnonymous: v.optional(v.boolean()),
    extend: v.optional(v.any()),
  },
  returns: v.id("users"),
  handler: async (ctx, args) => {
    const email =
      args.email === undefined ? undefined : await claimEmail(ctx, args.email);
    return await ctx.db.insert("users", { ...args, email });
  },
});

/** The user with this id, or `null`. */
export const get = query({
  args: { userId: v.id("users") },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, { userId }) => await ctx.db.get(userId),
});

/** The user holding this email address (compared normalised), or `null`. */
export const getByEmail = query({
  args: { email: v.string() },
  returns: v.union(userDoc, v.null()),
  handler: async (ctx, { email }) => await findByEmail(ctx, normalizeEmail(email)),
});

/**
 * Updates a user's fields. `null` unsets an optional field; a new email must
 * be free. Throws `NOT_FOUND` for an unknown user.
 */
export const patch = mutation({
  args: { userId: v.id("users"), patch: userPatch },
  returns: v.null(),
  handler: async (ctx, { userId, patch }) => {
    const user = await ctx.db.get(userId);
    if (user === null) throw authError("NOT_FOUND", "No such user");
    const update: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) {
      update[field] = value === null ? undefined : value;
    }
    if (typeof patch.email === "string") {
      update.email = await claimEmail(ctx, patch.email, userId);
    }
    await ctx.db.patch(userId, update);
    return null;
  },
});

/**
 * Deletes a user and everything of theirs: accounts, sessions, refresh
 * tokens, codes, factors, keys, memberships, audit events. The user is gone at
 * once (their refresh tokens stop working); the rest is deleted in bounded
 * batches, continuing in background transactions for users with thousands of
 * sessions. Throws `NOT_FOUND` for an unknown user.
 */
const deleteUser = mutation({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { userId }) => {
    const user = await ctx.db.get(userId);
    if (user === null) throw authError("NOT_FOUND", "No such user");
    await ctx.db.delete(userId);
    await deleteUserData(ctx, userId);
    return null;
  },
});
export { deleteUser as delete };

/** Background continuation of `delete`. */
export const deleteDataContinue = internalMutation({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { userId }) => {
    await deleteUserData(ctx, userId);
    return null;
  },
});
