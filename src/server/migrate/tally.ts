/** Adding up a migration's report (report.ts): an empty one, a skipped user, two batches' sum. */
import type { MigrationReport } from "./report.js";

const MAX_SKIPPED_LISTED = 100;

/** An empty report. */
export function emptyReport(dryRun: boolean): MigrationReport {
  return {
    dryRun,
    users: { scanned: 0, imported: 0, updated: 0, unchanged: 0, skipped: 0 },
    skipped: { emailTaken: 0, accountTaken: 0, invalidEmail: 0, invalidProfile: 0, tooManyAccounts: 0 },
    accounts: { password: 0, oauth: 0, email: 0, phone: 0, anonymous: 0 },
    providers: [],
    passwords: { recognised: 0, unrecognised: 0, updated: 0 },
    verified: { emails: 0, phones: 0 },
    skippedUsers: [],
    cursor: null,
    isDone: true,
  };
}

/** Counts a skipped user, listing the first 100. */
export function countSkipped(report: MigrationReport, legacyId: string, reason: keyof MigrationReport["skipped"]): void {
  report.users.skipped += 1;
  report.skipped[reason] += 1;
  if (report.skippedUsers.length < MAX_SKIPPED_LISTED) report.skippedUsers.push({ legacyId, reason });
}

/** `total` and `batch` added up (`batch`'s cursor and end). */
export function addReports(total: MigrationReport, batch: MigrationReport): MigrationReport {
  const sum = <T extends Record<string, number>>(a: T, b: T): T =>
    Object.fromEntries(Object.keys(a).map((k) => [k, a[k]! + b[k]!])) as T;
  const providers = new Map(total.providers.map((p) => [p.provider, p.accounts]));
  for (const p of batch.providers) providers.set(p.provider, (providers.get(p.provider) ?? 0) + p.accounts);
  return {
    dryRun: total.dryRun,
    users: sum(total.users, batch.users),
    skipped: sum(total.skipped, batch.skipped),
    accounts: sum(total.accounts, batch.accounts),
    providers: byProvider(providers),
    passwords: sum(total.passwords, batch.passwords),
    verified: sum(total.verified, batch.verified),
    skippedUsers: [...total.skippedUsers, ...batch.skippedUsers].slice(0, MAX_SKIPPED_LISTED),
    cursor: batch.cursor,
    isDone: batch.isDone,
  };
}

/** Counts by provider as the report lists them: by provider id. */
export function byProvider(counts: Map<string, number>): MigrationReport["providers"] {
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([provider, accounts]) => ({ provider, accounts }));
}
