import type { FunctionArgs, FunctionReturnType } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError } from "../errors.js";
import type { RunQueryCtx } from "./ctx.js";
import { paginationOptsOf, requireString } from "./user.js";

/** What `auth.admin.audit.list` takes: `userId` or `actorUserId` or `type` leads, or `all: true` (see docs/sessions.md, "The audit log"). */
export type AuditListArgs = FunctionArgs<ComponentApi["events"]["list"]>;
/** A page of the audit log. */
export type AuditEventPage = FunctionReturnType<ComponentApi["events"]["list"]>;
/** One audit event: `type`, `userId` (the subject), `actorUserId`, `data`, `ip`, `userAgent`, `expirationTime`... */
export type AuditEvent = AuditEventPage["page"][number];

const optionalString = (value: unknown, name: string) => (value === undefined ? undefined : requireString(value, name));
function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw authError("INVALID_ARGUMENT", `${name} must be a number (ms since the epoch)`);
  return value;
}

/**
 * `auth.admin.audit.*`: the audit log for admin tools (as `auth.admin.audit`,
 * `Auth()` checks the caller is an admin first: see helpers/admin.ts).
 */
export function auditAdminHelpers(component: ComponentApi) {
  return {
    /**
     * Audit events, newest first, a page at a time (for `usePaginatedQuery`):
     * about a user (`userId`), done by someone to others (`actorUserId`: an
     * admin's actions), or everyone's of one `type`; `type` also narrows the
     * first two; or every event (`all: true` alone: a live feed, as a
     * query subscription is); `since` / `until` (ms, inclusive) bound the
     * time. Each page is one index range. `INVALID_ARGUMENT` for `userId`
     * with `actorUserId`, none of the three (nor `all`), `all` with one of
     * them, or a malformed argument.
     *
     * @example
     * ```ts
     * export const auditTrail = query({
     *   args: { userId: v.optional(v.string()), actorUserId: v.optional(v.string()), paginationOpts: paginationOptsValidator },
     *   handler: async (ctx, args) => {
     *     await auth.user.require(ctx); // a public function: no signed-out callers
     *     return await auth.admin.audit.list(ctx, args);
     *   },
     * });
     * ```
     */
    async list(ctx: RunQueryCtx, args: AuditListArgs): Promise<AuditEventPage> {
      if (typeof args !== "object" || args === null) throw authError("INVALID_ARGUMENT", "Give { userId | actorUserId | type, paginationOpts }");
      const userId = optionalString(args.userId, "userId");
      const actorUserId = optionalString(args.actorUserId, "actorUserId");
      const type = optionalString(args.type, "type");
      const since = optionalNumber(args.since, "since");
      const until = optionalNumber(args.until, "until");
      if (args.all !== undefined && typeof args.all !== "boolean") throw authError("INVALID_ARGUMENT", "all must be a boolean");
      return await ctx.runQuery(component.events.list, {
        ...(userId !== undefined ? { userId } : {}),
        ...(actorUserId !== undefined ? { actorUserId } : {}),
        ...(type !== undefined ? { type } : {}),
        ...(args.all !== undefined ? { all: args.all } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        paginationOpts: paginationOptsOf(args.paginationOpts),
      });
    },
  };
}
