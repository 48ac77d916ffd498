import { v } from "convex/values";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

/**
 * The signed-in user's linked accounts (password, GitHub, email or phone
 * logins): provider, when linked, the address where known; no secrets.
 * Connecting another one is `signIn("github", { link: true })` from the
 * client while signed in.
 */
export const list = query({
  args: {},
  handler: async (ctx) => {
    if ((await auth.user.id(ctx)) === null) return [];
    return await auth.account.list(ctx);
  },
});

/**
 * Disconnects one of my accounts: `LAST_FACTOR` when it is my last way to
 * sign in, `STEP_UP_REQUIRED` when I have a second factor not verified in
 * the last 10 minutes.
 */
export const unlink = mutation({
  args: { accountId: v.string() },
  handler: async (ctx, { accountId }) => {
    await auth.account.unlink(ctx, accountId);
  },
});
