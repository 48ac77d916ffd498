/**
 * What the migration's functions (functions.ts) do when they run, loaded
 * (`import()`) then: the options resolved, one batch, every batch in turn,
 * the exchange of a client's legacy token.
 */
import { makeFunctionReference, type GenericActionCtx, type GenericDataModel, type GenericMutationCtx } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import type { SignInResult } from "../provider.js";
import { exchangeLegacyToken } from "./exchange.js";
import { importBatch } from "./importBatch.js";
import { batchSizeOf, resolveMigrationOptions, type ConvexAuthMigrationOptions, type ResolvedMigrationOptions } from "./options.js";
import type { MigrationReport } from "./report.js";
import { addReports, emptyReport } from "./tally.js";

/** Arguments of `importBatch` and `importAll`. */
export type BatchArgs = { cursor?: string | null; dryRun?: boolean; batchSize?: number };

/** What every handler is given: `Auth()`'s component and options, and the migration's options as the app passed them. */
export type Deps = { component: ComponentApi; options: ResolvedOptions; migrateOptions?: ConvexAuthMigrationOptions };

const resolved = new WeakMap<Deps, ResolvedMigrationOptions>();
/** The migration's options with their defaults, resolved once per set of functions (a bad option throws an `Error`). */
function migrationOf(deps: Deps): ResolvedMigrationOptions {
  let migration = resolved.get(deps);
  if (migration === undefined) resolved.set(deps, (migration = resolveMigrationOptions(deps.migrateOptions)));
  return migration;
}

/** `importBatch`: one batch in the caller's transaction. */
export async function runBatch(ctx: GenericMutationCtx<GenericDataModel>, deps: Deps, args: BatchArgs): Promise<MigrationReport> {
  const migration = migrationOf(deps);
  const batchSize = batchSizeOf(args.batchSize ?? migration.batchSize);
  return await importBatch(ctx, deps.component, deps.options, migration, { cursor: args.cursor ?? null, dryRun: args.dryRun ?? false, batchSize });
}

/** `importAll`: `importBatch` (called by name, in `options.module`) until done; the sum of the reports. */
export async function runAll(ctx: GenericActionCtx<GenericDataModel>, deps: Deps, args: BatchArgs): Promise<MigrationReport> {
  const migration = migrationOf(deps);
  const batch = makeFunctionReference<"mutation", BatchArgs, MigrationReport>(`${migration.module}:importBatch`);
  const dryRun = args.dryRun ?? false;
  const batchSize = batchSizeOf(args.batchSize ?? migration.batchSize);
  let total = emptyReport(dryRun);
  let cursor = args.cursor ?? null;
  for (;;) {
    const report = await ctx.runMutation(batch, { cursor, dryRun, batchSize });
    total = addReports(total, report);
    if (report.isDone || report.cursor === null) return total;
    cursor = report.cursor;
  }
}

/** `exchange`: a legacy refresh token for a session of ours. */
export async function runExchange(ctx: GenericMutationCtx<GenericDataModel>, deps: Deps, refreshToken: string): Promise<SignInResult> {
  return await exchangeLegacyToken(ctx, deps.component, deps.options, migrationOf(deps), refreshToken);
}
