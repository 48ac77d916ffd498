/**
 * Bench-only function module (scripts/bench/bundle.bench.ts): a query that
 * only reads the signed-in user's id through the example's `auth`, to measure
 * what such a module loads statically.
 */
import { query } from "../../../example/convex/_generated/server";
import { auth } from "../../../example/convex/auth";

export const viewerId = query({
  args: {},
  handler: async (ctx) => await auth.user.require(ctx),
});
