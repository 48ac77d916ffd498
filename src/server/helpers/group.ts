import type { ComponentApi } from "../../component/_generated/component.js";
import type { AuditSource } from "./audit.js";
import { groupNamespace } from "./groups/groups.js";
import { inviteNamespace } from "./groups/invites.js";
import { memberNamespace } from "./groups/members.js";

export type { CreateGroupArgs, GroupPatch } from "./groups/groups.js";
export type { AcceptedInvite, CreateInviteArgs } from "./groups/invites.js";
export type {
  Group,
  GroupWithMembership,
  Invite,
  InviteEmailCheck,
  InviteStatus,
  Member,
  MemberWithGroup,
} from "./groups/types.js";

/**
 * `auth.group.*`, `auth.member.*`, `auth.invite.*`: groups (optionally
 * nested), memberships with roles, and invites. The component keeps the
 * invariants (unique slugs among siblings, one membership per user and group,
 * a last owner, invite status transitions); who may do what is the app's
 * call, made in its own functions before calling these. What they change
 * is audited, with the signed-in caller (if any) as the actor.
 */
export function groupHelpers(component: ComponentApi, options: { audit?: AuditSource } = {}) {
  return {
    group: groupNamespace(component, options),
    member: memberNamespace(component, options),
    invite: inviteNamespace(component, options),
  };
}
