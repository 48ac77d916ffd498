/**
 * What a migration run reports (`importBatch`, `importAll`): counts of
 * users, accounts, passwords and verified addresses, by outcome (the
 * validator; tally.ts adds them up).
 */
import { v, type Infer } from "convex/values";

/**
 * The validator of what a batch (or a whole run) did, or, in a dry run,
 * would do. Built when called, so a module that never builds the
 * migration's functions bundles none of it.
 */
export const migrationReport = () => {
  const count = v.number();
  return v.object({
  dryRun: v.boolean(),
  users: v.object({
    /** Legacy users read. */
    scanned: count,
    /** New here (would be, in a dry run). */
    imported: count,
    /** Imported before; accounts added since, or a changed password carried over. */
    updated: count,
    /** Imported before; nothing new (a second run has only these). */
    unchanged: count,
    /** Not imported: see `skipped`. */
    skipped: count,
  }),
  /** Why users were skipped. */
  skipped: v.object({
    /** Another user here has the email (e.g. signed up since the switch). */
    emailTaken: count,
    /** Another user here has one of the accounts. */
    accountTaken: count,
    invalidEmail: count,
    /** A name or image over its bounds. */
    invalidProfile: count,
    /** More than 20 accounts. */
    tooManyAccounts: count,
  }),
  /** Accounts added, by kind. */
  accounts: v.object({ password: count, oauth: count, email: count, phone: count, anonymous: count }),
  /** Accounts added, by provider id (here). */
  providers: v.array(v.object({ provider: v.string(), accounts: count })),
  passwords: v.object({
    /** Password hashes in @convex-dev/auth's default format: they keep working. */
    recognised: count,
    /** Hashes in another format (a custom `crypto`): those users must reset their password. */
    unrecognised: count,
    /** Changed since the last run and carried over. */
    updated: count,
  }),
  /** Imported users with a verified email, a verified phone. */
  verified: v.object({ emails: count, phones: count }),
  /** The legacy ids of skipped users (the first 100), with why. */
  skippedUsers: v.array(v.object({ legacyId: v.string(), reason: v.string() })),
  /** Where the next batch starts (`null` once done). */
  cursor: v.union(v.string(), v.null()),
  isDone: v.boolean(),
  });
};
export type MigrationReport = Infer<ReturnType<typeof migrationReport>>;
