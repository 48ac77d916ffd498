import type { RunMutationCtx, RunQueryCtx } from "../ctx.js";

/** Any context that can run a query: a query's, a mutation's or an action's. */
export type QueryRunner = RunQueryCtx;
/** Any context that can run a mutation: a mutation's or an action's. */
export type MutationRunner = RunMutationCtx;
