import { query } from "./_generated/server";
import { auth } from "./auth";

/**
 * The signed-in user's profile: the app's own row, made by the
 * `afterUserCreated` callback (convex/auth.ts), or null (signed out, or a
 * user from before the callbacks).
 */
export const mine = query({
  args: {},
  handler: async (ctx) => {
    const userId = await auth.user.id(ctx);
    if (userId === null) return null;
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .unique();
    return profile === null ? null : { signedUpWith: profile.signedUpWith, devices: profile.devices, createdAt: profile._creationTime };
  },
});
