/**
 * One batch of the import from @convex-dev/auth, in one transaction: a page
 * of legacy users from the app's tables, mapped, handed to the component's
 * `migration.importUsers`, and what happened counted in a report
 * (report.ts).
 */
import type { FunctionReturnType, GenericDatabaseReader, GenericDataModel, GenericMutationCtx } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import { isConvexAuthHash } from "../../shared/convexAuthHash.js";
import { mapLegacyUser, readLegacyUsers, type AccountKind, type MappedUser } from "./legacyUsers.js";
import { CONVEX_AUTH_SOURCE, type ResolvedMigrationOptions } from "./options.js";
import type { MigrationReport } from "./report.js";
import { byProvider, countSkipped, emptyReport } from "./tally.js";

type Db = GenericDatabaseReader<GenericDataModel>;
type RunMutation = GenericMutationCtx<GenericDataModel>["runMutation"];

/**
 * Imports (or, with `dryRun`, counts) up to `batchSize` legacy users after
 * `cursor`, in the caller's transaction.
 */
export async function importBatch(
  ctx: { db: Db; runMutation: RunMutation },
  component: ComponentApi,
  options: ResolvedOptions,
  migration: ResolvedMigrationOptions,
  args: { cursor: string | null; dryRun: boolean; batchSize: number },
): Promise<MigrationReport> {
  const page = await readLegacyUsers(ctx.db, migration, args.cursor, args.batchSize);
  const report = emptyReport(args.dryRun);
  report.users.scanned = page.users.length;
  report.cursor = page.isDone ? null : page.continueCursor;
  report.isDone = page.isDone;
  // In page order; `null` for a user no import takes.
  const entries = page.users.map((legacy) => ({ legacyId: legacy.doc._id, mapped: mapLegacyUser(legacy, migration) }));
  const mapped = entries.flatMap((entry) => (entry.mapped === null ? [] : [entry.mapped]));
  const outcomes =
    mapped.length === 0
      ? []
      : await ctx.runMutation(component.migration.importUsers, {
          users: mapped.map((m) => m.user),
          source: CONVEX_AUTH_SOURCE,
          dryRun: args.dryRun,
          audit: options.audit,
        });
  const providers = new Map<string, number>();
  let next = 0;
  for (const entry of entries) {
    if (entry.mapped === null) {
      countSkipped(report, entry.legacyId, "tooManyAccounts");
      continue;
    }
    countOutcome(report, providers, entry.mapped, outcomes[next++]!);
  }
  report.providers = byProvider(providers);
  return report;
}

type Outcome = FunctionReturnType<ComponentApi["migration"]["importUsers"]>[number];

/** Adds what the component did with one user to `report` (and `providers`, accounts added by provider). */
function countOutcome(report: MigrationReport, providers: Map<string, number>, { user, kinds }: MappedUser, outcome: Outcome): void {
  if (outcome.status === "skipped") {
    countSkipped(report, user.legacyId, SKIP_REASONS[outcome.reason ?? "invalid_profile"]);
    return;
  }
  report.users[outcome.status] += 1;
  report.passwords.updated += outcome.passwordsUpdated;
  for (const index of outcome.accountsAdded) {
    const kind: AccountKind = kinds[index]!;
    const account = user.accounts[index]!;
    report.accounts[kind] += 1;
    if (kind === "password") report.passwords[isConvexAuthHash(account.secret) ? "recognised" : "unrecognised"] += 1;
    providers.set(account.provider, (providers.get(account.provider) ?? 0) + 1);
  }
  if (outcome.status === "imported") {
    if (user.email !== undefined && user.emailVerificationTime !== undefined) report.verified.emails += 1;
    if (user.phone !== undefined && user.phoneVerificationTime !== undefined) report.verified.phones += 1;
  }
}

const SKIP_REASONS = {
  email_taken: "emailTaken",
  account_taken: "accountTaken",
  invalid_email: "invalidEmail",
  invalid_profile: "invalidProfile",
} as const;
