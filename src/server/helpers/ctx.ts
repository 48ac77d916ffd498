import type { Auth, GenericActionCtx, GenericDataModel } from "convex/server";

type ActionCtx = GenericActionCtx<GenericDataModel>;

/**
 * A context that can read: a query's, a mutation's, an action's or an HTTP
 * action's. Typed by the action context's methods, which every kind accepts.
 */
export type ReadCtx = { auth: Auth; runQuery: ActionCtx["runQuery"] };
/** A context that can write: a mutation's, an action's or an HTTP action's. */
export type WriteCtx = ReadCtx & { runMutation: ActionCtx["runMutation"] };
/** Reading without the caller's identity (helpers that take ids). */
export type RunQueryCtx = Pick<ReadCtx, "runQuery">;
/** Writing without the caller's identity (helpers that take ids). */
export type RunMutationCtx = Pick<WriteCtx, "runQuery" | "runMutation">;
