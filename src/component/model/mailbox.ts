import type { Id, TableNames } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { recordEvent, type Audit } from "./events.js";
import { hasSecondFactor } from "./secondFactors.js";
import { endSessionsOfUser } from "./sessions.js";

/** Most rows of each kind cleared in the proving transaction (a user's passkeys are capped at 100). */
const CLEAR_BATCH = 500;

/**
 * The first proof that the person controls the user's email (a reset or
 * verification code) for a user whose email was never verified. Until now
 * anyone could have signed up with that address (account pre-hijacking):
 * so every session ends (`email_proven`) and the credentials added before
 * the proof go: passkeys, API keys, TOTP factors and recovery codes, pending
 * steps, and every account but `keepAccountId`. Recorded as
 * `credentials_cleared`. Then the email counts as verified. A user whose
 * email was verified before is left alone; so is one with an active second
 * factor (apart from the sessions ending): the second factor decides.
 */
export async function proveMailbox(
  ctx: MutationCtx,
  userId: Id<"users">,
  keepAccountId: Id<"accounts">,
  audit?: Audit,
): Promise<void> {
  const user = await ctx.db.get(userId);
  if (user === null || user.emailVerificationTime !== undefined) return;
  await endSessionsOfUser(ctx, userId, "email_proven", undefined, audit);
  // A second factor outranks the mailbox: clearing it would let whoever
  // holds the mailbox in with one factor. The user keeps everything, must
  // pass the second factor, and the email stays unverified.
  if (await hasSecondFactor(ctx, userId)) return;
  const cleared: Record<string, number> = {};
  const clear = async (name: string, ids: Array<{ _id: Id<TableNames> }>) => {
    for (const row of ids) await ctx.db.delete(row._id);
    if (ids.length > 0) cleared[name] = ids.length;
  };
  await clear("passkeys", await ctx.db.query("passkeys").withIndex("by_user", (q) => q.eq("userId", userId)).take(CLEAR_BATCH));
  await clear("apiKeys", await ctx.db.query("apiKeys").withIndex("by_user", (q) => q.eq("userId", userId)).take(CLEAR_BATCH));
  await clear("totpFactors", await ctx.db.query("totpFactors").withIndex("by_user", (q) => q.eq("userId", userId)).take(CLEAR_BATCH));
  await clear("recoveryCodes", await ctx.db.query("recoveryCodes").withIndex("by_user", (q) => q.eq("userId", userId)).take(CLEAR_BATCH));
  await clear("verifiers", await ctx.db.query("verifiers").withIndex("by_user", (q) => q.eq("userId", userId)).take(CLEAR_BATCH));
  const accounts = await ctx.db
    .query("accounts")
    .withIndex("by_user_provider", (q) => q.eq("userId", userId))
    .take(CLEAR_BATCH);
  await clear("accounts", accounts.filter((a) => a._id !== keepAccountId));
  await ctx.db.patch(userId, { emailVerificationTime: Date.now() });
  if (Object.keys(cleared).length > 0) {
    await recordEvent(ctx, { type: "credentials_cleared", userId, data: cleared }, audit);
  }
}
