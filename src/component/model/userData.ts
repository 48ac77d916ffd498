import { internal } from "../_generated/api.js";
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { markDone, markPending } from "./deletions.js";

/**
 * Deletes everything that belongs to a user, a bounded amount per
 * transaction (at most DELETE_BUDGET documents, one index range per table,
 * well inside Convex's limits), scheduling itself to go on until nothing is
 * left.
 */
const DELETE_BUDGET = 4000;

/** One kind of data to delete: reports how many it deleted and whether it is all gone. */
type Step = (ctx: MutationCtx, userId: Id<"users">, budget: number) => Promise<{ deleted: number; done: boolean }>;

/** Rows of one table found through its by-user index. */
function byUser(
  take: (ctx: MutationCtx, userId: Id<"users">, n: number) => Promise<{ _id: Id<any> }[]>,
): Step {
  return async (ctx, userId, budget) => {
    const rows = await take(ctx, userId, budget);
    for (const row of rows) await ctx.db.delete(row._id);
    return { deleted: rows.length, done: rows.length < budget };
  };
}

/**
 * Sessions and API keys go first: without its session a refresh token is
 * refused, and a deleted key is refused, so the user's credentials stop
 * working in the first transaction (the session cap keeps them few).
 */
const STEPS: Step[] = [
  byUser((ctx, u, n) => ctx.db.query("sessions").withIndex("by_user_ordinal", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("apiKeys").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("refreshTokens").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("accounts").withIndex("by_user_provider", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("verificationCodes").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("verifiers").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("passkeys").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("totpFactors").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("recoveryCodes").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("members").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
  byUser((ctx, u, n) => ctx.db.query("events").withIndex("by_user", (q) => q.eq("userId", u)).take(n)),
];

/**
 * Runs the deletion steps within this transaction's budget. Returns true
 * when everything is gone (and removes the user's pending-deletion marker);
 * otherwise writes or refreshes the marker, in this same transaction, and
 * schedules `users.deleteDataContinue`. Should that continuation be lost or
 * fail, the sweep finds the marker and resumes (see model/deletions.ts).
 */
export async function deleteUserData(ctx: MutationCtx, userId: Id<"users">): Promise<boolean> {
  let budget = DELETE_BUDGET;
  for (const step of STEPS) {
    const { deleted, done } = await step(ctx, userId, budget);
    budget -= deleted;
    if (!done || budget <= 0) {
      await markPending(ctx, "user", userId);
      await ctx.scheduler.runAfter(0, internal.users.deleteDataContinue, { userId });
      return false;
    }
  }
  await markDone(ctx, "user", userId);
  return true;
}
