/**
 * The app's `hooks` mutation (`auth.hooks`, exported from `convex/auth.ts`):
 * the component calls it, nested in the transaction of the change, and it
 * runs the configured callbacks. Internal: no client can call it.
 */
import { internalMutationGeneric, type GenericDataModel, type GenericMutationCtx } from "convex/server";
import { v } from "convex/values";
import { hookCall } from "../../shared/hooks.js";
import type { AuthCallbacks } from "./types.js";

/** The mutation the component calls the callbacks through (a no-op without any). */
export function hooksMutation<DataModel extends GenericDataModel>(callbacks: AuthCallbacks<DataModel> | undefined) {
  return internalMutationGeneric({
    args: { call: hookCall },
    returns: v.null(),
    handler: async (ctx, { call }) => {
      if (callbacks === undefined) return null;
      const { dispatch } = await import("./dispatch.js");
      await dispatch(callbacks, ctx as unknown as GenericMutationCtx<DataModel>, call);
      return null;
    },
  });
}
