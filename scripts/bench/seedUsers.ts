/**
 * A bench-only module mounted inside the component (never shipped): bulk
 * inserts users so scale figures (`*.at10k`) have rows to ignore.
 */
import { mutationGeneric } from "convex/server";
import { v } from "convex/values";

/** Inserts `count` users with emails `user<from+i>@bench.test`. */
export const insertUsers = mutationGeneric({
  args: { from: v.number(), count: v.number() },
  returns: v.null(),
  handler: async (ctx, { from, count }) => {
    for (let i = from; i < from + count; i++) {
      await ctx.db.insert("users", { name: `User ${i}`, email: `user${i}@bench.test` });
    }
    return null;
  },
});
