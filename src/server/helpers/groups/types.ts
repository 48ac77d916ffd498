import type { FunctionReturnType, PaginationOptions, PaginationResult } from "convex/server";
import type { ComponentApi } from "../../../component/_generated/component.js";

/** A group as the helpers return it. */
export type Group = NonNullable<FunctionReturnType<ComponentApi["groups"]["get"]>>;

/** A membership: `groupId`, `userId`, `role`, `extend`. */
export type Member = NonNullable<FunctionReturnType<ComponentApi["members"]["get"]>>;

/** A membership with its `group`, as `auth.member.list` returns it. */
export type MemberWithGroup = FunctionReturnType<ComponentApi["members"]["list"]>["page"][number];

/** A group the user belongs to, with `membership: { memberId, role }`. */
export type GroupWithMembership = Group & { membership: { memberId: Member["_id"]; role: string } };

/** An invite as the helpers return it (never its token or the token's hash). */
export type Invite = NonNullable<FunctionReturnType<ComponentApi["invites"]["get"]>>;

/** The states an invite moves through: `pending` -> `accepted` | `revoked` | `expired`. */
export type InviteStatus = Invite["status"];

/**
 * How an invite bound to an email checks the user accepting it:
 * - `"verified"` (default): the user's email equals the invite's and is verified;
 * - `"match"`: the emails are equal, verified or not;
 * - `"none"`: no check; the email only addresses the invite and keeps duplicates out.
 */
export type InviteEmailCheck = NonNullable<Invite["emailCheck"]>;

export type { PaginationOptions, PaginationResult };
