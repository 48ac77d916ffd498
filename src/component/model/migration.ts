/**
 * Importing users from another auth system (`migration.importUsers`): one
 * user at a time, inside the caller's transaction, keeping the users' and
 * accounts' invariants (one user per email and per legacy id, one account
 * per provider identity). Idempotent: a user already imported (found by
 * `legacyId`) gets only what is new, so running an import twice changes
 * nothing the second time.
 */
import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx } from "../_generated/server.js";
import { normalizeEmail } from "../../shared/email.js";
import { recordEvent, type Audit } from "./events.js";
import { checkProfile, nameKeyFields } from "./profile.js";

/** Users one `migration.importUsers` call takes (a batch of the caller's). */
export const MAX_IMPORT_BATCH = 500;
/** Accounts of one imported user. */
export const MAX_IMPORTED_ACCOUNTS = 20;
/** The longest id, provider or secret string an import takes. */
const MAX_KEY_LENGTH = 512;

/**
 * The prefix of the password hashes the server stores (argon2id PHC
 * strings). An account whose secret has it was set here (a sign-in upgraded
 * it, a change or a reset replaced it): a later import no longer carries
 * the other system's password over it.
 */
const OWN_HASH_PREFIX = "$argon2id$";

/** One account of an imported user, as the server mapped it to our providers. */
export const importedAccount = v.object({
  provider: v.string(),
  providerAccountId: v.string(),
  /** A password hash in a format the server verifies (e.g. @convex-dev/auth's scrypt). */
  secret: v.optional(v.string()),
  emailVerified: v.optional(v.boolean()),
});

/** One user to import, with their accounts. */
export const importedUser = v.object({
  /** Their id in the other system: recorded as `users.legacyId`, unique. */
  legacyId: v.string(),
  name: v.optional(v.string()),
  email: v.optional(v.string()),
  emailVerificationTime: v.optional(v.number()),
  phone: v.optional(v.string()),
  phoneVerificationTime: v.optional(v.number()),
  image: v.optional(v.string()),
  isAnonymous: v.optional(v.boolean()),
  accounts: v.array(importedAccount),
});
export type ImportedUser = Infer<typeof importedUser>;

/**
 * What importing one user did (or, in a dry run, would do):
 * - `imported`: a new user, with their accounts;
 * - `updated`: already imported; accounts added since, or a password
 *   changed in the other system carried over (`accountsAdded`, `passwordsUpdated`);
 * - `unchanged`: already imported, nothing new;
 * - `skipped`: not imported, for `reason`: `email_taken` (another user of
 *   ours has the email), `account_taken` (another user has one of the
 *   accounts), `invalid_email`, `invalid_profile` (a field over its bounds).
 */
export const importOutcome = v.object({
  legacyId: v.string(),
  status: v.union(v.literal("imported"), v.literal("updated"), v.literal("unchanged"), v.literal("skipped")),
  /** Our user (absent when skipped, and for a new user in a dry run). */
  userId: v.optional(v.id("users")),
  reason: v.optional(v.union(v.literal("email_taken"), v.literal("account_taken"), v.literal("invalid_email"), v.literal("invalid_profile"))),
  /** The accounts added (or that would be), as indices into the user's `accounts`. */
  accountsAdded: v.array(v.number()),
  /** How many password hashes a re-run carried over. */
  passwordsUpdated: v.number(),
});
export type ImportOutcome = Infer<typeof importOutcome>;

/** What one call has claimed so far: a dry run writes nothing, so duplicates inside a batch are found here. */
export type Claims = { emails: Set<string>; accounts: Set<string>; legacyIds: Set<string> };

/** Empty claims for a new call. */
export function newClaims(): Claims {
  return { emails: new Set(), accounts: new Set(), legacyIds: new Set() };
}

/** `true` when every string of `user` is within bounds (a call breaking them is refused whole). */
export function withinBounds(user: ImportedUser): boolean {
  const strings = [user.legacyId, ...user.accounts.flatMap((a) => [a.provider, a.providerAccountId, a.secret ?? ""])];
  return user.accounts.length <= MAX_IMPORTED_ACCOUNTS && strings.every((s) => s.length <= MAX_KEY_LENGTH) && user.legacyId !== "";
}

const accountKey = (a: { provider: string; providerAccountId: string }) => `${a.provider}\u0000${a.providerAccountId}`;

async function accountOf(ctx: MutationCtx, account: { provider: string; providerAccountId: string }) {
  return await ctx.db
    .query("accounts")
    .withIndex("by_provider_account", (q) => q.eq("provider", account.provider).eq("providerAccountId", account.providerAccountId))
    .unique();
}

/** Imports `user` (or says what it would do, with `dryRun`), recording `user_imported` with `source`. */
export async function importUser(
  ctx: MutationCtx,
  user: ImportedUser,
  options: { dryRun: boolean; source: string; claims: Claims; audit: Audit },
): Promise<ImportOutcome> {
  const { claims } = options;
  const outcome = { legacyId: user.legacyId, accountsAdded: [] as number[], passwordsUpdated: 0 };
  const existing = claims.legacyIds.has(user.legacyId)
    ? null
    : await ctx.db
        .query("users")
        .withIndex("by_legacy_id", (q) => q.eq("legacyId", user.legacyId))
        .unique();
  if (existing !== null) return await updateImported(ctx, existing, user, options);
  if (claims.legacyIds.has(user.legacyId)) return { ...outcome, status: "unchanged" };

  try {
    checkProfile(user);
  } catch {
    return { ...outcome, status: "skipped", reason: "invalid_profile" };
  }
  let email: string | undefined;
  if (user.email !== undefined && !user.isAnonymous) {
    try {
      email = normalizeEmail(user.email);
    } catch {
      return { ...outcome, status: "skipped", reason: "invalid_email" };
    }
    const holder = await ctx.db
      .query("users")
      .withIndex("by_email", (q) => q.eq("email", email))
      .first();
    if (holder !== null || claims.emails.has(email)) return { ...outcome, status: "skipped", reason: "email_taken" };
  }
  const added = uniqueAccounts(user.accounts);
  const accounts = added.map((index) => user.accounts[index]!);
  for (const account of accounts) {
    if (claims.accounts.has(accountKey(account)) || (await accountOf(ctx, account)) !== null) {
      return { ...outcome, status: "skipped", reason: "account_taken" };
    }
  }

  claims.legacyIds.add(user.legacyId);
  if (email !== undefined) claims.emails.add(email);
  for (const account of accounts) claims.accounts.add(accountKey(account));
  const counted = { ...outcome, accountsAdded: added };
  if (options.dryRun) return { ...counted, status: "imported" };

  const userId = await ctx.db.insert("users", {
    legacyId: user.legacyId,
    ...(user.name !== undefined ? { name: user.name, ...nameKeyFields(user.name) } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(email !== undefined && user.emailVerificationTime !== undefined ? { emailVerificationTime: user.emailVerificationTime } : {}),
    ...(user.phone !== undefined ? { phone: user.phone } : {}),
    ...(user.phone !== undefined && user.phoneVerificationTime !== undefined ? { phoneVerificationTime: user.phoneVerificationTime } : {}),
    ...(user.image !== undefined ? { image: user.image } : {}),
    ...(user.isAnonymous ? { isAnonymous: true } : {}),
  });
  for (const account of accounts) await insertAccount(ctx, userId, account);
  await recordEvent(ctx, { type: "user_imported", userId, data: { source: options.source, accounts: accounts.length } }, options.audit);
  return { ...counted, status: "imported", userId };
}

/**
 * A user imported before: adds the accounts that are new (an identity
 * linked in the other system since), and carries a changed password over
 * while the account still holds the other system's hash (never over one of
 * ours). Accounts another user holds are left alone.
 */
async function updateImported(
  ctx: MutationCtx,
  user: Doc<"users">,
  legacy: ImportedUser,
  options: { dryRun: boolean; source: string; claims: Claims; audit: Audit },
): Promise<ImportOutcome> {
  const accountsAdded: number[] = [];
  let passwordsUpdated = 0;
  for (const index of uniqueAccounts(legacy.accounts)) {
    const account = legacy.accounts[index]!;
    const key = accountKey(account);
    if (options.claims.accounts.has(key)) continue;
    const found = await accountOf(ctx, account);
    if (found === null) {
      options.claims.accounts.add(key);
      accountsAdded.push(index);
      if (!options.dryRun) await insertAccount(ctx, user._id, account);
      continue;
    }
    const carriesOver =
      found.userId === user._id &&
      account.secret !== undefined &&
      found.secret !== account.secret &&
      !(found.secret ?? "").startsWith(OWN_HASH_PREFIX);
    if (carriesOver) {
      passwordsUpdated += 1;
      if (!options.dryRun) await ctx.db.patch(found._id, { secret: account.secret });
    }
  }
  options.claims.legacyIds.add(legacy.legacyId);
  const changed = accountsAdded.length + passwordsUpdated > 0;
  if (changed && !options.dryRun) {
    await recordEvent(
      ctx,
      { type: "user_imported", userId: user._id, data: { source: options.source, accounts: accountsAdded.length, passwordsUpdated } },
      options.audit,
    );
  }
  return {
    legacyId: legacy.legacyId,
    status: changed ? "updated" : "unchanged",
    userId: user._id,
    accountsAdded,
    passwordsUpdated,
  };
}

async function insertAccount(ctx: MutationCtx, userId: Id<"users">, account: Infer<typeof importedAccount>) {
  await ctx.db.insert("accounts", {
    userId,
    provider: account.provider,
    providerAccountId: account.providerAccountId,
    ...(account.secret !== undefined ? { secret: account.secret } : {}),
    emailVerified: account.emailVerified ?? false,
  });
}

/** The indices of `accounts` without repeats of one provider identity (the first one wins). */
function uniqueAccounts(accounts: { provider: string; providerAccountId: string }[]): number[] {
  const seen = new Set<string>();
  const kept: number[] = [];
  accounts.forEach((account, index) => {
    const key = accountKey(account);
    if (seen.has(key)) return;
    seen.add(key);
    kept.push(index);
  });
  return kept;
}
