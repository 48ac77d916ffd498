/**
 * A bench-only module mounted inside the component (never shipped): bulk
 * inserts users as the admin list sees them, so `admin.listUsers.*.at10k`
 * figures have rows to ignore. User `i` has email `user<i>@bench.test` and
 * name `User <i>` (with its search key); every 10th is banned, every 3rd
 * verified, every 7th has a second factor (the flag the factors keep).
 */
import { mutationGeneric } from "convex/server";
import { v } from "convex/values";

export const insertUsers = mutationGeneric({
  args: { from: v.number(), count: v.number() },
  returns: v.null(),
  handler: async (ctx, { from, count }) => {
    for (let i = from; i < from + count; i++) {
      await ctx.db.insert("users", {
        name: `User ${i}`,
        nameKey: `user ${i}`,
        email: `user${i}@bench.test`,
        ...(i % 3 === 0 ? { emailVerificationTime: 1_700_000_000_000 + i } : {}),
        ...(i % 10 === 0 ? { ban: { reason: "bench", time: 1_700_000_000_000 + i } } : {}),
        ...(i % 7 === 0 ? { hasSecondFactor: true } : {}),
      });
    }
    return null;
  },
});

/** `count` live sessions of a user, each with one refresh token. */
export const insertSessions = mutationGeneric({
  args: { userId: v.id("users"), count: v.number() },
  returns: v.null(),
  handler: async (ctx, { userId, count }) => {
    for (let i = 0; i < count; i++) {
      const sessionId = await ctx.db.insert("sessions", {
        userId,
        ordinal: i + 1,
        expirationTime: Date.now() + 86_400_000,
        userAgent: "bench",
      });
      await ctx.db.insert("refreshTokens", {
        sessionId,
        userId,
        tokenHash: `bench-${sessionId}`,
        expirationTime: Date.now() + 86_400_000,
      });
    }
    return null;
  },
});
