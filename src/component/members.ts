import { paginationOptsValidator, paginationResultValidator, type WithoutSystemFields } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import { mutation, query, type QueryCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import {
  findMember,
  guardLastOwner,
  memberDoc,
  memberWithGroupDoc,
  requireGroup,
} from "./model/groups.js";
import { requireOneOf } from "./model/oneOf.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";

/** The ids, given as any strings, or `null` when either is no id of its table. */
function normalizeIds(
  ctx: QueryCtx,
  args: { groupId: string; userId: string },
): { groupId: Id<"groups">; userId: Id<"users"> } | null {
  const groupId = ctx.db.normalizeId("groups", args.groupId);
  const userId = ctx.db.normalizeId("users", args.userId);
  return groupId === null || userId === null ? null : { groupId, userId };
}

/** The membership, or `NOT_FOUND` (also for strings that are no ids). */
async function requireMember(ctx: QueryCtx, args: { groupId: string; userId: string }): Promise<Doc<"members">> {
  const ids = normalizeIds(ctx, args);
  const member = ids === null ? null : await findMember(ctx, ids.groupId, ids.userId);
  if (member === null) throw authError("NOT_FOUND", "The user is not a member of this group");
  return member;
}

/**
 * Sets `userId`'s role in the group: adds the membership when there is none,
 * otherwise changes its role (one membership per user and group, whatever
 * races). Returns the membership's id.
 *
 * - `extend`: stored with a new membership; on an existing one it replaces
 *   the stored value when given and is left as is when omitted.
 * - Demoting the group's last `"owner"` fails (`LAST_OWNER`).
 * - `onlyNew: true`: refuses (`ALREADY_MEMBER`) when the user is a member
 *   already; `onlyExisting: true`: refuses (`NOT_FOUND`) when they are not
 *   (both: `INVALID_ARGUMENT`). Either refusal writes nothing.
 * - `NOT_FOUND` for an unknown group or user (or strings that are no ids).
 * - Recorded as `member_added` or `member_role_changed` (a change of
 *   `extend` alone is not), about the member; `actorUserId` is who did it,
 *   when not the member (`INVALID_ARGUMENT` for a string that is no user id).
 */
export const set = mutation({
  args: {
    groupId: v.string(),
    userId: v.string(),
    role: v.string(),
    extend: v.optional(v.any()),
    onlyNew: v.optional(v.boolean()),
    onlyExisting: v.optional(v.boolean()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.id("members"),
  handler: async (ctx, args) => {
    const { role, extend } = args;
    if (args.onlyNew === true && args.onlyExisting === true) {
      throw authError("INVALID_ARGUMENT", "onlyNew and onlyExisting exclude each other");
    }
    const groupId = ctx.db.normalizeId("groups", args.groupId);
    if (groupId === null) throw authError("NOT_FOUND", "No such group");
    await requireGroup(ctx, groupId);
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    const audit = await auditOf(ctx, args);
    const member = await findMember(ctx, groupId, userId);
    if (member === null) {
      if (args.onlyExisting === true) throw authError("NOT_FOUND", "The user is not a member of this group");
      const fields: WithoutSystemFields<Doc<"members">> = { groupId, userId, role };
      if (extend !== undefined) fields.extend = extend;
      const memberId = await ctx.db.insert("members", fields);
      await recordEvent(ctx, { type: "member_added", userId, data: { groupId, memberId, role } }, audit);
      return memberId;
    }
    if (args.onlyNew === true) throw authError("ALREADY_MEMBER", "The user is already a member of this group");
    if (member.role !== role) await guardLastOwner(ctx, member);
    const update: Partial<Doc<"members">> = {};
    if (member.role !== role) update.role = role;
    if (extend !== undefined) update.extend = extend;
    if (Object.keys(update).length > 0) await ctx.db.patch(member._id, update);
    if (update.role !== undefined) {
      await recordEvent(
        ctx,
        { type: "member_role_changed", userId, data: { groupId, memberId: member._id, from: member.role, role } },
        audit,
      );
    }
    return member._id;
  },
});

/**
 * The user's membership of the group, or `null` (also when the group is
 * gone, or for strings that are no ids).
 */
export const get = query({
  args: { groupId: v.string(), userId: v.string() },
  returns: v.union(memberDoc, v.null()),
  handler: async (ctx, args) => {
    const ids = normalizeIds(ctx, args);
    if (ids === null) return null;
    // A deleted group's memberships may linger a moment while the deletion
    // finishes in the background: they no longer count.
    if ((await ctx.db.get(ids.groupId)) === null) return null;
    return await findMember(ctx, ids.groupId, ids.userId);
  },
});

const emptyPage = { page: [], isDone: true, continueCursor: "" };

/**
 * Memberships, a page at a time, each with its `group`; exactly one of
 * `groupId`, `userId`, and `role` only with `groupId` (`INVALID_ARGUMENT`
 * otherwise):
 * - `{ groupId, role? }`: the group's members, ordered by user id, or, with
 *   `role`, only the members holding that role. None for an unknown (or
 *   deleted) group, or a string that is no group id.
 * - `{ userId }`: the user's memberships, oldest first. A membership whose
 *   group is being deleted is left out (a page may then hold fewer items
 *   than asked; `isDone` is what ends the list). None when `userId` is no
 *   user id.
 */
export const list = query({
  args: {
    groupId: v.optional(v.string()),
    role: v.optional(v.string()),
    userId: v.optional(v.string()),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(memberWithGroupDoc),
  handler: async (ctx, args) => {
    const { role, paginationOpts } = args;
    requireOneOf(args, "groupId", "userId");
    if (args.userId !== undefined) {
      if (role !== undefined) throw authError("INVALID_ARGUMENT", "role goes with groupId");
      const userId = ctx.db.normalizeId("users", args.userId);
      if (userId === null) return emptyPage;
      const result = await ctx.db
        .query("members")
        .withIndex("by_user", (q) => q.eq("userId", userId))
        .paginate(paginationOpts);
      const page = [];
      for (const member of result.page) {
        const group = await ctx.db.get(member.groupId);
        if (group !== null) page.push({ ...member, group });
      }
      return { ...result, page };
    }
    const groupId = ctx.db.normalizeId("groups", args.groupId!);
    const group = groupId === null ? null : await ctx.db.get(groupId);
    if (groupId === null || group === null) return emptyPage;
    const members =
      role === undefined
        ? ctx.db.query("members").withIndex("by_group_user", (q) => q.eq("groupId", groupId))
        : ctx.db.query("members").withIndex("by_group_role", (q) => q.eq("groupId", groupId).eq("role", role));
    const result = await members.paginate(paginationOpts);
    return { ...result, page: result.page.map((member) => ({ ...member, group })) };
  },
});

/**
 * Removes a member. Removing the group's last `"owner"` fails (`LAST_OWNER`);
 * `NOT_FOUND` when the user is not a member. Recorded as `member_removed`
 * (`actorUserId` as for `set`).
 */
export const remove = mutation({
  args: { groupId: v.string(), userId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.null(),
  handler: async (ctx, args) => {
    const member = await requireMember(ctx, args);
    await guardLastOwner(ctx, member);
    const audit = await auditOf(ctx, args);
    await ctx.db.delete(member._id);
    await recordEvent(
      ctx,
      { type: "member_removed", userId: member.userId, data: { groupId: member.groupId, memberId: member._id, role: member.role } },
      audit,
    );
    return null;
  },
});
