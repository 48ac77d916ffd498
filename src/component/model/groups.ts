import { v } from "convex/values";
import { internal } from "../_generated/api.js";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { groupFields, inviteFields, memberFields } from "../schema.js";
import { markDone, markPending } from "./deletions.js";

/** The role the last-owner guard protects. */
export const OWNER_ROLE = "owner";
/** The role an invite grants when it names none. */
export const DEFAULT_INVITE_ROLE = "member";

/** A group as it leaves the component. */
export const groupDoc = v.object({
  _id: v.id("groups"),
  _creationTime: v.number(),
  ...groupFields,
});

/** A membership as it leaves the component. */
export const memberDoc = v.object({
  _id: v.id("members"),
  _creationTime: v.number(),
  ...memberFields,
});

/** A membership with its group, as `members.list` returns it. */
export const memberWithGroupDoc = v.object({
  ...memberDoc.fields,
  group: groupDoc,
});

const { tokenHash: _tokenHash, ...publicInviteFields } = inviteFields;

/**
 * An invite as it leaves the component: never its token hash (it is what
 * `accept` looks the invite up by), and with its effective status (a pending
 * invite past its expiry reads as `expired`).
 */
export const inviteDoc = v.object({
  _id: v.id("invites"),
  _creationTime: v.number(),
  ...publicInviteFields,
});

/** True when a pending invite's expiry has passed. */
export function isPastDue(invite: Doc<"invites">, now: number): boolean {
  return invite.status === "pending" && invite.expirationTime !== undefined && invite.expirationTime <= now;
}

/** The invite as {@link inviteDoc} describes it. */
export function publicInvite(invite: Doc<"invites">, now: number) {
  const { tokenHash: _hash, ...rest } = invite;
  return isPastDue(invite, now) ? { ...rest, status: "expired" as const } : rest;
}

/** The group, or `NOT_FOUND`. */
export async function requireGroup(ctx: QueryCtx, groupId: Id<"groups">): Promise<Doc<"groups">> {
  const group = await ctx.db.get(groupId);
  if (group === null) throw authError("NOT_FOUND", "No such group");
  return group;
}

/** The user's membership of the group, or `null`. */
export async function findMember(ctx: QueryCtx, groupId: Id<"groups">, userId: Id<"users">) {
  return await ctx.db
    .query("members")
    .withIndex("by_group_user", (q) => q.eq("groupId", groupId).eq("userId", userId))
    .unique();
}

/**
 * True when `member` holds the `"owner"` role and no other member of its
 * group does: the one definition of "last owner". Reads at most two owners,
 * so the cost does not grow with the group.
 */
export async function isLastOwner(ctx: QueryCtx, member: Doc<"members">): Promise<boolean> {
  if (member.role !== OWNER_ROLE) return false;
  const owners = await ctx.db
    .query("members")
    .withIndex("by_group_role", (q) => q.eq("groupId", member.groupId).eq("role", OWNER_ROLE))
    .take(2);
  return owners.length < 2;
}

/** Refuses (`LAST_OWNER`) when `member` is the group's only owner (see {@link isLastOwner}). */
export async function guardLastOwner(ctx: QueryCtx, member: Doc<"members">): Promise<void> {
  if (await isLastOwner(ctx, member)) throw authError("LAST_OWNER", "A group must keep at least one owner");
}

/** Most `"owner"` memberships one user deletion checks (two reads each). */
export const MAX_OWNED_GROUPS = 1000;

/**
 * Before a user is deleted: refuses (`LAST_OWNER`) when the user is the last
 * owner (see {@link isLastOwner}) of a group that still exists (a group being
 * deleted may not be, its memberships linger a moment). Returns the user's
 * owner memberships. `INVALID_ARGUMENT` when the user owns more than
 * {@link MAX_OWNED_GROUPS} groups, more than one transaction may check.
 */
export async function guardUserOwnerships(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"members">[]> {
  const owned = await ctx.db
    .query("members")
    .withIndex("by_user_role", (q) => q.eq("userId", userId).eq("role", OWNER_ROLE))
    .take(MAX_OWNED_GROUPS + 1);
  if (owned.length > MAX_OWNED_GROUPS) {
    throw authError(
      "INVALID_ARGUMENT",
      `The user owns more than ${MAX_OWNED_GROUPS} groups: hand some over or delete them first`,
    );
  }
  for (const member of owned) {
    if ((await isLastOwner(ctx, member)) && (await ctx.db.get(member.groupId)) !== null) {
      throw authError(
        "LAST_OWNER",
        `The user is the last owner of group ${member.groupId}: make another member owner or delete the group first`,
      );
    }
  }
  return owned;
}

/**
 * Refuses (`SLUG_TAKEN`) when a sibling under `parentGroupId` other than
 * `self` uses `slug`.
 */
export async function guardSlug(
  ctx: QueryCtx,
  parentGroupId: Id<"groups"> | undefined,
  slug: string | undefined,
  self?: Id<"groups">,
): Promise<void> {
  if (slug === undefined) return;
  const holder = await ctx.db
    .query("groups")
    .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", parentGroupId).eq("slug", slug))
    .first();
  if (holder !== null && holder._id !== self) {
    throw authError("SLUG_TAKEN", `A sibling group already has the slug "${slug}"`);
  }
}

/** Longest chain of ancestors walked; only corrupt data could reach it. */
const MAX_ANCESTORS = 1000;

/**
 * Checks that `parentGroupId` exists and is not `groupId` or one of its
 * descendants (a group cannot be nested under itself).
 */
export async function guardParent(
  ctx: QueryCtx,
  parentGroupId: Id<"groups">,
  groupId?: Id<"groups">,
): Promise<void> {
  let current: Id<"groups"> | undefined = parentGroupId;
  for (let depth = 0; current !== undefined; depth++) {
    if (current === groupId || depth >= MAX_ANCESTORS) {
      throw authError("INVALID_ARGUMENT", "A group cannot be nested under itself");
    }
    const ancestor: Doc<"groups"> | null = await ctx.db.get(current);
    if (ancestor === null) {
      throw authError("NOT_FOUND", depth === 0 ? "No such parent group" : "An ancestor group is missing");
    }
    current = ancestor.parentGroupId;
  }
}

// ---------------------------------------------------------------------------
// Deleting a group's contents, in bounded transactions.

/** Documents deleted per transaction (well under the 16,000 written). */
export const DELETE_BUDGET = 4000;
/** Groups visited per transaction: three index ranges each, well under 4,096. */
const VISIT_BUDGET = 200;
/** Subgroups taken per visit. */
const CHILD_BATCH = 100;
/** Continuations one transaction may schedule (Convex allows 1,000). */
const SCHEDULE_CAP = 500;

type Budget = { docs: number; visits: number; scheduled: number };

/**
 * Deletes everything under groups whose own documents are already gone:
 * their subgroups (documents at once, then their contents), invites and
 * memberships. Works through a stack within this transaction's budget and
 * schedules `groups.deleteContinue` for each group it could not finish,
 * with a pending-deletion marker written in this same transaction (so the
 * sweep resumes it should the continuation be lost or fail); a root that
 * finishes has its marker removed. Returns true when nothing is left.
 */
export async function deleteGroupContents(ctx: MutationCtx, roots: Id<"groups">[]): Promise<boolean> {
  const budget: Budget = { docs: DELETE_BUDGET, visits: VISIT_BUDGET, scheduled: 0 };
  const stack = [...roots];
  // Subgroups found here were deleted in this transaction: no marker yet.
  const mayHaveMarker = new Set<Id<"groups">>(roots);
  let finished = true;
  while (stack.length > 0) {
    const groupId = stack.pop()!;
    const done =
      budget.docs > 0 && budget.visits > 0 && (await deleteStep(ctx, groupId, budget, stack));
    if (!done) {
      finished = false;
      budget.scheduled += 1;
      await markPending(ctx, "group", groupId);
      await ctx.scheduler.runAfter(0, internal.groups.deleteContinue, { groupId });
    } else if (mayHaveMarker.has(groupId)) {
      await markDone(ctx, "group", groupId);
    }
  }
  return finished;
}

/**
 * One visit of a deleted group: its subgroups' documents (pushed on `stack`
 * for their own contents), invites, then memberships. Returns false when
 * something is left for a later transaction.
 */
async function deleteStep(
  ctx: MutationCtx,
  groupId: Id<"groups">,
  budget: Budget,
  stack: Id<"groups">[],
): Promise<boolean> {
  budget.visits -= 1;
  // Every subgroup taken is pushed and, if not finished here, scheduled: keep
  // room for all of them and for this group's own continuation.
  const childLimit = Math.min(
    budget.docs,
    CHILD_BATCH,
    SCHEDULE_CAP - budget.scheduled - stack.length - 1,
  );
  if (childLimit <= 0) return false;
  const children = await ctx.db
    .query("groups")
    .withIndex("by_parent_slug", (q) => q.eq("parentGroupId", groupId))
    .take(childLimit);
  for (const child of children) {
    await ctx.db.delete(child._id);
    stack.push(child._id);
  }
  budget.docs -= children.length;
  if (children.length === childLimit) return false;

  const invitesDone = await deleteRows(ctx, budget, (n) =>
    ctx.db
      .query("invites")
      .withIndex("by_group_status", (q) => q.eq("groupId", groupId))
      .take(n),
  );
  if (!invitesDone) return false;
  return await deleteRows(ctx, budget, (n) =>
    ctx.db
      .query("members")
      .withIndex("by_group_user", (q) => q.eq("groupId", groupId))
      .take(n),
  );
}

/** Deletes up to the budget's rows of one range; true when the range is empty now. */
async function deleteRows(
  ctx: MutationCtx,
  budget: Budget,
  take: (n: number) => Promise<{ _id: Id<"invites"> | Id<"members"> }[]>,
): Promise<boolean> {
  if (budget.docs <= 0) return false;
  const limit = budget.docs;
  const rows = await take(limit);
  for (const row of rows) await ctx.db.delete(row._id);
  budget.docs -= rows.length;
  return rows.length < limit;
}
