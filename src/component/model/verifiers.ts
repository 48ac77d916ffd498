import type { QueryCtx } from "../_generated/server.js";

/** The verifier stored under `verifierHash` (the hash of what the client holds), or `null`. One index read. */
export async function verifierByHash(ctx: QueryCtx, verifierHash: string) {
  return await ctx.db
    .query("verifiers")
    .withIndex("by_hash", (q) => q.eq("verifierHash", verifierHash))
    .unique();
}
