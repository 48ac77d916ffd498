import type { ComponentApi } from "../../../component/_generated/component.js";
import { requireLiveCaller } from "../../session/live.js";
import { authError } from "../../errors.js";
import { audited, type GroupHelperOptions, type MutationRunner as WriteCtx, type QueryRunner as ReadCtx } from "./ctx.js";
import type { Group, GroupWithMembership, PaginationOptions, PaginationResult } from "./types.js";

/** What `auth.group.create` takes. */
export type CreateGroupArgs = {
  /** Shown to people; must not be blank. */
  name: string;
  /** Unique among the groups with the same parent (`SLUG_TAKEN` otherwise). */
  slug?: string;
  /** Nests the group under this one. */
  parentGroupId?: string;
  /** App data stored with the group. */
  extend?: unknown;
  /** This user becomes the first member, with role `"owner"`, in the same transaction. */
  ownerUserId?: string;
};

/** What `auth.group.update` changes; `null` unsets `slug` or `parentGroupId`. */
export type GroupPatch = {
  name?: string;
  slug?: string | null;
  parentGroupId?: string | null;
  extend?: unknown;
};

function checkName(name: string | undefined): void {
  if (name !== undefined && name.trim() === "") throw authError("INVALID_ARGUMENT", "A group needs a name");
  if (name !== undefined && name.length > 200) throw authError("INVALID_ARGUMENT", "A group name has at most 200 characters");
}

function checkSlug(slug: string | null | undefined): void {
  if (typeof slug === "string" && slug === "") throw authError("INVALID_ARGUMENT", "A slug cannot be empty");
}

/** `auth.group.*`. */
export function groupNamespace(component: ComponentApi, options: GroupHelperOptions = {}) {
  function list(
    ctx: ReadCtx,
    args: { userId: string; paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<GroupWithMembership>>;
  function list(
    ctx: ReadCtx,
    args: { parentGroupId?: string; paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<Group>>;
  async function list(
    ctx: ReadCtx,
    args: { userId?: string; parentGroupId?: string; paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<Group> | PaginationResult<GroupWithMembership>> {
    const { userId, parentGroupId, paginationOpts } = args;
    if (userId !== undefined) {
      if (parentGroupId !== undefined) {
        throw authError("INVALID_ARGUMENT", "List by userId or by parentGroupId, not both");
      }
      const result = await ctx.runQuery(component.members.list, { userId, paginationOpts });
      return {
        ...result,
        page: result.page.map(({ group, _id, role }) => ({ ...group, membership: { memberId: _id, role } })),
      };
    }
    return await ctx.runQuery(component.groups.list, {
      paginationOpts,
      ...(parentGroupId !== undefined ? { parentGroupId } : {}),
    });
  }

  return {
    /**
     * Creates a group and returns its id. With `ownerUserId`, that user
     * becomes its first member with role `"owner"` in the same transaction.
     * `SLUG_TAKEN` when a sibling has the slug; `NOT_FOUND` for an unknown
     * parent or owner.
     *
     * @example
     * ```ts
     * const userId = await auth.user.require(ctx);
     * const groupId = await auth.group.create(ctx, { name: "Acme", slug: "acme", ownerUserId: userId });
     * const teamId = await auth.group.create(ctx, { name: "Design", parentGroupId: groupId });
     * ```
     */
    async create(ctx: WriteCtx, args: CreateGroupArgs): Promise<string> {
      const who = await requireLiveCaller(ctx, component);
      checkName(args.name);
      checkSlug(args.slug);
      return await ctx.runMutation(component.groups.create, { ...args, ...(await audited(options, who)) });
    },

    /**
     * The group with this id, or `null`.
     *
     * @example
     * ```ts
     * const group = await auth.group.get(ctx, groupId);
     * if (group === null) throw new ConvexError("No such group");
     * ```
     */
    async get(ctx: ReadCtx, groupId: string): Promise<Group | null> {
      return await ctx.runQuery(component.groups.get, { groupId });
    },

    /**
     * The group with this slug under `parentGroupId` (among top-level groups
     * when omitted), or `null`.
     *
     * @example
     * ```ts
     * const acme = await auth.group.getBySlug(ctx, "acme");
     * const design = await auth.group.getBySlug(ctx, "design", { parentGroupId: acme!._id });
     * ```
     */
    async getBySlug(ctx: ReadCtx, slug: string, options: { parentGroupId?: string } = {}): Promise<Group | null> {
      return await ctx.runQuery(component.groups.get, { slug, ...options });
    },

    /**
     * Groups, a page at a time (`paginationOpts` as `usePaginatedQuery` sends it):
     * - `{ userId }`: the groups the user belongs to, each with
     *   `membership: { memberId, role }`, oldest membership first;
     * - `{ parentGroupId }`: its subgroups; `{}`: the top-level groups
     *   (ordered by slug).
     *
     * @example
     * ```ts
     * export const myGroups = query({
     *   args: { paginationOpts: paginationOptsValidator },
     *   handler: async (ctx, { paginationOpts }) =>
     *     await auth.group.list(ctx, { userId: await auth.user.require(ctx), paginationOpts }),
     * });
     * ```
     */
    list,

    /**
     * Updates a group's name, slug, parent or app data (`null` unsets `slug`
     * or `parentGroupId`). `SLUG_TAKEN` when the new place has a sibling with
     * the slug; `INVALID_ARGUMENT` when moving a group under itself or a
     * descendant; `NOT_FOUND` for an unknown group or parent.
     *
     * @example
     * ```ts
     * await auth.group.update(ctx, groupId, { name: "Acme Inc.", slug: "acme-inc" });
     * await auth.group.update(ctx, teamId, { parentGroupId: null }); // now top level
     * ```
     */
    async update(ctx: WriteCtx, groupId: string, patch: GroupPatch): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      checkName(patch.name);
      checkSlug(patch.slug);
      await ctx.runMutation(component.groups.update, { groupId, patch, ...(await audited(options, who)) });
    },

    /**
     * Deletes a group with everything under it: its memberships, its invites
     * and its subgroups (with theirs). The group is gone at once; a large
     * group's rows go in background transactions of at most 4,000 documents,
     * so any size fits Convex's limits. `NOT_FOUND` for an unknown group.
     *
     * @example
     * ```ts
     * const userId = await auth.user.require(ctx);
     * if ((await auth.member.get(ctx, { groupId, userId }))?.role !== "owner") throw new ConvexError("Owners only");
     * await auth.group.delete(ctx, groupId);
     * ```
     */
    async delete(ctx: WriteCtx, groupId: string): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.groups.delete, { groupId, ...(await audited(options, who)) });
    },
  };
}
