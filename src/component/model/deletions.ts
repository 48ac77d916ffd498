import type { Doc } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";

/**
 * Pending-deletion markers (the `deletions` table). A deletion that does not
 * finish in its first transaction leaves a marker, written in that same
 * transaction; every batch that still leaves work moves its `resumeTime` on,
 * and the batch that finishes removes it. When a continuation is lost or
 * fails, the marker stays and, once `resumeTime` has passed, the sweep
 * (`sweep.resumeDeletions`) runs the next batch again.
 */
export type DeletionKind = Doc<"deletions">["kind"];

/** How long after a batch a deletion counts as stalled (batches take seconds). */
export const RESUME_AFTER_MS = 5 * 60_000;

async function findMarker(ctx: MutationCtx, kind: DeletionKind, targetId: string) {
  return await ctx.db
    .query("deletions")
    .withIndex("by_kind_target", (q) => q.eq("kind", kind).eq("targetId", targetId))
    .first();
}

/** Notes that work is left for `targetId`: writes its marker, or moves the marker's resume time on. */
export async function markPending(ctx: MutationCtx, kind: DeletionKind, targetId: string): Promise<void> {
  const now = Date.now();
  const marker = await findMarker(ctx, kind, targetId);
  if (marker === null) {
    await ctx.db.insert("deletions", { kind, targetId, startedTime: now, resumeTime: now + RESUME_AFTER_MS });
  } else {
    await ctx.db.patch(marker._id, { resumeTime: now + RESUME_AFTER_MS });
  }
}

/** Notes that nothing is left for `targetId`: removes its marker, if any. */
export async function markDone(ctx: MutationCtx, kind: DeletionKind, targetId: string): Promise<void> {
  const marker = await findMarker(ctx, kind, targetId);
  if (marker !== null) await ctx.db.delete(marker._id);
}

/** Up to `limit` markers whose resume time has passed, longest stalled first. */
export async function dueMarkers(ctx: MutationCtx, now: number, limit: number): Promise<Doc<"deletions">[]> {
  return await ctx.db
    .query("deletions")
    .withIndex("by_resume_time", (q) => q.lte("resumeTime", now))
    .take(limit);
}
