import type { GenericDataModel, GenericMutationCtx, GenericQueryCtx } from "convex/server";

/** A context that can read: a query's, a mutation's or an action's. */
export type ReadCtx = Pick<GenericQueryCtx<GenericDataModel>, "auth" | "runQuery">;
/** A context that can write: a mutation's or an action's. */
export type WriteCtx = Pick<GenericMutationCtx<GenericDataModel>, "auth" | "runQuery" | "runMutation">;
