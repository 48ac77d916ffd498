import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import { OWNER_ROLE, findMember, guardLastOwner, memberDoc, requireGroup } from "./model/groups.js";

/**
 * Adds `userId` to the group with `role`. `NOT_FOUND` for an unknown group
 * or user, `ALREADY_MEMBER` when the user is a member already (change a
 * member's role with `updateRole`). Returns the membership's id.
 */
export const add = mutation({
  args: {
    groupId: v.id("groups"),
    userId: v.id("users"),
    role: v.string(),
    extend: v.optional(v.any()),
  },
  returns: v.id("members"),
  handler: async (ctx, args) => {
    await requireGroup(ctx, args.groupId);
    if ((await ctx.db.get(args.userId)) === null) throw authError("NOT_FOUND", "No such user");
    if ((await findMember(ctx, args.groupId, args.userId)) !== null) {
      throw authError("ALREADY_MEMBER", "The user is already a member of this group");
    }
    return await ctx.db.insert("members", args);
  },
});

/** The user's membership of the group, or `null` (also when the group is gone). */
export const get = query({
  args: { groupId: v.id("groups"), userId: v.id("users") },
  returns: v.union(memberDoc, v.null()),
  handler: async (ctx, { groupId, userId }) => {
    // A deleted group's memberships may linger a moment while the deletion
    // finishes in the background: they no longer count.
    if ((await ctx.db.get(groupId)) === null) return null;
    return await findMember(ctx, groupId, userId);
  },
});

/**
 * The group's members, a page at a time: ordered by user id, or, with
 * `role`, only the members holding that role. An unknown (or deleted) group
 * has none.
 */
export const list = query({
  args: { groupId: v.id("groups"), role: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(memberDoc),
  handler: async (ctx, { groupId, role, paginationOpts }) => {
    if ((await ctx.db.get(groupId)) === null) return { page: [], isDone: true, continueCursor: "" };
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
  args: { groupId: v.id("groups"), userId: v.id("users"), role: v.string() },
  returns: v.null(),
  handler: async (ctx, { groupId, userId, role }) => {
    const member = await findMember(ctx, groupId, userId);
    if (member === null) throw authError("NOT_FOUND", "The user is not a member of this group");
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
  args: { groupId: v.id("groups"), userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { groupId, userId }) => {
    const member = await findMember(ctx, groupId, userId);
    if (member === null) throw authError("NOT_FOUND", "The user is not a member of this group");
    await guardLastOwner(ctx, member);
    await ctx.db.delete(member._id);
    return null;
  },
});
