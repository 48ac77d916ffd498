/** Moving users in from another auth system: `importUsers` (an admin function, for the app's migration). */
import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { auditOf, auditPolicy } from "./model/events.js";
import {
  MAX_IMPORTED_ACCOUNTS,
  MAX_IMPORT_BATCH,
  importOutcome,
  importUser,
  importedUser,
  newClaims,
  withinBounds,
} from "./model/migration.js";

/**
 * Imports a batch of users with their accounts, as the app's migration
 * (`migrateFromConvexAuth` in convex-auth-kit/server, docs/migrating-from-convex-auth.md) read
 * them from the other system's tables: each new user gets `legacyId` (their
 * id there), their profile, verified email and phone, and their accounts
 * (password hashes as they were stored, which the Password provider
 * verifies and upgrades at the next sign-in). Idempotent: a user already
 * imported (by `legacyId`) gets only accounts added since, and a password
 * changed there while the account still holds that system's hash, so a
 * second run changes nothing. A user whose email or one of whose accounts
 * belongs to another user is skipped, with the reason (never merged: an
 * address nobody proved must not hand over an account). With `dryRun`,
 * nothing is written and the outcomes say what would happen (duplicates
 * within the batch included). One outcome per user, in order; each user
 * imported or updated is recorded as `user_imported` with `source`.
 * `INVALID_ARGUMENT` (nothing written) for more than 500 users, more than
 * 20 accounts of a user, or a string over 512 characters.
 */
export const importUsers = mutation({
  args: {
    users: v.array(importedUser),
    /** Where they come from, for the audit log (e.g. `"@convex-dev/auth"`). */
    source: v.string(),
    dryRun: v.optional(v.boolean()),
    audit: v.optional(auditPolicy),
  },
  returns: v.array(importOutcome),
  handler: async (ctx, args) => {
    if (args.users.length > MAX_IMPORT_BATCH) {
      throw authError("INVALID_ARGUMENT", `Import at most ${MAX_IMPORT_BATCH} users at a time`);
    }
    if (!args.users.every(withinBounds) || args.source.length === 0 || args.source.length > 100) {
      throw authError(
        "INVALID_ARGUMENT",
        `An imported user needs a legacyId and has at most ${MAX_IMPORTED_ACCOUNTS} accounts; ids, providers and secrets are at most 512 characters`,
      );
    }
    const audit = await auditOf(ctx, args);
    const claims = newClaims();
    const outcomes = [];
    for (const user of args.users) {
      outcomes.push(await importUser(ctx, user, { dryRun: args.dryRun ?? false, source: args.source, claims, audit }));
    }
    return outcomes;
  },
});
