/**
 * The `audit` argument with the callbacks' function handle: made per call
 * (`createFunctionHandle`, a syscall, no function call), and only when
 * callbacks are configured, so an app without them pays nothing.
 */
import { createFunctionHandle, makeFunctionReference } from "convex/server";
import { authError } from "../errors.js";
import type { HookCall } from "../../shared/hooks.js";
import type { AuditArg } from "../helpers/audit.js";
import type { ResolvedHooks } from "./config.js";

/** `audit` for one call: the retention alone without callbacks, else with the handle of the app's `hooks` mutation. */
export function auditWithHooks(policy: AuditArg, hooks: ResolvedHooks | null): () => Promise<AuditArg> {
  if (hooks === null) return async () => policy;
  const reference = makeFunctionReference<"mutation", { call: HookCall }, null>(hooks.functionName);
  return async () => {
    let handle: string;
    try {
      handle = await createFunctionHandle(reference);
    } catch {
      throw authError(
        "CONFIGURATION",
        `Auth({ callbacks }) calls them through the mutation "${hooks.functionName}": ` +
          "export `hooks` from convex/auth.ts (export const { signIn, ..., hooks } = auth), or set hooksFunction",
      );
    }
    return { ...policy, hooks: { handle, callbacks: hooks.callbacks } };
  };
}
