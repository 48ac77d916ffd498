/**
 * Runs the callbacks one call of the app's `hooks` mutation asks for
 * (loaded on demand by hooks/mutation.ts, so a module that only imports
 * `auth` does not carry it).
 */
import type { GenericDataModel, GenericMutationCtx } from "convex/server";
import { hookOfEvent, type HookCall } from "../../shared/hooks.js";
import { securityNotices } from "./notices.js";
import type { AuthCallbacks, AuthEvent, AuthUser } from "./types.js";

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/**
 * Runs what `call` asks for: `beforeSessionCreated`; or, for an event, the
 * callback its type runs (`afterUserCreated` for `sign_up` and
 * `user_created`, `afterSignIn` for `sign_in`, `afterUserDeleted` for
 * `user_deleted`, `onSecurityNotice` for a change the user should hear
 * of: see `hookOfEvent`), then `onEvent`.
 */
export async function dispatch<DataModel extends GenericDataModel>(
  callbacks: AuthCallbacks<DataModel>,
  ctx: GenericMutationCtx<DataModel>,
  call: HookCall,
): Promise<void> {
  if (call.kind === "beforeSession") {
    const { kind: _kind, user, ...args } = call;
    await callbacks.beforeSessionCreated?.(ctx, { ...args, user: user as AuthUser });
    return;
  }
  const event = call.event as AuthEvent;
  const user = call.user as AuthUser | undefined;
  const provider = typeof event.data?.provider === "string" ? event.data.provider : undefined;
  switch (event.type) {
    case "sign_up":
    case "user_created":
      if (user !== undefined && callbacks.afterUserCreated) {
        await callbacks.afterUserCreated(ctx, {
          userId: user._id,
          user,
          ...optional("provider", provider),
          ...optional("actorUserId", event.actorUserId),
          event,
        });
      }
      break;
    case "sign_in":
      if (user !== undefined && event.sessionId !== undefined && provider !== undefined && callbacks.afterSignIn) {
        const secondFactor = typeof event.data?.secondFactor === "string" ? event.data.secondFactor : undefined;
        await callbacks.afterSignIn(ctx, {
          userId: user._id,
          sessionId: event.sessionId,
          user,
          provider,
          ...optional("secondFactor", secondFactor),
          ...optional("ip", event.ip),
          ...optional("userAgent", event.userAgent),
          event,
        });
      }
      break;
    case "user_deleted":
      if (typeof event.data?.userId === "string" && callbacks.afterUserDeleted) {
        await callbacks.afterUserDeleted(ctx, {
          userId: event.data.userId,
          ...optional("actorUserId", event.actorUserId),
          unusedSignUp: event.data.unusedSignUp === true,
          event,
        });
      }
      break;
    default:
      if (user !== undefined && callbacks.onSecurityNotice && hookOfEvent(event) === "onSecurityNotice") {
        for (const notice of securityNotices(event, user, call.previous)) await callbacks.onSecurityNotice(ctx, notice);
      }
  }
  await callbacks.onEvent?.(ctx, event);
}
