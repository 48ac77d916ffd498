import { paginationOptsValidator } from "convex/server";
import { ConvexError, v } from "convex/values";
import { authError } from "convex-auth-kit/server";
import { mutation, query, type QueryCtx } from "./_generated/server";
import { auth } from "./auth";

/** Invite links work for a week. */
const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Who may invite, revoke invites and remove members. */
const MANAGERS = ["owner", "admin"];

/**
 * The app's policy, in one place: the signed-in user's membership of the
 * group, with one of `roles` when given. Non-members get `NOT_FOUND`, so a
 * group's existence does not leak.
 */
async function requireMembership(ctx: QueryCtx, groupId: string, roles?: string[]) {
  const userId = await auth.user.require(ctx);
  const me = await auth.member.get(ctx, { groupId, userId });
  if (me === null) throw authError("NOT_FOUND", "No such group");
  if (roles !== undefined && !roles.includes(me.role)) {
    throw new ConvexError({ code: "FORBIDDEN", message: `Only ${roles.join(" or ")} members can do this` });
  }
  return me;
}

/** The longest group name the app accepts. */
const GROUP_NAME_MAX = 100;

/** Creates a group (a name of 1 to 100 characters); the signed-in user becomes its owner. */
export const create = mutation({
  args: { name: v.string() },
  handler: async (ctx, { name }) => {
    const userId = await auth.user.require(ctx);
    const trimmed = name.trim();
    if (trimmed.length > GROUP_NAME_MAX) {
      throw authError("INVALID_ARGUMENT", `A group name has 1 to ${GROUP_NAME_MAX} characters`);
    }
    return await auth.group.create(ctx, { name: trimmed, ownerUserId: userId });
  },
});

/** The signed-in user's groups with their role, a page at a time. */
export const mine = query({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) => {
    const userId = await auth.user.require(ctx);
    const result = await auth.group.list(ctx, { userId, paginationOpts });
    return {
      ...result,
      page: result.page.map((g) => ({ id: g._id, name: g.name, role: g.membership.role })),
    };
  },
});

/** A group the signed-in user belongs to, with their role. */
export const get = query({
  args: { groupId: v.string() },
  handler: async (ctx, { groupId }) => {
    const me = await requireMembership(ctx, groupId);
    const group = await auth.group.get(ctx, groupId);
    if (group === null) throw authError("NOT_FOUND", "No such group");
    return { id: group._id, name: group.name, myRole: me.role, canManage: MANAGERS.includes(me.role) };
  },
});

/** A group's members with their names, a page at a time (members only). */
export const members = query({
  args: { groupId: v.string(), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { groupId, paginationOpts }) => {
    const me = await requireMembership(ctx, groupId);
    const result = await auth.member.list(ctx, { groupId, paginationOpts });
    const page = [];
    for (const member of result.page) {
      const user = await auth.user.get(ctx, member.userId);
      page.push({
        userId: member.userId,
        role: member.role,
        name: user?.name ?? null,
        email: user?.email ?? null,
        isMe: member.userId === me.userId,
      });
    }
    return { ...result, page };
  },
});

/**
 * Creates an invite link for the group (owners and admins). The token is
 * returned this once; only its hash is stored. Anyone signed in who has the
 * link can accept it within a week.
 */
export const createInviteLink = mutation({
  args: { groupId: v.string(), role: v.optional(v.string()) },
  handler: async (ctx, { groupId, role }) => {
    const me = await requireMembership(ctx, groupId, MANAGERS);
    if (role === "owner" && me.role !== "owner") {
      throw new ConvexError({ code: "FORBIDDEN", message: "Only owners can invite owners" });
    }
    const { inviteId, token } = await auth.invite.create(ctx, {
      groupId,
      role: role ?? "member",
      invitedByUserId: me.userId,
      expirationTime: Date.now() + INVITE_TTL_MS,
    });
    return { inviteId, token };
  },
});

/** The group's pending invites (owners and admins). */
export const pendingInvites = query({
  args: { groupId: v.string() },
  handler: async (ctx, { groupId }) => {
    await requireMembership(ctx, groupId, MANAGERS);
    const { page } = await auth.invite.list(ctx, {
      groupId,
      status: "pending",
      paginationOpts: { numItems: 50, cursor: null },
    });
    return page.map((i) => ({
      id: i._id,
      role: i.role ?? "member",
      creationTime: i._creationTime,
      expirationTime: i.expirationTime ?? null,
    }));
  },
});

/** Revokes one of the group's invites (owners and admins). */
export const revokeInvite = mutation({
  args: { groupId: v.string(), inviteId: v.string() },
  handler: async (ctx, { groupId, inviteId }) => {
    await requireMembership(ctx, groupId, MANAGERS);
    const invite = await auth.invite.get(ctx, inviteId);
    if (invite === null || invite.groupId !== groupId) throw authError("NOT_FOUND", "No such invite");
    await auth.invite.revoke(ctx, inviteId);
  },
});

/**
 * What an invite link offers, for the page that accepts it: the group's
 * name and the role, or null when the link does not work (unknown, used,
 * revoked or expired). Needs no sign-in: the token is the secret.
 */
export const invitePreview = query({
  args: { token: v.string() },
  handler: async (ctx, { token }) => {
    const invite = await auth.invite.getByToken(ctx, token);
    if (invite === null) return null;
    const group = invite.groupId ? await auth.group.get(ctx, invite.groupId) : null;
    const inviter = invite.invitedByUserId ? await auth.user.get(ctx, invite.invitedByUserId) : null;
    return {
      status: invite.status,
      groupId: group?._id ?? null,
      groupName: group?.name ?? null,
      role: invite.role ?? "member",
      invitedBy: inviter?.name ?? inviter?.email ?? null,
      expirationTime: invite.expirationTime ?? null,
    };
  },
});

/** Accepts an invite as the signed-in user: they join the group with the invite's role. */
export const acceptInvite = mutation({
  args: { token: v.string() },
  handler: async (ctx, { token }) => {
    const userId = await auth.user.require(ctx);
    const { groupId, role } = await auth.invite.accept(ctx, token, { userId });
    return { groupId, role };
  },
});

/** Removes a member (owners and admins), or leaves the group (anyone, for themselves). */
export const removeMember = mutation({
  args: { groupId: v.string(), userId: v.string() },
  handler: async (ctx, { groupId, userId }) => {
    const me = await requireMembership(ctx, groupId);
    if (userId !== me.userId) {
      if (!MANAGERS.includes(me.role)) {
        throw new ConvexError({ code: "FORBIDDEN", message: "Only owners and admins can remove members" });
      }
      const target = await auth.member.get(ctx, { groupId, userId });
      if (target?.role === "owner" && me.role !== "owner") {
        throw new ConvexError({ code: "FORBIDDEN", message: "Only owners can remove owners" });
      }
    }
    await auth.member.remove(ctx, { groupId, userId });
  },
});

/** Deletes the group with its members and invites (owners). */
export const remove = mutation({
  args: { groupId: v.string() },
  handler: async (ctx, { groupId }) => {
    await requireMembership(ctx, groupId, ["owner"]);
    await auth.group.delete(ctx, groupId);
  },
});
