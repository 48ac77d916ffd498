import type { ComponentApi } from "../../../component/_generated/component.js";
import { requireLiveCaller } from "../../session/live.js";
import { authError } from "../../errors.js";
import { audited, type GroupHelperOptions, type MutationRunner as WriteCtx, type QueryRunner as ReadCtx } from "./ctx.js";
import type { Member, MemberWithGroup, PaginationOptions, PaginationResult } from "./types.js";

function checkRole(role: string): void {
  if (role.trim() === "") throw authError("INVALID_ARGUMENT", "A role cannot be blank");
  if (role.length > 100) throw authError("INVALID_ARGUMENT", "A role has at most 100 characters");
}

/** `auth.member.*`. */
export function memberNamespace(component: ComponentApi, options: GroupHelperOptions = {}) {
  return {
    /**
     * Adds a user to a group with a role (any string the app uses; `"owner"`
     * is the one the last-owner guard protects). Returns the membership id.
     * `ALREADY_MEMBER` when the user is a member (checked in the same
     * transaction as the write; change a role with `updateRole`);
     * `NOT_FOUND` for an unknown group or user.
     *
     * @example
     * ```ts
     * await auth.member.add(ctx, { groupId, userId, role: "admin" });
     * ```
     */
    async add(
      ctx: WriteCtx,
      args: { groupId: string; userId: string; role: string; extend?: unknown },
    ): Promise<string> {
      const who = await requireLiveCaller(ctx, component);
      checkRole(args.role);
      return await ctx.runMutation(component.members.set, { ...args, onlyNew: true, ...(await audited(options, who)) });
    },

    /**
     * The user's membership of the group (with its `role`), or `null`. The
     * usual authorisation check.
     *
     * @example
     * ```ts
     * const me = await auth.member.get(ctx, { groupId, userId: await auth.user.require(ctx) });
     * if (me === null || !["owner", "admin"].includes(me.role)) throw new ConvexError("Admins only");
     * ```
     */
    async get(ctx: ReadCtx, args: { groupId: string; userId: string }): Promise<Member | null> {
      return await ctx.runQuery(component.members.get, args);
    },

    /**
     * Memberships, a page at a time, each with its `group`:
     * - `{ groupId, role? }`: the group's members, ordered by user id; with
     *   `role`, only the members holding it. Cost depends on the page size,
     *   not on the size of the group.
     * - `{ userId }`: the user's memberships, oldest first (`auth.group.list`
     *   with `userId` gives the same as groups with their `membership`).
     *
     * `INVALID_ARGUMENT` for both `groupId` and `userId`.
     *
     * @example
     * ```ts
     * export const members = query({
     *   args: { groupId: v.string(), paginationOpts: paginationOptsValidator },
     *   handler: async (ctx, { groupId, paginationOpts }) =>
     *     await auth.member.list(ctx, { groupId, paginationOpts }),
     * });
     * // React: usePaginatedQuery(api.groups.members, { groupId }, { initialNumItems: 20 })
     * ```
     */
    async list(
      ctx: ReadCtx,
      args:
        | { groupId: string; role?: string; paginationOpts: PaginationOptions }
        | { userId: string; paginationOpts: PaginationOptions },
    ): Promise<PaginationResult<MemberWithGroup>> {
      // Both at once (untyped callers): the component refuses, INVALID_ARGUMENT.
      return await ctx.runQuery(component.members.list, args);
    },

    /**
     * Changes a member's role (the membership's `extend` is kept). Demoting
     * the group's last `"owner"` fails with `LAST_OWNER` (promote someone
     * else first); `NOT_FOUND` when the user is not a member (checked in the
     * same transaction as the write) or for an unknown group or user.
     *
     * @example
     * ```ts
     * await auth.member.updateRole(ctx, { groupId, userId: bob, role: "owner" });
     * await auth.member.updateRole(ctx, { groupId, userId: ada, role: "member" }); // Bob is owner now
     * ```
     */
    async updateRole(ctx: WriteCtx, args: { groupId: string; userId: string; role: string }): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      checkRole(args.role);
      const { groupId, userId, role } = args;
      await ctx.runMutation(component.members.set, { groupId, userId, role, onlyExisting: true, ...(await audited(options, who)) });
    },

    /**
     * Removes a user from a group. Removing the last `"owner"` fails with
     * `LAST_OWNER` (delete the group instead, or hand it over first);
     * `NOT_FOUND` when the user is not a member.
     *
     * @example
     * ```ts
     * // Leave a group
     * await auth.member.remove(ctx, { groupId, userId: await auth.user.require(ctx) });
     * ```
     */
    async remove(ctx: WriteCtx, args: { groupId: string; userId: string }): Promise<void> {
      const who = await requireLiveCaller(ctx, component);
      await ctx.runMutation(component.members.remove, { ...args, ...(await audited(options, who)) });
    },
  };
}
