/**
 * `signIn("impersonate", params)`: an admin starts a session as a user
 * (`{ userId, refreshToken }`), or stops it and gets their own session back
 * (`{ flow: "stop", refreshToken }`). Both prove the session with its
 * current refresh token, which only the client holds (the React client's
 * `impersonate` / `stopImpersonating` send it): a stolen access token
 * starts nothing, and cannot turn an impersonation into the admin's
 * session. It answers `{ tokens }` like any sign-in, so the client keeps
 * them the usual way. Not a provider: providers only return verdicts, and
 * this needs `Auth({ admin })`'s check before the session is issued
 * (src/server/session/issue.ts, `startImpersonation`).
 */
import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import { authError } from "../errors.js";
import type { AdminOptions } from "../helpers/admin.js";
import type { ActionCtx, SignInResult } from "../provider.js";
import { endImpersonation, startImpersonation, type Minter } from "../session/issue.js";
import { refuseImpersonation, requireLiveSession } from "../session/live.js";
import { requireStepUp } from "../stepUp.js";
import { isRefreshTokenShaped } from "../tokens/refreshToken.js";
import type { ResolvedImpersonation } from "./options.js";

/** What the impersonation flows need from `Auth()`. */
export type ImpersonationDeps = {
  component: ComponentApi;
  options: ResolvedOptions;
  admin: AdminOptions | undefined;
  impersonation: ResolvedImpersonation | null;
};

/** The longest user id accepted (Convex ids are about 32 characters). */
const USER_ID_MAX = 128;

/**
 * Runs `signIn("impersonate", params)`:
 * - `{ userId, refreshToken }` (`flow: "start"`, the default): the
 *   caller's live session (`NOT_SIGNED_IN`, `SESSION_ENDED`) must be an
 *   admin's by `isAdmin` (`FORBIDDEN`; also while impersonation is off),
 *   not an impersonation (`IMPERSONATING`), hold no other live one
 *   (`IMPERSONATING`), and `refreshToken` must be its current one
 *   (`INVALID_ARGUMENT`); the user must exist (`NOT_FOUND`), not be an
 *   admin (`FORBIDDEN`) nor banned (`USER_BANNED`). The admin's session
 *   needs a recent proof (`STEP_UP_REQUIRED`: a sign-in, the password
 *   again, a passkey or their second factor within
 *   `reauthenticateWithinMs`), so an admin's session left open on a desk
 *   does not become every user's. Tokens for a new
 *   session as the user, lasting the configured duration (at most 1 hour).
 * - `{ flow: "stop", refreshToken }`: the impersonation's current refresh
 *   token (`SESSION_ENDED` for any other): it ends, and the tokens are the
 *   admin's own session's again (`SESSION_ENDED` when that one has ended).
 * Nothing is written when it throws (but a stop whose admin session had
 * ended: the impersonation still ends).
 */
export async function impersonate(
  ctx: ActionCtx,
  deps: ImpersonationDeps,
  params: Record<string, unknown>,
  minter: Minter,
): Promise<SignInResult> {
  const flow = params.flow ?? "start";
  if (flow !== "start" && flow !== "stop") throw authError("INVALID_ARGUMENT", 'flow must be "start" (the default) or "stop"');
  const { refreshToken } = params;
  if (typeof refreshToken !== "string" || !isRefreshTokenShaped(refreshToken)) {
    throw authError("INVALID_ARGUMENT", "Send the session's refresh token (the React client's impersonate and stopImpersonating do)");
  }
  if (flow === "stop") return { tokens: await endImpersonation(ctx, deps.component, deps.options, refreshToken, minter) };
  return { tokens: await start(ctx, deps, params.userId, refreshToken, minter) };
}

async function start(ctx: ActionCtx, deps: ImpersonationDeps, rawUserId: unknown, refreshToken: string, minter: Minter) {
  const { component, admin, impersonation } = deps;
  if (typeof rawUserId !== "string" || rawUserId === "" || rawUserId.length > USER_ID_MAX) {
    throw authError("INVALID_ARGUMENT", "Give { userId } of the user to impersonate");
  }
  const caller = refuseImpersonation(await requireLiveSession(ctx, component));
  if (admin === undefined || impersonation === null) {
    throw authError("FORBIDDEN", "Impersonation is off: Auth({ admin: { isAdmin, impersonation: true } }) turns it on");
  }
  if (!(await admin.isAdmin(ctx, caller.userId))) throw authError("FORBIDDEN", "Only an admin may impersonate");
  // Acting as someone else is the most sensitive thing an admin does: a recent proof, as for a new factor.
  await requireStepUp(ctx, component, caller, deps.options.reauthenticateWithinMs);
  const user = await ctx.runQuery(component.users.get, { userId: rawUserId });
  if (user === null) throw authError("NOT_FOUND", "No such user");
  if (await admin.isAdmin(ctx, user._id)) throw authError("FORBIDDEN", "An admin cannot be impersonated");
  return await startImpersonation(
    ctx,
    component,
    deps.options,
    { userId: user._id, adminSessionId: caller.sessionId, refreshToken, durationMs: impersonation.durationMs },
    minter,
  );
}

/**
 * Whether an impersonation of `adminUserId` may go on at a refresh: while
 * impersonation is on and they are still an admin by `isAdmin`. When not,
 * `Auth()`'s refresh ends the session and answers `{ tokens: null }`.
 */
export async function impersonationAllowed(
  ctx: Parameters<AdminOptions["isAdmin"]>[0],
  deps: Pick<ImpersonationDeps, "admin" | "impersonation">,
  adminUserId: string,
): Promise<boolean> {
  return deps.admin !== undefined && deps.impersonation !== null && (await deps.admin.isAdmin(ctx, adminUserId));
}
