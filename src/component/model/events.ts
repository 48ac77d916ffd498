import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import type { EventType } from "../../shared/eventTypes.js";
import { hooksArg, type PreviousContact } from "../../shared/hooks.js";
import { checkHooks, runEventHooks } from "./hooks.js";
import type { revocationReason } from "./validators.js";

/** Why a session ended. */
export type RevocationReason = Infer<typeof revocationReason>;

/** Audit-log event types the component writes (listed in src/shared/eventTypes.ts). */
export type { EventType };

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long events are kept when the call that writes them passes no `audit` (the server passes `Auth({ audit })`'s). */
export const DEFAULT_RETENTION_MS = 90 * DAY_MS;
/** The longest retention a call may ask for (about 100 years). */
const MAX_RETENTION_MS = 36_500 * DAY_MS;
/** A user agent is cut to this length on an event, so a thousand session ends in one transaction stay small. */
export const EVENT_USER_AGENT_MAX = 512;

/**
 * What a call that writes audit events may pass as `audit`: how long its
 * events are kept (`retentionMs`, from `Auth({ audit: { retentionDays } })`).
 * Each event is stamped with `expirationTime` = its time + `retentionMs`,
 * and the hourly sweep deletes events past it. With `hooks` (the app's
 * lifecycle callbacks, `Auth({ callbacks })`: see model/hooks.ts), each
 * event runs the callbacks that want it, and `sessions.issue` runs
 * `beforeSessionCreated`, in the call's transaction.
 */
export const auditPolicy = v.object({ retentionMs: v.number(), hooks: v.optional(hooksArg) });
export type AuditPolicy = Infer<typeof auditPolicy>;

/** How the events of one call are written, built once per call by {@link auditOf}. */
export const auditContext = v.object({
  retentionMs: v.number(),
  /** Who did it when known (an admin, a group's owner): recorded unless it is the event's subject. */
  actorUserId: v.optional(v.id("users")),
  /** The request's IP address and user agent, when Convex knows them (not in scheduled functions). */
  ip: v.optional(v.string()),
  userAgent: v.optional(v.string()),
  /** The app's lifecycle callbacks (from `audit.hooks`), also run by continuations in the background. */
  hooks: v.optional(hooksArg),
});
export type Audit = Infer<typeof auditContext>;

/**
 * The audit context of a call: its `audit` policy (`INVALID_ARGUMENT` for a
 * retention that is not a positive number of ms up to 100 years; 90 days
 * without one), its actor (`actorUserId`, any string: `INVALID_ARGUMENT`
 * for one that is no user id; it is not read), and the request's IP and
 * user agent as Convex passes them to a mutation (the same for a component
 * called from the app's function; none in scheduled functions and crons),
 * and its callbacks (`audit.hooks`: `INVALID_ARGUMENT` for a handle that is
 * none, see model/hooks.ts).
 */
export async function auditOf(
  ctx: MutationCtx,
  args: { audit?: AuditPolicy; actorUserId?: string },
): Promise<Audit> {
  const retentionMs = args.audit?.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!Number.isFinite(retentionMs) || retentionMs <= 0 || retentionMs > MAX_RETENTION_MS) {
    throw authError("INVALID_ARGUMENT", "audit.retentionMs is a positive number of milliseconds, at most 100 years");
  }
  const actorUserId = actorIdOf(ctx, args.actorUserId);
  const hooks = checkHooks(args.audit?.hooks);
  const { ip, userAgent } = await ctx.meta.getRequestMetadata();
  return {
    retentionMs,
    ...(actorUserId !== undefined ? { actorUserId } : {}),
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, EVENT_USER_AGENT_MAX) } : {}),
    ...(hooks !== undefined ? { hooks } : {}),
  };
}

/**
 * The acting user (`actorUserId`, any string) as an id: `INVALID_ARGUMENT`
 * for a string that is no user id; `undefined` without one (the app's own
 * call: a script, a cron).
 */
export function actorIdOf(ctx: QueryCtx, actorUserId: string | undefined): Id<"users"> | undefined {
  if (actorUserId === undefined) return undefined;
  const id = ctx.db.normalizeId("users", actorUserId);
  if (id === null) throw authError("INVALID_ARGUMENT", "actorUserId is no user id");
  return id;
}

/** `audit` with another actor (`undefined` keeps it): for a call whose actor is known only from its data. */
export function withActor(audit: Audit, actorUserId: Id<"users"> | undefined): Audit {
  return actorUserId === undefined ? audit : { ...audit, actorUserId };
}

/**
 * Appends one event to the audit log. Never carries a secret. With
 * `audit` (see {@link auditOf}): its actor, unless the event names one or
 * the actor is the event's subject; its IP and user agent; an expiry of
 * its retention from now; and, with `audit.hooks`, the app's callbacks
 * that want the event, run here, after the insert, in this transaction
 * (their throw rolls the whole change back). Without it: kept
 * {@link DEFAULT_RETENTION_MS}. `subject` is the event's user document
 * when the caller holds it (saves the callbacks a read); `previous` the
 * email and phone before a `user_updated`, for the callbacks only.
 */
export async function recordEvent(
  ctx: MutationCtx,
  event: {
    type: EventType;
    userId?: Id<"users">;
    sessionId?: Id<"sessions">;
    reason?: string;
    data?: Record<string, string | number | boolean | null>;
    /** Who did it when it was not the user: the admin (see the admin functions). */
    actorUserId?: Id<"users">;
  },
  audit?: Audit,
  subject?: Doc<"users">,
  previous?: PreviousContact,
): Promise<void> {
  const { actorUserId: named, ...rest } = event;
  const actorUserId = named ?? audit?.actorUserId;
  const stored = {
    ...rest,
    ...(actorUserId !== undefined && actorUserId !== event.userId ? { actorUserId } : {}),
    ...(audit?.ip !== undefined ? { ip: audit.ip } : {}),
    ...(audit?.userAgent !== undefined ? { userAgent: audit.userAgent } : {}),
  };
  const now = Date.now();
  const eventId = await ctx.db.insert("events", { ...stored, expirationTime: now + (audit?.retentionMs ?? DEFAULT_RETENTION_MS) });
  if (audit?.hooks !== undefined) await runEventHooks(ctx, audit.hooks, { eventId, time: now, ...stored }, subject, previous);
}
