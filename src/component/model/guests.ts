/**
 * Upgrading a guest (an `Anonymous()` user): a sign-up or sign-in by the
 * signed-in guest attaches to the guest's user, which keeps its `_id` (and
 * so every row of the app that points at it) and stops being anonymous.
 */
import { v, type Infer } from "convex/values";
import type { Doc } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { recordEvent, type Audit } from "./events.js";
import { nameKeyFields } from "./profile.js";
import { endSessionsOfUser, liveSession } from "./sessions.js";

/** The signed-in caller of a sign-up, as the server read them from the access token. */
export const signedInCaller = v.object({ userId: v.string(), sessionId: v.string() });
export type SignedInCaller = Infer<typeof signedInCaller>;

/**
 * The guest a sign-up by `caller` attaches to: `caller`'s user (with its
 * live session) when it is anonymous; `null` when it is not (a signed-in user who signs up makes a
 * new user, as without a caller), also for a string that is no user id.
 * `SESSION_ENDED` when the user is a guest but `caller`'s session is not
 * theirs and live: a guest's token whose session ended (signed out,
 * revoked) cannot hand the guest's data to whoever holds it.
 */
export async function guestOf(
  ctx: MutationCtx,
  caller: SignedInCaller | undefined,
): Promise<{ user: Doc<"users">; session: Doc<"sessions"> } | null> {
  if (caller === undefined) return null;
  const userId = ctx.db.normalizeId("users", caller.userId);
  const user = userId === null ? null : await ctx.db.get(userId);
  if (user === null || user.isAnonymous !== true) return null;
  const sessionId = ctx.db.normalizeId("sessions", caller.sessionId);
  const session = liveSession(sessionId === null ? null : await ctx.db.get(sessionId));
  if (session === null || session.userId !== user._id) {
    throw authError("SESSION_ENDED", "This guest session has ended; sign in again");
  }
  return { user, session };
}

/** What a sign-up brings to the guest it upgrades. */
export type GuestUpgrade = {
  /** Set on the user (the sign-up's identity: its address and whether it is proven, a username). */
  set: Partial<Pick<Doc<"users">, "email" | "emailVerificationTime" | "phone" | "phoneVerificationTime" | "username">>;
  /** Kept where the guest has none of its own. */
  profile: { name?: string; image?: string; extend?: unknown };
};

/**
 * Makes `guest` a full user in the caller's transaction: `set` is written,
 * `profile` fills what the guest lacks, `isAnonymous` is cleared, and every
 * session of the guest ends (`guest_upgraded`): a guest's tokens may have
 * been planted or shared (a kiosk, a link), and must not become the
 * account's (session fixation, OWASP ASVS 3.2.1). The sign-in that follows
 * gets a new session through `sessions.issue`. Recorded as
 * `anonymous_upgraded` with the provider of the sign-up.
 */
export async function upgradeGuest(
  ctx: MutationCtx,
  guest: Doc<"users">,
  upgrade: GuestUpgrade,
  provider: string,
  audit?: Audit,
): Promise<void> {
  const { profile } = upgrade;
  await ctx.db.patch(guest._id, {
    isAnonymous: undefined,
    ...upgrade.set,
    ...(guest.name === undefined && profile.name !== undefined ? { name: profile.name, ...nameKeyFields(profile.name) } : {}),
    ...(guest.image === undefined && profile.image !== undefined ? { image: profile.image } : {}),
    ...(guest.extend === undefined && profile.extend !== undefined ? { extend: profile.extend } : {}),
  });
  await endSessionsOfUser(ctx, guest._id, "guest_upgraded", undefined, audit);
  await recordEvent(ctx, { type: "anonymous_upgraded", userId: guest._id, data: { provider } }, audit);
}
