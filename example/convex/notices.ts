import { query } from "./_generated/server";
import { auth } from "./auth";

/** How many notices the account page shows. */
const NOTICES_SHOWN = 10;

/**
 * The signed-in user's newest security notices (made by the
 * `onSecurityNotice` callback, convex/auth.ts), newest first; none when
 * signed out.
 */
export const mine = query({
  args: {},
  handler: async (ctx) => {
    const userId = await auth.user.id(ctx);
    if (userId === null) return [];
    const notices = await ctx.db
      .query("notices")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .order("desc")
      .take(NOTICES_SHOWN);
    return notices.map((notice) => ({ id: notice._id, kind: notice.kind, text: notice.text, sentTo: notice.sentTo, time: notice._creationTime }));
  },
});
