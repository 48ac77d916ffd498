import { paginationOptsValidator, paginationResultValidator, type WithoutSystemFields } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import { internalMutation, mutation, query, type QueryCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import {
  OWNER_ROLE,
  deleteGroupContents,
  groupDoc,
  guardParent,
  guardSlug,
  requireGroup,
} from "./model/groups.js";
import { requireOneOf } from "./model/oneOf.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";

/** A group id given as any string, or `NOT_FOUND` (`what` names it in the message). */
function groupIdOrNotFound(ctx: QueryCtx, id: string, what = "group"): Id<"groups"> {
  const groupId = ctx.db.normalizeId("groups", id);
  if (groupId === null) throw authError("NOT_FOUND", `No such ${what}`);
  return groupId;
}

/**
 * Creates a group. A `slug` must be unique among the groups with the same
 * parent (`SLUG_TAKEN`); the parent must exist (`NOT_FOUND`). With
 * `ownerUserId`, that user becomes the group's first member with role
 * `"owner"` in the same transaction (`NOT_FOUND` for an unknown user).
 * Returns the group's id. Recorded as `group_created` (about the owner, if
 * any; `actorUserId`: who created it, when not the owner, `INVALID_ARGUMENT`
 * for a string that is no user id).
 */
export const create = mutation({
  args: {
    name: v.string(),
    slug: v.optional(v.string()),
    parentGroupId: v.optional(v.string()),
    extend: v.optional(v.any()),
    ownerUserId: v.optional(v.string()),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.id("groups"),
  handler: async (ctx, args) => {
    const { name, slug, extend } = args;
    const audit = await auditOf(ctx, args);
    const parentGroupId =
      args.parentGroupId === undefined ? undefined : groupIdOrNotFound(ctx, args.parentGroupId, "parent group");
    if (parentGroupId !== undefined) await guardParent(ctx, parentGroupId);
    await guardSlug(ctx, parentGroupId, slug);
    let ownerUserId: Id<"users"> | undefined;
    if (args.ownerUserId !== undefined) {
      const owner = ctx.db.normalizeId("users", args.ownerUserId);
      if (owner === null || (await ctx.db.get(owner)) === null) throw authError("NOT_FOUND", "No such user");
      ownerUserId = owner;
    }
    const fields: WithoutSystemFields<Doc<"groups">> = { name };
    if (slug !== undefined) fields.slug = slug;
    if (parentGroupId !== undefined) fields.parentGroupId = parentGroupId;
    if (extend !== undefined) fields.extend = extend;
    const groupId = await ctx.db.insert("groups", fields);
    if (ownerUserId !== undefined) {
      await ctx.db.insert("members", { groupId, userId: ownerUserId, role: OWNER_ROLE });
    }
    await recordEvent(
      ctx,
      {
        type: "group_created",
        ...(ownerUserId !== undefined ? { userId: ownerUserId } : {}),
        data: { groupId, name, ...(parentGroupId !== undefined ? { parentGroupId } : {}) },
      },
      audit,
    );
    return groupId;
  },
});

/**
 * A group by one of its unique keys: its id (`groupId`), or its slug among
 * its siblings (`slug`, under `parentGroupId`; among top-level groups when
 * that is omitted). Exactly one of `groupId`, `slug`, and `parentGroupId`
 * only with `slug` (`INVALID_ARGUMENT` otherwise). `null` when there is none
 * (also for a `groupId` or `parentGroupId` that is no group id).
 */
export const get = query({
  args: { groupId: v.optional(v.string()), slug: v.optional(v.string()), parentGroupId: v.optional(v.string()) },
  returns: v.union(groupDoc, v.null()),
  handler: async (ctx, args) => {
    const { slug } = args;
    requireOneOf(args, "groupId", "slug");
    if (slug === undefined) {
      if (args.parentGroupId !== undefined) throw authError("INVALID_ARGUMENT", "parentGroupId goes with slug");
      const groupId = ctx.db.normalizeId("groups", args.groupId!);
      return groupId === null ? null : await ctx.db.get(groupId);
    }
    const parentGroupId = args.parentGroupId === undefined ? undefined : ctx.db.normalizeId("groups", args.parentGroupId);
    if (parentGroupId === null) return null;
    return await ctx.db
      .query("groups")
      .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", parentGroupId).eq("slug", slug))
      .first();
  },
});

/**
 * The subgroups of `parentGroupId` (top-level groups when omitted), a page at
 * a time, ordered by slug (groups without one first). None when
 * `parentGroupId` is no group id. (A user's groups: `members.list({ userId })`.)
 */
export const list = query({
  args: { parentGroupId: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(groupDoc),
  handler: async (ctx, args) => {
    const { paginationOpts } = args;
    const parentGroupId = args.parentGroupId === undefined ? undefined : ctx.db.normalizeId("groups", args.parentGroupId);
    if (parentGroupId === null) return { page: [], isDone: true, continueCursor: "" };
    return await ctx.db
      .query("groups")
      .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", parentGroupId))
      .paginate(paginationOpts);
  },
});

/**
 * Updates a group. `null` unsets `slug` or `parentGroupId` (making it a
 * top-level group). A new slug or parent must keep slugs unique among
 * siblings (`SLUG_TAKEN`); a group cannot be moved under itself or a
 * descendant (`INVALID_ARGUMENT`). `NOT_FOUND` for an unknown group or
 * parent (or a string that is no group id). Recorded as `group_updated`
 * with the names of the fields given (`actorUserId` as for `create`).
 */
export const update = mutation({
  args: {
    groupId: v.string(),
    patch: v.object({
      name: v.optional(v.string()),
      slug: v.optional(v.union(v.string(), v.null())),
      parentGroupId: v.optional(v.union(v.string(), v.null())),
      extend: v.optional(v.any()),
    }),
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const { patch } = args;
    const groupId = groupIdOrNotFound(ctx, args.groupId);
    const group = await requireGroup(ctx, groupId);
    const audit = await auditOf(ctx, args);
    const slug = patch.slug === undefined ? group.slug : (patch.slug ?? undefined);
    const parentGroupId: Id<"groups"> | undefined =
      patch.parentGroupId === undefined
        ? group.parentGroupId
        : patch.parentGroupId === null
          ? undefined
          : groupIdOrNotFound(ctx, patch.parentGroupId, "parent group");
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
    const fields = Object.keys(patch).filter((field) => field === "extend" || patch[field as keyof typeof patch] !== undefined);
    if (fields.length > 0) await recordEvent(ctx, { type: "group_updated", data: { groupId, fields: fields.join(",") } }, audit);
    return null;
  },
});

/**
 * Deletes a group with its memberships, its invites and its subgroups (with
 * theirs, all the way down). The group is gone at once; a small group's
 * contents go in the same transaction, a large one's continue in background
 * transactions of at most 4,000 documents each. Returns true when everything
 * was deleted now. Should a background transaction be lost or fail, the
 * hourly sweep resumes it. `NOT_FOUND` for an unknown group (or a string
 * that is no group id). Recorded as one `group_deleted` (`actorUserId`:
 * who deleted it); its memberships and subgroups go without events of their own.
 */
const deleteGroup = mutation({
  args: { groupId: v.string(), actorUserId: v.optional(v.string()), audit: v.optional(auditPolicy) },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const groupId = groupIdOrNotFound(ctx, args.groupId);
    const group = await requireGroup(ctx, groupId);
    const audit = await auditOf(ctx, args);
    await ctx.db.delete(groupId);
    await recordEvent(ctx, { type: "group_deleted", data: { groupId, name: group.name } }, audit);
    return await deleteGroupContents(ctx, [groupId]);
  },
});
export { deleteGroup as delete };

/**
 * Background continuation of `delete`, for a group whose document is already
 * gone (also run by the sweep for a deletion whose marker stalled).
 */
export const deleteContinue = internalMutation({
  args: { groupId: v.id("groups") },
  returns: v.null(),
  handler: async (ctx, { groupId }) => {
    await deleteGroupContents(ctx, [groupId]);
    return null;
  },
});
