import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import { mutation, query, type QueryCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { OWNER_ROLE, findMember, guardLastOwner, memberDoc, requireGroup } from "./model/groups.js";

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
 * Adds `userId` to the group with `role`. `NOT_FOUND` for an unknown group
 * or user (or strings that are no ids), `ALREADY_MEMBER` when the user is a
 * member already (change a member's role with `updateRole`). Returns the
 * membership's id.
 */
export const add = mutation({
  args: {
    groupId: v.string(),
    userId: v.string(),
    role: v.string(),
    extend: v.optional(v.any()),
  },
  returns: v.id("members"),
  handler: async (ctx, args) => {
    const groupId = ctx.db.normalizeId("groups", args.groupId);
    if (groupId === null) throw authError("NOT_FOUND", "No such group");
    await requireGroup(ctx, groupId);
    const userId = ctx.db.normalizeId("users", args.userId);
    if (userId === null || (await ctx.db.get(userId)) === null) throw authError("NOT_FOUND", "No such user");
    if ((await findMember(ctx, groupId, userId)) !== null) {
      throw authError("ALREADY_MEMBER", "The user is already a member of this group");
    }
    const member: { groupId: Id<"groups">; userId: Id<"users">; role: string; extend?: unknown } = {
      groupId,
      userId,
      role: args.role,
    };
    if (args.extend !== undefined) member.extend = args.extend;
    return await ctx.db.insert("members", member);
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

/**
 * The group's members, a page at a time: ordered by user id, or, with
 * `role`, only the members holding that role. An unknown (or deleted) group,
 * or a string that is no group id, has none.
 */
export const list = query({
  args: { groupId: v.string(), role: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(memberDoc),
  handler: async (ctx, args) => {
    const { role, paginationOpts } = args;
    const groupId = ctx.db.normalizeId("groups", args.groupId);
    if (groupId === null || (await ctx.db.get(groupId)) === null) return { page: [], isDone: true, continueCursor: "" };
    const members =
      role === undefined
        ? ctx.db.query("members").withIndex("by_group_user", (q) => q.eq("groupId", groupId))
        : ctx.db.query("members").withIndex("by_group_role", (q) => q.eq("groupId", groupId).eq("role", role));
    return await members.paginate(paginationOpts);
  },
});

/**
 * Changes a member's role. Demoting the group's last `"owner"` fails
 * (`LAST_OWNER`); `NOT_FOUND` when the user is not a member.
 */
export const updateRole = mutation({
  args: { groupId: v.string(), userId: v.string(), role: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { role } = args;
    const member = await requireMember(ctx, args);
    if (member.role === role) return null;
    if (role !== OWNER_ROLE) await guardLastOwner(ctx, member);
    await ctx.db.patch(member._id, { role });
    return null;
  },
});

/**
 * Removes a member. Removing the group's last `"owner"` fails (`LAST_OWNER`);
 * `NOT_FOUND` when the user is not a member.
 */
export const remove = mutation({
  args: { groupId: v.string(), userId: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const member = await requireMember(ctx, args);
    await guardLastOwner(ctx, member);
    await ctx.db.delete(member._id);
    return null;
  },
});
