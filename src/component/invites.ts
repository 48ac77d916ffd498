import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import type { Doc, Id } from "./_generated/dataModel.js";
import { internalMutation, mutation, query, type QueryCtx } from "./_generated/server.js";
import { normalizeEmail } from "../shared/email.js";
import { authError } from "../shared/errors.js";
import {
  DEFAULT_INVITE_ROLE,
  findMember,
  inviteDoc,
  isPastDue,
  publicInvite,
  requireGroup,
} from "./model/groups.js";
import { inviteEmailCheck, inviteStatus } from "./schema.js";
import { requireOneOf } from "./model/oneOf.js";
import { auditOf, auditPolicy, recordEvent, withActor } from "./model/events.js";

async function byTokenHash(ctx: QueryCtx, tokenHash: string): Promise<Doc<"invites"> | null> {
  return await ctx.db
    .query("invites")
    .withIndex("by_token_hash", (q) => q.eq("tokenHash", tokenHash))
    .unique();
}

/**
 * Stores an invite (the hash of its token; the raw token never reaches the
 * component). The group, if any, must exist (`NOT_FOUND`, also for a string
 * that is no group id); `invitedByUserId` must be a user id (`NOT_FOUND`
 * otherwise; it is not read). The email, if any, is normalised, and a second
 * pending invite for the same email and group is refused
 * (`DUPLICATE_INVITE`); a pending one past its expiry does not count and is
 * marked expired. Returns the invite's id. Recorded as `invite_created`
 * (about no user: the invitee may have none), its actor `actorUserId` or
 * else `invitedByUserId`.
 */
export const create = mutation({
  args: {
    tokenHash: v.string(),
    groupId: v.optional(v.string()),
    email: v.optional(v.string()),
    role: v.optional(v.string()),
    emailCheck: v.optional(inviteEmailCheck),
    invitedByUserId: v.optional(v.string()),
    expirationTime: v.optional(v.number()),
    extend: v.optional(v.any()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.id("invites"),
  handler: async (ctx, { actorUserId, audit: policy, ...args }) => {
    let groupId: Id<"groups"> | undefined;
    if (args.groupId !== undefined) {
      const id = ctx.db.normalizeId("groups", args.groupId);
      if (id === null) throw authError("NOT_FOUND", "No such group");
      groupId = (await requireGroup(ctx, id))._id;
    }
    let invitedByUserId: Id<"users"> | undefined;
    if (args.invitedByUserId !== undefined) {
      // For the record only: not read, just required to be a user id.
      const id = ctx.db.normalizeId("users", args.invitedByUserId);
      if (id === null) throw authError("NOT_FOUND", "No such user");
      invitedByUserId = id;
    }
    const email = args.email === undefined ? undefined : normalizeEmail(args.email);
    if (email !== undefined) {
      const pending = await ctx.db
        .query("invites")
        .withIndex("by_email_group_status", (q) =>
          q.eq("email", email).eq("groupId", groupId).eq("status", "pending"),
        )
        .first();
      if (pending !== null) {
        if (!isPastDue(pending, Date.now())) {
          throw authError("DUPLICATE_INVITE", "A pending invite for this email and group exists");
        }
        await ctx.db.patch(pending._id, { status: "expired" });
      }
    }
    const audit = await auditOf(ctx, { audit: policy, actorUserId });
    const inviteId = await ctx.db.insert("invites", { ...args, groupId, invitedByUserId, email, status: "pending" });
    await recordEvent(
      ctx,
      {
        type: "invite_created",
        data: {
          inviteId,
          ...(groupId !== undefined ? { groupId, role: args.role ?? DEFAULT_INVITE_ROLE } : {}),
          ...(email !== undefined ? { email } : {}),
        },
      },
      audit.actorUserId === undefined ? withActor(audit, invitedByUserId) : audit,
    );
    return inviteId;
  },
});

/**
 * An invite by one of its unique keys: its id (`inviteId`) or the hash of its
 * token (`tokenHash`), exactly one (`INVALID_ARGUMENT` otherwise). `null`
 * when there is none (also for a string that is no invite id).
 */
export const get = query({
  args: { inviteId: v.optional(v.string()), tokenHash: v.optional(v.string()) },
  returns: v.union(inviteDoc, v.null()),
  handler: async (ctx, args) => {
    const { tokenHash } = args;
    requireOneOf(args, "inviteId", "tokenHash");
    let invite: Doc<"invites"> | null;
    if (tokenHash !== undefined) {
      invite = await byTokenHash(ctx, tokenHash);
    } else {
      const inviteId = ctx.db.normalizeId("invites", args.inviteId!);
      invite = inviteId === null ? null : await ctx.db.get(inviteId);
    }
    return invite === null ? null : publicInvite(invite, Date.now());
  },
});

/**
 * Invites, a page at a time: of one group and/or in one status (all when
 * both are omitted). Newest first, except that a group's invites without a
 * `status` come by stored status (revoked, pending, expired, accepted), newest
 * first within each. Each reads with its effective status;
 * `status: "pending"` leaves out pending invites past their expiry.
 * `status: "expired"` finds those stored as expired: by an accept or revoke
 * that found them past due, or by `expireDue`. None when `groupId` is no
 * group id.
 */
export const list = query({
  args: {
    groupId: v.optional(v.string()),
    status: v.optional(inviteStatus),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(inviteDoc),
  handler: async (ctx, args) => {
    const { status, paginationOpts } = args;
    const groupId = args.groupId === undefined ? undefined : ctx.db.normalizeId("groups", args.groupId);
    if (groupId === null) return { page: [], isDone: true, continueCursor: "" };
    const now = Date.now();
    const invites =
      groupId !== undefined
        ? ctx.db.query("invites").withIndex("by_group_status", (q) =>
            status === undefined ? q.eq("groupId", groupId) : q.eq("groupId", groupId).eq("status", status),
          )
        : status !== undefined
          ? ctx.db.query("invites").withIndex("by_status", (q) => q.eq("status", status))
          : ctx.db.query("invites");
    const ordered = invites.order("desc");
    const result = await (status === "pending"
      ? ordered.filter((q) => q.or(q.eq(q.field("expirationTime"), undefined), q.gt(q.field("expirationTime"), now)))
      : ordered
    ).paginate(paginationOpts);
    return { ...result, page: result.page.map((invite) => publicInvite(invite, now)) };
  },
});

/**
 * Accepts the invite whose token has this hash, for `userId`, in one
 * transaction: marks it accepted and, when it names a group, adds the
 * membership with the invite's role (`"member"` when it has none).
 *
 * - Unknown token: `NOT_FOUND`. Already accepted, revoked or expired:
 *   `INVITE_NOT_PENDING`.
 * - Past its expiry: the invite is marked expired and `{ status: "expired" }`
 *   returned (not thrown, so the mark is kept); the server turns it into
 *   `INVITE_EXPIRED`.
 * - Bound to an email: the user must pass the invite's email check
 *   (`emailCheck` here overrides the one stored on the invite; default
 *   `"verified"`), else `INVITE_EMAIL_MISMATCH`.
 * - `NOT_FOUND` when the user (or a string that is no user id) or the group
 *   no longer exists; `ALREADY_MEMBER`
 *   when the user is a member already (the invite stays pending).
 * - Recorded as `invite_accepted`, about the user (with the membership it
 *   made); `actorUserId` is who accepted for them, when not the user.
 */
export const accept = mutation({
  args: {
    tokenHash: v.string(),
    userId: v.string(),
    emailCheck: v.optional(inviteEmailCheck),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.union(
    v.object({
      status: v.literal("accepted"),
      inviteId: v.id("invites"),
      groupId: v.union(v.id("groups"), v.null()),
      memberId: v.union(v.id("members"), v.null()),
      role: v.union(v.string(), v.null()),
    }),
    v.object({ status: v.literal("expired"), inviteId: v.id("invites") }),
  ),
  handler: async (ctx, args) => {
    const { tokenHash, userId: rawUserId, emailCheck } = args;
    const now = Date.now();
    const audit = await auditOf(ctx, args);
    const invite = await byTokenHash(ctx, tokenHash);
    if (invite === null) throw authError("NOT_FOUND", "No such invite");
    if (invite.status !== "pending") {
      throw authError("INVITE_NOT_PENDING", `The invite was already ${invite.status}`);
    }
    if (isPastDue(invite, now)) {
      await ctx.db.patch(invite._id, { status: "expired" });
      return { status: "expired" as const, inviteId: invite._id };
    }
    const userId = ctx.db.normalizeId("users", rawUserId);
    const user = userId === null ? null : await ctx.db.get(userId);
    if (userId === null || user === null) throw authError("NOT_FOUND", "No such user");
    const check = emailCheck ?? invite.emailCheck ?? "verified";
    if (invite.email !== undefined && check !== "none") {
      const matches = user.email === invite.email;
      const verified = user.emailVerificationTime !== undefined;
      if (!matches || (check === "verified" && !verified)) {
        throw authError(
          "INVITE_EMAIL_MISMATCH",
          check === "verified"
            ? "This invite is for another email address, or yours is not verified yet"
            : "This invite is for another email address",
        );
      }
    }
    let memberId: Id<"members"> | null = null;
    let role: string | null = null;
    if (invite.groupId !== undefined) {
      await requireGroup(ctx, invite.groupId);
      if ((await findMember(ctx, invite.groupId, userId)) !== null) {
        throw authError("ALREADY_MEMBER", "You are already a member of this group");
      }
      role = invite.role ?? DEFAULT_INVITE_ROLE;
      memberId = await ctx.db.insert("members", { groupId: invite.groupId, userId, role });
    }
    await ctx.db.patch(invite._id, { status: "accepted", acceptedByUserId: userId, acceptedTime: now });
    await recordEvent(
      ctx,
      {
        type: "invite_accepted",
        userId,
        data: { inviteId: invite._id, ...(invite.groupId !== undefined ? { groupId: invite.groupId, memberId, role } : {}) },
      },
      audit,
    );
    return {
      status: "accepted" as const,
      inviteId: invite._id,
      groupId: invite.groupId ?? null,
      memberId,
      role,
    };
  },
});

/**
 * Revokes a pending invite: its token stops working. `NOT_FOUND` for an
 * unknown invite (or a string that is no invite id), `INVITE_NOT_PENDING` when it was accepted, revoked or
 * expired. One past its expiry is marked expired instead and
 * `{ status: "expired" }` returned. Recorded as `invite_revoked`
 * (`actorUserId`: who revoked it, `INVALID_ARGUMENT` for a string that is
 * no user id).
 */
export const revoke = mutation({
  args: { inviteId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.object({ status: v.union(v.literal("revoked"), v.literal("expired")) }),
  handler: async (ctx, args) => {
    const audit = await auditOf(ctx, args);
    const inviteId = ctx.db.normalizeId("invites", args.inviteId);
    const invite = inviteId === null ? null : await ctx.db.get(inviteId);
    if (invite === null) throw authError("NOT_FOUND", "No such invite");
    if (invite.status !== "pending") {
      throw authError("INVITE_NOT_PENDING", `The invite was already ${invite.status}`);
    }
    const status = isPastDue(invite, Date.now()) ? ("expired" as const) : ("revoked" as const);
    await ctx.db.patch(invite._id, { status });
    if (status === "revoked") {
      await recordEvent(
        ctx,
        { type: "invite_revoked", data: { inviteId: invite._id, ...(invite.groupId !== undefined ? { groupId: invite.groupId } : {}) } },
        audit,
      );
    }
    return { status };
  },
});

/** Invites marked per transaction by `expireDue`. */
const EXPIRE_BATCH = 500;

/**
 * Marks pending invites past their expiry as expired, a batch per
 * transaction, rescheduling itself while more are due. Reads and accepts
 * already treat such invites as expired; this keeps `list({ status })`
 * exact. Meant for a periodic job (the hourly sweep).
 */
export const expireDue = internalMutation({
  args: {},
  returns: v.number(),
  handler: async (ctx) => {
    const due = await ctx.db
      .query("invites")
      .withIndex("by_status_expiration", (q) =>
        q.eq("status", "pending").gte("expirationTime", 0).lte("expirationTime", Date.now()),
      )
      .take(EXPIRE_BATCH);
    for (const invite of due) await ctx.db.patch(invite._id, { status: "expired" });
    if (due.length === EXPIRE_BATCH) await ctx.scheduler.runAfter(0, internal.invites.expireDue, {});
    return due.length;
  },
});
