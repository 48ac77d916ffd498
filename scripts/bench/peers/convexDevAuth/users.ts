/** The app query that resolves the signed-in user the way the peer's docs do. */
import { getAuthUserId } from "@convex-dev/auth/server";
import { query } from "./_generated/server.js";

export const viewer = query({
  args: {},
  handler: async (ctx) => {
    return await getAuthUserId(ctx);
  },
});
