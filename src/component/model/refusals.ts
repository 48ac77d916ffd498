/**
 * Audit events for refused codes (OWASP ASVS 4.0.3 2.8.5): a one-time code,
 * magic link, TOTP code or recovery code that was wrong, expired or
 * replayed is recorded as a `code_refused` event, with what was refused and
 * why, never the code or its hash. Written in the transaction that counts
 * the failed attempt, which commits (a refusal is returned, not thrown).
 */
import { v, type Infer } from "convex/values";
import type { Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { recordEvent, type Audit } from "./events.js";

/** What kind of code was refused. */
export const refusedMethod = v.union(
  /** A code sent to an address: an email or phone sign-in code, an email verification or password reset code. */
  v.literal("code"),
  v.literal("magic_link"),
  v.literal("totp"),
  v.literal("recovery_code"),
);

/**
 * Why: `wrong` (no such code, or not the one sent), `expired`, or `replayed`
 * (a code that was already used: a single-use code again, a TOTP code of a
 * time step already accepted).
 */
export const refusalReason = v.union(v.literal("wrong"), v.literal("expired"), v.literal("replayed"));

/** A refusal as the server reports it for a check it made itself (a TOTP code, through `limits.settle`). */
export const refusedCheck = v.object({
  userId: v.id("users"),
  method: v.literal("totp"),
  reason: v.union(v.literal("wrong"), v.literal("replayed")),
});

export type RefusedMethod = Infer<typeof refusedMethod>;
export type RefusalReason = Infer<typeof refusalReason>;

/** A refused code, to record. */
export type Refusal = {
  method: RefusedMethod;
  reason: RefusalReason;
  /** The user it is about, when known (an account's code, a TOTP or recovery code). */
  userId?: Id<"users">;
  /** The provider that sent it (codes and links). */
  provider?: string;
  /** What a code was for (`sign_in`, `email_verification`, `password_reset`). */
  purpose?: string;
  /** Where it was sent, when no user is known (a sign-in code or link): what was targeted. */
  address?: string;
};

/** An address is cut to this length on an event (no email address is longer than 254). */
const ADDRESS_MAX = 320;

/** Records one `code_refused` event; never the code. */
export async function recordRefusal(ctx: MutationCtx, refusal: Refusal, audit?: Audit): Promise<void> {
  const { userId, method, reason, provider, purpose, address } = refusal;
  await recordEvent(
    ctx,
    {
      type: "code_refused",
      ...(userId !== undefined ? { userId } : {}),
      data: {
        method,
        reason,
        ...(provider !== undefined ? { provider } : {}),
        ...(purpose !== undefined ? { purpose } : {}),
        ...(userId === undefined && address !== undefined ? { address: address.slice(0, ADDRESS_MAX) } : {}),
      },
    },
    audit,
  );
}
