import type { SignedIn } from "../../identity.js";
import { auditArgs, type AuditArg, type AuditSource } from "../audit.js";
import type { RunMutationCtx, RunQueryCtx } from "../ctx.js";

/** Any context that can run a query: a query's, a mutation's or an action's. */
export type QueryRunner = RunQueryCtx;
/** Any context that can run a mutation: a mutation's or an action's. */
export type MutationRunner = RunMutationCtx;

/** What the group helpers know from `Auth()`: the `audit` to pass. */
export type GroupHelperOptions = { audit?: AuditSource };

/**
 * What a write passes for the audit log: the caller as actor (when signed
 * in; in an impersonation, the admin acting as them), and `audit`.
 */
export async function audited(options: GroupHelperOptions, who: SignedIn | null): Promise<{ actorUserId?: string; audit?: AuditArg }> {
  return { ...(who !== null ? { actorUserId: who.impersonatorUserId ?? who.userId } : {}), ...(await auditArgs(options.audit)) };
}
