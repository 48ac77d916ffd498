import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import { internalMutation, mutation, query } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import {
  OWNER_ROLE,
  deleteGroupContents,
  groupDoc,
  guardParent,
  guardSlug,
  requireGroup,
} from "./model/groups.js";

/**
 * Creates a group. A `slug` must be unique among the groups with the same
 * parent (`SLUG_TAKEN`); the parent must exist (`NOT_FOUND`). With
 * `ownerUserId`, that user becomes the group's first member with role
 * `"owner"` in the same transaction. Returns the group's id.
 */
export const create = mutation({
  args: {
    name: v.string(),
    slug: v.optional(v.string()),
    parentGroupId: v.optional(v.id("groups")),
    extend: v.optional(v.any()),
    ownerUserId: v.optional(v.id("users")),
  },
  returns: v.id("groups"),
  handler: async (ctx, { ownerUserId, ...fields }) => {
    if (fields.parentGroupId !== undefined) await guardParent(ctx, fields.parentGroupId);
    await guardSlug(ctx, fields.parentGroupId, fields.slug);
    if (ownerUserId !== undefined && (await ctx.db.get(ownerUserId)) === null) {
      throw authError("NOT_FOUND", "No such user");
    }
    const groupId = await ctx.db.insert("groups", fields);
    if (ownerUserId !== undefined) {
      await ctx.db.insert("members", { groupId, userId: ownerUserId, role: OWNER_ROLE });
    }
    return groupId;
  },
});

/** The group, or `null`. */
export const get = query({
  args: { groupId: v.id("groups") },
  returns: v.union(groupDoc, v.null()),
  handler: async (ctx, { groupId }) => await ctx.db.get(groupId),
});

/** The group with this slug under `parentGroupId` (top level when omitted), or `null`. */
export const getBySlug = query({
  args: { slug: v.string(), parentGroupId: v.optional(v.id("groups")) },
  returns: v.union(groupDoc, v.null()),
  handler: async (ctx, { slug, parentGroupId }) =>
    await ctx.db
      .query("groups")
      .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", parentGroupId).eq("slug", slug))
      .first(),
});

/**
 * The subgroups of `parentGroupId` (top-level groups when omitted), a page at
 * a time, ordered by slug (groups without one first).
 */
export const list = query({
  args: { parentGroupId: v.optional(v.id("groups")), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(groupDoc),
  handler: async (ctx, { parentGroupId, paginationOpts }) =>
    await ctx.db
      .query("groups")
      .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", parentGroupId))
      .paginate(paginationOpts),
});

/** A group the user belongs to, with the membership. */
const groupWithMembership = v.object({
  ...groupDoc.fields,
  membership: v.object({ memberId: v.id("members"), role: v.string() }),
});

/**
 * The groups `userId` is a member of, each with its membership (`memberId`,
 * `role`), a page of memberships at a time, oldest membership first. A
 * membership whose group is being deleted is left out (a page may then hold
 * fewer items than asked; `isDone` is what ends the list).
 */
export const listForUser = query({
  args: { userId: v.id("users"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(groupWithMembership),
  handler: async (ctx, { userId, paginationOpts }) => {
    const result = await ctx.db
      .query("members")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .paginate(paginationOpts);
    const page = [];
    for (const member of result.page) {
      const group = await ctx.db.get(member.groupId);
      if (group !== null) page.push({ ...group, membership: { memberId: member._id, role: member.role } });
    }
    return { ...result, page };
  },
});

/**
 * Updates a group. `null` unsets `slug` or `parentGroupId` (making it a
 * top-level group). A new slug or parent must keep slugs unique among
 * siblings (`SLUG_TAKEN`); a group cannot be moved under itself or a
 * descendant (`INVALID_ARGUMENT`). `NOT_FOUND` for an unknown group.
 */
export const update = mutation({
  args: {
    groupId: v.id("groups"),
    patch: v.object({
      name: v.optional(v.string()),
      slug: v.optional(v.union(v.string(), v.null())),
      parentGroupId: v.optional(v.union(v.id("groups"), v.null())),
      extend: v.optional(v.any()),
    }),
  },
  returns: v.null(),
  handler: async (ctx, { groupId, patch }) => {
    const group = await requireGroup(ctx, groupId);
    const slug = patch.slug === undefined ? group.slug : (patch.slug ?? undefined);
    const parentGroupId: Id<"groups"> | undefined =
      patch.parentGroupId === undefined ? group.parentGroupId : (patch.parentGroupId ?? undefined);
    if (parentGroupId !== group.parentGroupId && parentGroupId !== undefined) {
      await guardParent(ctx, parentGroupId, groupId);
    }
    if (slug !== group.slug || parentGroupId !== group.parentGroupId) {
      await guardSlug(ctx, parentGroupId, slug, groupId);
    }
    const update: Partial<Doc<"groups">> = { slug, parentGroupId };
    if (patch.name !== undefined) update.name = patch.name;
    if ("extend" in patch) update.extend = patch.extend;
    await ctx.db.patch(groupId, update);
    return null;
  },
});

/**
 * Deletes a group with its memberships, its invites and its subgroups (with
 * theirs, all the way down). The group is gone at once; a small group's
 * contents go in the same transaction, a large one's continue in background
 * transactions of at most 4,000 documents each. Returns true when everything
 * was deleted now. `NOT_FOUND` for an unknown group.
 */
const deleteGroup = mutation({
  args: { groupId: v.id("groups") },
  returns: v.boolean(),
  handler: async (ctx, { groupId }) => {
    await requireGroup(ctx, groupId);
    await ctx.db.delete(groupId);
    return await deleteGroupContents(ctx, [groupId]);
  },
});
export { deleteGroup as delete };

/** Background continuation of `delete`, for a group whose document is already gone. */
export const deleteContinue = internalMutation({
  args: { groupId: v.id("groups") },
  returns: v.null(),
  handler: async (ctx, { groupId }) => {
    await deleteGroupContents(ctx, [groupId]);
    return null;
  },
});
