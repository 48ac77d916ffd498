import type { FunctionReturnType } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import { signedIn } from "../identity.js";
import { requireLiveSelf, requireLiveSession } from "../session/live.js";
import { requireStepUp } from "../stepUp.js";
import type { ReadCtx, WriteCtx } from "./ctx.js";
import { auditArgs, type AuditSource } from "./audit.js";

/** `auth.session.*`: the signed-in user's devices. */
export function sessionHelpers(component: ComponentApi, options: { audit?: AuditSource; reauthenticateWithinMs?: number | null } = {}) {
  const audit = () => auditArgs(options.audit);
  /**
   * Ending another device's session needs a recent proof (OWASP ASVS 3.3.4):
   * a stolen access token cannot sign the owner out of their other devices.
   */
  const requireProof = async (ctx: WriteCtx, who: { userId: string; sessionId: string }) =>
    await requireStepUp(ctx, component, who, options.reauthenticateWithinMs);
  type Session = NonNullable<FunctionReturnType<ComponentApi["sessions"]["get"]>>;
  return {
    /**
     * The signed-in user and session, checked live: one indexed read, and
     * reactive in a query (it re-runs and refuses when the session ends).
     * Throws `NOT_SIGNED_IN` without an access token, `SESSION_ENDED` when
     * the token's session was signed out, revoked or has expired. Use it
     * where a still-valid token of an ended session must not work.
     * `impersonatorUserId` is set while an admin impersonates the user: the
     * app's own records of what happens can name them.
     */
    async require(ctx: ReadCtx): Promise<{ userId: string; sessionId: string; impersonatorUserId?: string }> {
      return await requireLiveSession(ctx, component);
    },

    /**
     * The caller's session, or `null` when signed out or the session has
     * ended. An impersonation's has `impersonatorUserId` (the admin) and its
     * `expirationTime` (at most an hour after it started).
     */
    async current(ctx: ReadCtx): Promise<Session | null> {
      const who = await signedIn(ctx);
      if (who === null) return null;
      return await ctx.runQuery(component.sessions.get, { sessionId: who.sessionId });
    },

    /** Live sessions of the signed-in user (or of `userId`), newest first. */
    async list(ctx: ReadCtx, options: { userId?: string } = {}): Promise<Session[]> {
      const userId = options.userId ?? (await requireLiveSession(ctx, component)).userId;
      return await ctx.runQuery(component.sessions.list, { userId });
    },

    /**
     * Ends one of the signed-in user's sessions (a device in their list).
     * `NOT_FOUND` when it is not theirs or already ended. Another device's
     * needs a recent proof in this session (`STEP_UP_REQUIRED`: a sign-in,
     * the password again, a passkey or the second factor within
     * `reauthenticateWithinMs`); the caller's own does not (that is signing
     * out). `IMPERSONATING` for an admin impersonating the user: their
     * sessions are theirs.
     */
    async revoke(ctx: WriteCtx, sessionId: string): Promise<void> {
      const who = await requireLiveSelf(ctx, component);
      const session = await ctx.runQuery(component.sessions.get, { sessionId });
      if (session === null || session.userId !== who.userId) {
        throw authError("NOT_FOUND", "No such session");
      }
      if (sessionId !== who.sessionId) await requireProof(ctx, who);
      await ctx.runMutation(component.sessions.revoke, { sessionId, reason: "user_revoke", ...(await audit()) });
    },

    /**
     * Ends all the signed-in user's sessions, or all but one:
     * `{ except: "current" }` keeps the caller's, `{ except: sessionId }` keeps that one.
     * Returns how many ended now (the rest of a very long list continues in the background).
     * Needs a recent proof in this session, as ending another device does
     * (`STEP_UP_REQUIRED`). `IMPERSONATING` for an admin impersonating the user.
     */
    async revokeAll(ctx: WriteCtx, options: { except?: "current" | string } = {}): Promise<number> {
      const who = await requireLiveSelf(ctx, component);
      await requireProof(ctx, who);
      const exceptSessionId = options.except === "current" ? who.sessionId : options.except;
      const { ended } = await ctx.runMutation(component.sessions.revoke, {
        userId: who.userId,
        reason: "revoke_all",
        ...(exceptSessionId !== undefined ? { exceptSessionId } : {}),
        ...(await audit()),
      });
      return ended;
    },
  };
}
