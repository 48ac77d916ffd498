/** `Auth({ admin: { impersonation } })` resolved: whether admins may impersonate users, and for how long. */
import { authError } from "../errors.js";
import { IMPERSONATION_MAX_MS } from "../../shared/windows.js";
import type { AdminOptions } from "../helpers/admin.js";

/** The pseudo-provider of `signIn` that starts and stops impersonations; no provider may take its id. */
export const IMPERSONATE_PROVIDER = "impersonate";

/** Impersonation as configured: how long one lasts. */
export type ResolvedImpersonation = { durationMs: number };

/**
 * `null` when impersonation is off (no `impersonation`, or `false`);
 * otherwise its duration, 1 hour unless `durationMs` asks for less. A
 * duration outside 1 s..1 hour fails when `Auth()` runs.
 */
export function resolveImpersonation(admin: AdminOptions | undefined): ResolvedImpersonation | null {
  const option = admin?.impersonation;
  if (option === undefined || option === false) return null;
  const durationMs = option === true ? IMPERSONATION_MAX_MS : (option.durationMs ?? IMPERSONATION_MAX_MS);
  if (!Number.isFinite(durationMs) || durationMs < 1000 || durationMs > IMPERSONATION_MAX_MS) {
    throw authError("CONFIGURATION", `Auth(): admin.impersonation.durationMs must be 1000 to ${IMPERSONATION_MAX_MS} ms, got ${durationMs}`);
  }
  return { durationMs };
}
