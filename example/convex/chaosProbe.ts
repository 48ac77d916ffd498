import { v } from "convex/values";
import { query } from "./_generated/server";
import { components } from "./_generated/api";
import { requireDevTools } from "./devTools";

/**
 * Sessions ended since `since` (ms since the epoch), newest first, with the
 * reason the audit log recorded (`logout`, `refresh_reuse`, ...). A
 * development helper for the browser chaos test (test/e2e/chaos.browser.test.ts),
 * which fails on any `refresh_reuse`: it reads every user's audit log, so it
 * answers only with `EXAMPLE_DEV_TOOLS=1` (see devTools.ts) and throws
 * `FORBIDDEN` otherwise. A real app reads the log from its admin tools.
 */
export const sessionEnds = query({
  args: { since: v.number() },
  handler: async (ctx, { since }) => {
    requireDevTools("chaosProbe.sessionEnds");
    const { page } = await ctx.runQuery(components.auth.events.list, {
      type: "session_revoked",
      since,
      paginationOpts: { numItems: 200, cursor: null },
    });
    return page.map((event) => ({
      time: event._creationTime,
      userId: event.userId ?? null,
      sessionId: event.sessionId ?? null,
      reason: event.reason ?? null,
    }));
  },
});
