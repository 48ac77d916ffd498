import type { FunctionHandle } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import type { EventType } from "../../shared/eventTypes.js";
import { hookOfEvent, HOOKS_WITH_USER, type HookCall, type HookEvent, type HooksArg, type PreviousContact } from "../../shared/hooks.js";

/**
 * The app's lifecycle callbacks (`Auth({ callbacks })`), run from here in
 * the transaction of the change: the server passes the function handle of
 * the app's `hooks` mutation in `audit.hooks`, and a nested mutation runs
 * in its caller's transaction, so the app's writes commit with the change
 * and a throw rolls both back. Only the app's code can call this
 * component's functions (clients never reach them), so the handle is the
 * app's own; it must still look like a handle: a plain string would name
 * one of this component's functions instead.
 */

/** What Convex's function handles start with (`createFunctionHandle`). */
const HANDLE_PREFIX = "function://";

/** `hooks` checked (`INVALID_ARGUMENT` for a handle that is none), or `undefined` without it. */
export function checkHooks(hooks: HooksArg | undefined): HooksArg | undefined {
  if (hooks === undefined) return undefined;
  if (!hooks.handle.startsWith(HANDLE_PREFIX)) {
    throw authError("INVALID_ARGUMENT", "audit.hooks.handle must be a function handle (createFunctionHandle)");
  }
  return hooks;
}

async function callApp(ctx: MutationCtx, hooks: HooksArg, call: HookCall): Promise<void> {
  await ctx.runMutation(hooks.handle as FunctionHandle<"mutation", { call: HookCall }, null>, { call });
}

/**
 * Runs the callbacks an event calls for (see `hookOfEvent`; `onEvent`
 * for every event): one nested call of the app's `hooks` mutation, none
 * when no configured callback wants the event. `subject`, the user
 * document when the caller has it, saves the read the callbacks that get
 * the user need; `previous`, the email and phone before a `user_updated`,
 * goes only to the callbacks (an `email_changed` notice is sent to the old
 * address), never into the audit log.
 */
export async function runEventHooks(
  ctx: MutationCtx,
  hooks: HooksArg | undefined,
  event: HookEvent & { type: EventType },
  subject?: Doc<"users">,
  previous?: PreviousContact,
): Promise<void> {
  if (hooks === undefined) return;
  const named = hookOfEvent(event);
  const wanted = named !== undefined && hooks.callbacks.includes(named);
  if (!wanted && !hooks.callbacks.includes("onEvent")) return;
  const withUser = wanted && HOOKS_WITH_USER.includes(named) && event.userId !== undefined;
  const user = withUser ? (subject ?? (await ctx.db.get(event.userId as Id<"users">))) : null;
  await callApp(ctx, hooks, {
    kind: "event",
    event,
    ...(user !== null ? { user } : {}),
    ...(wanted && previous !== undefined ? { previous } : {}),
  });
}

/**
 * Runs `beforeSessionCreated`, when configured, before a session is
 * created: its throw (the app's refusal, a `ConvexError` with the app's
 * code) propagates, so nothing of the sign-in is written.
 */
export async function runBeforeSession(
  ctx: MutationCtx,
  hooks: HooksArg | undefined,
  call: Omit<Extract<HookCall, { kind: "beforeSession" }>, "kind">,
): Promise<void> {
  if (hooks === undefined || !hooks.callbacks.includes("beforeSessionCreated")) return;
  await callApp(ctx, hooks, { kind: "beforeSession", ...call });
}
