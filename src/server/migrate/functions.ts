/**
 * `migrateFromConvexAuth(auth, options)`: the app functions that move an
 * app off @convex-dev/auth (docs/migrating-from-convex-auth.md). Export
 * them from `convex/authMigration.ts`:
 *
 * - `importBatch` (internal mutation): one batch of users, resumable from
 *   its `cursor`, idempotent, with `dryRun`;
 * - `importAll` (internal action): every batch in turn, one report
 *   (`npx convex run authMigration:importAll '{"dryRun":true}'`);
 * - `exchange` (public mutation): a client's @convex-dev/auth refresh token
 *   for a session of ours, once (the React client's `migrateFrom`).
 *
 * Only the functions' validators are here, built when called; what they
 * do (handlers.ts) is loaded (`import()`) when one runs. An app that never
 * calls it bundles none of it, and the migration module only this. A bad
 * option fails at the first call.
 *
 * @example
 * ```ts
 * // convex/authMigration.ts
 * import { migrateFromConvexAuth } from "convex-auth-kit/migrate";
 * import { auth } from "./auth";
 * export const { importBatch, importAll, exchange } = migrateFromConvexAuth(auth);
 * ```
 */
import { internalActionGeneric, internalMutationGeneric, mutationGeneric } from "convex/server";
import { v } from "convex/values";
import { signInResultValidator, type SignInResult } from "../../shared/protocol.js";
import { internalsOf } from "../internals.js";
import type { ConvexAuthMigrationOptions } from "./options.js";
import { migrationReport, type MigrationReport } from "./report.js";

const handlers = () => import("./handlers.js");

/** The functions of a migration from @convex-dev/auth for `auth` (what `Auth()` returned). */
export function migrateFromConvexAuth(auth: object, migrateOptions?: ConvexAuthMigrationOptions) {
  const deps = { ...internalsOf(auth), migrateOptions };
  const report = migrationReport();
  const batchArgs = {
    /** Where to start: a previous report's `cursor` (the first batch without one). */
    cursor: v.optional(v.union(v.string(), v.null())),
    /** Count what would happen, write nothing. */
    dryRun: v.optional(v.boolean()),
    /** Users per transaction: 1 to 400 (default 100, or the option's). */
    batchSize: v.optional(v.number()),
  };
  return {
    /**
     * Imports one batch of @convex-dev/auth users (with their accounts) after
     * `cursor`, in one transaction, and reports what it did; with `dryRun`,
     * what it would do, writing nothing. Run it again from the report's
     * `cursor` until `isDone`; running it from the start again changes
     * nothing for users already imported.
     */
    importBatch: internalMutationGeneric({
      args: batchArgs,
      returns: report,
      handler: async (ctx, args): Promise<MigrationReport> => await (await handlers()).runBatch(ctx, deps, args),
    }),
    /**
     * Runs `importBatch` from `cursor` (the start by default) until every
     * user is done, one transaction a batch, and reports the sum. Stopped
     * half-way (the action's time limit, a deploy), run it again: users
     * already imported are skipped; or pass the last report's `cursor`.
     */
    importAll: internalActionGeneric({
      args: batchArgs,
      returns: report,
      handler: async (ctx, args): Promise<MigrationReport> => await (await handlers()).runAll(ctx, deps, args),
    }),
    /**
     * Exchanges a refresh token @convex-dev/auth gave a client for a session
     * of ours, once: `{ tokens }` (or the second-factor step, should the
     * user have added one since), `{ tokens: null }` for a token that does
     * not work (used, expired, of an ended session, forged). The React
     * client calls it on load with `migrateFrom="convex-dev-auth"`.
     */
    exchange: mutationGeneric({
      args: { refreshToken: v.string() },
      returns: signInResultValidator,
      handler: async (ctx, { refreshToken }): Promise<SignInResult> => await (await handlers()).runExchange(ctx, deps, refreshToken),
    }),
  };
}
