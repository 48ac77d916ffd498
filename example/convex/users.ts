import { v } from "convex/values";
import { components } from "./_generated/api";
import { mutation, query } from "./_generated/server";

/** Looks a user up by email through the auth component. */
export const byEmail = query({
  args: { email: v.string() },
  handler: async (ctx, { email }) => {
    const user = await ctx.runQuery(components.auth.users.getByEmail, { email });
    return user === null ? null : { id: user._id, name: user.name ?? null, email: user.email ?? null };
  },
});

/** Creates a user through the auth component (a stand-in until sign-up lands). */
export const create = mutation({
  args: { name: v.string(), email: v.string() },
  handler: async (ctx, args) => {
    return await ctx.runMutation(components.auth.users.create, args);
  },
});
