/**
 * Reading @convex-dev/auth's users and accounts from the app's own tables
 * (with the app's `ctx.db`) and mapping them to what the component imports:
 * which kind each account is, its provider id here, and the identifiers
 * normalised the way our providers look them up.
 */
import type { FunctionArgs, GenericDatabaseReader, GenericDataModel } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { normalizeEmail } from "../email.js";
import type { ResolvedMigrationOptions } from "./options.js";

/** A user as the component imports it. */
export type ImportedUser = FunctionArgs<ComponentApi["migration"]["importUsers"]>["users"][number];

/** What an account is, for the report (and how its identifier is normalised). */
export type AccountKind = "password" | "oauth" | "email" | "phone" | "anonymous";

/** One legacy user, mapped: what to import, and each account's kind. */
export type MappedUser = {
  user: ImportedUser;
  kinds: AccountKind[];
};

/** Accounts of one user the import takes (the component's bound). */
export const MAX_ACCOUNTS_PER_USER = 20;

type Db = GenericDatabaseReader<GenericDataModel>;
type LegacyDoc = Record<string, unknown> & { _id: string };

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A page of legacy users in creation order, starting after `cursor`, each
 * with their accounts (one index range a user; one more than an import
 * takes, to tell who has too many).
 */
export async function readLegacyUsers(
  db: Db,
  options: ResolvedMigrationOptions,
  cursor: string | null,
  numItems: number,
): Promise<{ users: { doc: LegacyDoc; accounts: LegacyDoc[] }[]; continueCursor: string; isDone: boolean }> {
  const page = await db.query(options.tables.users).order("asc").paginate({ cursor, numItems });
  const users = [];
  for (const doc of page.page as LegacyDoc[]) users.push({ doc, accounts: await legacyAccountsOf(db, options, doc._id) });
  return { users, continueCursor: page.continueCursor, isDone: page.isDone };
}

/** A legacy user by id (any string), with their accounts, or `null`. */
export async function readLegacyUser(
  db: Db,
  options: ResolvedMigrationOptions,
  legacyUserId: string,
): Promise<{ doc: LegacyDoc; accounts: LegacyDoc[] } | null> {
  const id = db.normalizeId(options.tables.users, legacyUserId);
  const doc = id === null ? null : ((await db.get(id)) as LegacyDoc | null);
  return doc === null ? null : { doc, accounts: await legacyAccountsOf(db, options, doc._id) };
}

async function legacyAccountsOf(db: Db, options: ResolvedMigrationOptions, userId: string): Promise<LegacyDoc[]> {
  return (await db
    .query(options.tables.accounts)
    .withIndex("userIdAndProvider", (q) => q.eq("userId", userId))
    .take(MAX_ACCOUNTS_PER_USER + 1)) as LegacyDoc[];
}

/**
 * Maps a legacy user and their accounts (see {@link kindOf}), or `null`
 * when they have more accounts than one import takes.
 */
export function mapLegacyUser(
  legacy: { doc: LegacyDoc; accounts: LegacyDoc[] },
  options: ResolvedMigrationOptions,
): MappedUser | null {
  if (legacy.accounts.length > MAX_ACCOUNTS_PER_USER) return null;
  const { doc } = legacy;
  const email = stringField(doc.email);
  const phone = stringField(doc.phone);
  const isAnonymous = doc.isAnonymous === true;
  const kinds = legacy.accounts.map((account) => kindOf(account, { email, phone, isAnonymous }));
  const user: ImportedUser = {
    legacyId: doc._id,
    accounts: legacy.accounts.map((account, i) => mapAccount(account, kinds[i]!, doc, options)),
    ...optional("name", stringField(doc.name)),
    ...optional("image", stringField(doc.image)),
    ...(isAnonymous ? { isAnonymous: true } : optional("email", email)),
    ...(email !== undefined && !isAnonymous ? optional("emailVerificationTime", numberField(doc.emailVerificationTime)) : {}),
    ...optional("phone", phone === undefined ? undefined : phoneOrSelf(phone)),
    ...(phone !== undefined ? optional("phoneVerificationTime", numberField(doc.phoneVerificationTime)) : {}),
  };
  return { user, kinds };
}

/**
 * What a legacy account is: one with a `secret` is a password, the
 * Anonymous provider's (or any of an anonymous user's) anonymous, one whose
 * id is the user's email an email account, one whose id is their phone a
 * phone account, anything else OAuth.
 */
export function kindOf(
  account: LegacyDoc,
  user: { email?: string; phone?: string; isAnonymous: boolean },
): AccountKind {
  const id = String(account.providerAccountId);
  if (stringField(account.secret) !== undefined) return "password";
  if (user.isAnonymous || account.provider === "anonymous") return "anonymous";
  if (user.email !== undefined && sameEmail(id, user.email)) return "email";
  if (user.phone !== undefined && compactPhone(id) === compactPhone(user.phone)) return "phone";
  return "oauth";
}

/**
 * One account as the component imports it: under its provider's id here,
 * its identifier as our providers look it up (a password's or an email
 * account's email normalised, a phone in E.164 when it is a number, any
 * other as the provider gave it), a password's hash as it was stored, and
 * `emailVerified` when @convex-dev/auth recorded the address verified.
 */
function mapAccount(account: LegacyDoc, kind: AccountKind, user: LegacyDoc, options: ResolvedMigrationOptions): ImportedUser["accounts"][number] {
  const legacyProvider = String(account.provider);
  const id = String(account.providerAccountId);
  const verified =
    (typeof account.emailVerified === "string" && account.emailVerified !== "") ||
    (kind === "email" && numberField(user.emailVerificationTime) !== undefined);
  return {
    provider: options.providerIds[legacyProvider] ?? legacyProvider,
    providerAccountId: kind === "password" || kind === "email" ? (emailOrNull(id) ?? id) : kind === "phone" ? phoneOrSelf(id) : id,
    ...(kind === "password" ? { secret: stringField(account.secret) } : {}),
    ...(verified ? { emailVerified: true } : {}),
  };
}

function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function numberField(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function emailOrNull(value: string): string | null {
  try {
    return normalizeEmail(value);
  } catch {
    return null;
  }
}

function sameEmail(a: string, b: string): boolean {
  const normalized = emailOrNull(a);
  return normalized !== null && normalized === emailOrNull(b);
}

/** A phone number without spaces, dots, dashes and parentheses. */
function compactPhone(value: string): string {
  return value.trim().replace(/[\s().-]/g, "");
}

/** The number in E.164 form (as the Phone provider stores it) when it is one, else as it was. */
function phoneOrSelf(value: string): string {
  const compact = compactPhone(value);
  return E164.test(compact) ? compact : value;
}
