import { v } from "convex/values";
import { action, mutation, query } from "./_generated/server";
import { components } from "./_generated/api";
import { auth } from "./auth";
import { requireDevTools } from "./devTools";

/** The signed-in user, or null. */
export const viewer = query({
  args: {},
  handler: async (ctx) => {
    const user = await auth.user.get(ctx);
    return user === null
      ? null
      : {
          id: user._id,
          name: user.name ?? null,
          email: user.email ?? null,
          username: user.username ?? null,
          isGuest: user.isAnonymous === true,
        };
  },
});

/** The signed-in user's id, or null: no database read. */
export const viewerId = query({
  args: {},
  handler: async (ctx) => await auth.user.id(ctx),
});

/**
 * Looks a user up by email through the auth component. A development helper:
 * it lets anyone list accounts and names, so it answers only with
 * `EXAMPLE_DEV_TOOLS=1` (see devTools.ts) and throws `FORBIDDEN` otherwise.
 */
export const byEmail = query({
  args: { email: v.string() },
  handler: async (ctx, { email }) => {
    requireDevTools("users.byEmail");
    const user = await ctx.runQuery(components.auth.users.get, { email });
    return user === null ? null : { id: user._id, name: user.name ?? null, email: user.email ?? null };
  },
});

/** Renames the signed-in user. */
export const rename = mutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    await auth.user.update(ctx, { name });
  },
});

/**
 * Sets or changes the signed-in user's username (a second name to sign in
 * with), or removes it with `null`. `INVALID_USERNAME` / `USERNAME_TAKEN`
 * from the component's transaction.
 */
export const setUsername = mutation({
  args: { username: v.union(v.string(), v.null()) },
  handler: async (ctx, { username }) => {
    await auth.user.update(ctx, { username });
  },
});

/** Deletes the signed-in user and everything of theirs. */
export const deleteMe = mutation({
  args: {},
  handler: async (ctx) => {
    await auth.user.delete(ctx);
  },
});

/** Changes the signed-in user's password; other sessions end. */
export const changePassword = action({
  args: { currentPassword: v.string(), newPassword: v.string() },
  handler: async (ctx, args) => {
    await auth.password.change(ctx, args);
  },
});
