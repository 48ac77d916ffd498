import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { requireLiveCaller } from "../../session/live.js";
import type { ComponentApi } from "../../../component/_generated/component.js";
import { authError } from "../../errors.js";
import { randomBytes } from "../../random.js";
import { hashSecret } from "../../tokens/secretHash.js";
import { audited, type GroupHelperOptions, type MutationRunner as WriteCtx, type QueryRunner as ReadCtx } from "./ctx.js";
import type { Invite, InviteEmailCheck, InviteStatus, PaginationOptions, PaginationResult } from "./types.js";

/** 256 bits of randomness, base64url: 43 characters. */
const INVITE_TOKEN_BYTES = 32;
const INVITE_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** The longest role an invite may grant. */
const ROLE_MAX = 100;

/** A new invite token: the raw value for the invitee, the hash for the database. */
export function newInviteToken(): { raw: string; hash: string } {
  const raw = encodeBase64urlNoPadding(randomBytes(INVITE_TOKEN_BYTES));
  return { raw, hash: hashSecret(raw) };
}

/** What `auth.invite.create` takes. */
export type CreateInviteArgs = {
  /** Accepting adds the user to this group. Without it the invite grants no membership (e.g. an invite to sign up). */
  groupId?: string;
  /**
   * Binds the invite to this address (normalised): only a user whose email
   * matches can accept it (see `emailCheck`), and a second pending invite
   * for the same email and group is refused (`DUPLICATE_INVITE`).
   */
  email?: string;
  /** The role accepting grants (1 to 100 characters); default `"member"`. */
  role?: string;
  /** How accepting checks the user's email; default `"verified"`. Only with `email`. */
  emailCheck?: InviteEmailCheck;
  /** Who sent it, for the record. */
  invitedByUserId?: string;
  /** When the invite stops working (ms since the epoch); never when omitted. */
  expirationTime?: number;
  /** App data stored with the invite. */
  extend?: unknown;
};

/** What a successful `auth.invite.accept` did. */
export type AcceptedInvite = {
  inviteId: string;
  /** The group joined, or `null` for an invite without a group. */
  groupId: string | null;
  /** The new membership, or `null` for an invite without a group. */
  memberId: string | null;
  /** The role granted, or `null` for an invite without a group. */
  role: string | null;
};

/** `auth.invite.*`. */
export function inviteNamespace(component: ComponentApi, options: GroupHelperOptions = {}) {
  return {
    /**
     * Creates an invite and returns `{ inviteId, token }`. The token (256
     * random bits) is returned this once: send it (e.g. as a link) to the
     * invitee; only its SHA-256 hash is stored. Works in mutations and
     * actions. `DUPLICATE_INVITE` when a pending invite exists for the same
     * email and group; `NOT_FOUND` for an unknown group (or a string that is
     * no group id) or an `invitedByUserId` that is no user id;
     * `INVALID_ARGUMENT` for a blank role or one over 100 characters, or an
     * email that is no address (or over 320 characters).
     *
     * @example
     * ```ts
     * const userId = await auth.user.require(ctx);
     * const { token } = await auth.invite.create(ctx, {
     *   groupId,
     *   email: "grace@example.com",
     *   role: "admin",
     *   invitedByUserId: userId,
     *   expirationTime: Date.now() + 7 * 24 * 60 * 60 * 1000,
     * });
     * await sendEmail("grace@example.com", `https://app.example.com/invite/${token}`);
     * ```
     */
    async create(ctx: WriteCtx, args: CreateInviteArgs): Promise<{ inviteId: string; token: string }> {
      const who = await requireLiveCaller(ctx, component);
      if (args.role !== undefined && (args.role.trim() === "" || args.role.length > ROLE_MAX)) {
        throw authError("INVALID_ARGUMENT", `A role has 1 to ${ROLE_MAX} characters`);
      }
      if (args.emailCheck !== undefined && args.email === undefined) {
        throw authError("INVALID_ARGUMENT", "emailCheck needs an email");
      }
      if (
        args.expirationTime !== undefined &&
        !(Number.isFinite(args.expirationTime) && args.expirationTime > Date.now())
      ) {
        throw authError("INVALID_ARGUMENT", "expirationTime must be in the future");
      }
      const token = newInviteToken();
      const inviteId = await ctx.runMutation(component.invites.create, { ...args, tokenHash: token.hash, ...(await audited(options, who)) });
      return { inviteId, token: token.raw };
    },

    /**
     * The invite with this id, or `null` (also for a string that is no
     * invite id). `status` is its effective state:
     * a pending invite past its expiry reads `"expired"`.
     *
     * @example
     * ```ts
     * const invite = await auth.invite.get(ctx, inviteId);
     * ```
     */
    async get(ctx: ReadCtx, inviteId: string): Promise<Invite | null> {
      return await ctx.runQuery(component.invites.get, { inviteId });
    },

    /**
     * The invite a token opens, or `null` (also for a malformed token), e.g.
     * to show "Ada invited you to Acme" before the invitee accepts.
     *
     * @example
     * ```ts
     * export const preview = query({
     *   args: { token: v.string() },
     *   handler: async (ctx, { token }) => {
     *     const invite = await auth.invite.getByToken(ctx, token);
     *     if (invite === null || invite.status !== "pending") return null;
     *     const group = invite.groupId ? await auth.group.get(ctx, invite.groupId) : null;
     *     return { group: group?.name ?? null, role: invite.role ?? "member" };
     *   },
     * });
     * ```
     */
    async getByToken(ctx: ReadCtx, token: string): Promise<Invite | null> {
      if (!INVITE_TOKEN_SHAPE.test(token)) return null;
      return await ctx.runQuery(component.invites.get, { tokenHash: hashSecret(token) });
    },

    /**
     * Invites, a page at a time: of a group and/or in a status (all when
     * both are omitted). Newest first, except that a group's invites without
     * a `status` come by status (revoked, pending, expired, accepted), newest
     * first within each. `status: "pending"` leaves out invites past their
     * expiry.
     *
     * @example
     * ```ts
     * const { page } = await auth.invite.list(ctx, {
     *   groupId,
     *   status: "pending",
     *   paginationOpts: { numItems: 20, cursor: null },
     * });
     * ```
     */
    async list(
      ctx: ReadCtx,
      args: { groupId?: string; status?: InviteStatus; paginationOpts: PaginationOptions },
    ): Promise<PaginationResult<Invite>> {
      return await ctx.runQuery(component.invites.list, args);
    },

    /**
     * Accepts an invite for `userId`: in one transaction the invite is
     * marked accepted and, when it names a group, the user becomes a member
     * with the invite's role. Fails with:
     * - `NOT_FOUND`: no invite has this token (or the group or user is gone);
     * - `INVITE_NOT_PENDING`: already accepted (at most once, even when two
     *   accepts race), revoked or expired;
     * - `INVITE_EXPIRED`: past its expiry. The invite is marked expired when
     *   this runs in an action; in a mutation the error rolls the mark back
     *   with the rest, which changes nothing: an invite past its expiry reads
     *   and acts as expired everywhere;
     * - `INVITE_EMAIL_MISMATCH`: the invite is bound to an email and the
     *   user fails its `emailCheck` (by default: their email must be that
     *   address, verified). Pass `emailCheck` here to override the invite's,
     *   e.g. `"match"` in an app that does not verify emails;
     * - `ALREADY_MEMBER`: the user is a member of the group already.
     *
     * @example
     * ```ts
     * export const acceptInvite = mutation({
     *   args: { token: v.string() },
     *   handler: async (ctx, { token }) =>
     *     await auth.invite.accept(ctx, token, { userId: await auth.user.require(ctx) }),
     * });
     * ```
     */
    async accept(
      ctx: WriteCtx,
      token: string,
      accepting: { userId: string; emailCheck?: InviteEmailCheck },
    ): Promise<AcceptedInvite> {
      const who = await requireLiveCaller(ctx, component);
      if (!INVITE_TOKEN_SHAPE.test(token)) throw authError("NOT_FOUND", "No such invite");
      const outcome = await ctx.runMutation(component.invites.accept, {
        tokenHash: hashSecret(token),
        ...accepting,
        ...(await audited(options, who)),
      });
      if (outcome.status === "expired") throw authError("INVITE_EXPIRED", "This invite has expired");
      const { status: _status, ...accepted } = outcome;
      return accepted;
    },

    /**
     * Revokes a pending invite: its token stops working. `INVITE_NOT_PENDING`
     * when it was accepted, revoked or expired (`INVITE_EXPIRED` when its
     * expiry has just passed); `NOT_FOUND` for an unknown invite (or a
     * string that is no invite id).
     *
     * @example
     * ```ts
     * await auth.invite.revoke(ctx, inviteId);
     * ```
     */
    async revoke(ctx: WriteCtx, inviteId: string): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      const { status } = await ctx.runMutation(component.invites.revoke, { inviteId, ...(await audited(options, who)) });
      if (status === "expired") throw authError("INVITE_EXPIRED", "This invite has expired");
    },
  };
}
