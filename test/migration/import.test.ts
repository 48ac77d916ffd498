/**
 * The import from @convex-dev/auth's tables in detail (`authMigration:importBatch`
 * / `importAll`), on rows as that library writes them: each kind of
 * account, verified addresses, users that cannot be imported (and why),
 * batches that resume from their cursor, a dry run's counts, and batches
 * as large as allowed inside Convex's transaction limits.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mapLegacyUser } from "../../src/server/migrate/legacyUsers.js";
import { resolveMigrationOptions } from "../../src/server/migrate/options.js";
import { expectAuthError } from "../harness/errors.js";
import type { TestApp } from "../harness/setup.js";
import { componentRows, fn, phasedApp, setEnv } from "./app.js";

const HASH = `${"a1".repeat(16)}:${"b2".repeat(64)}`;
const users = (componentsGeneric() as AnyComponents).auth.users;
const createUser = users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = setEnv({ OAUTH_TEST_GITHUB: "http://127.0.0.1:9", SITE_URL: "https://app.example.test" });
});
afterAll(() => restoreEnv?.());

type LegacyAccount = { provider: string; providerAccountId: string; secret?: string; emailVerified?: string; phoneVerified?: string };
type LegacyUser = { name?: string; email?: string; emailVerificationTime?: number; phone?: string; phoneVerificationTime?: number; image?: string; isAnonymous?: boolean };

/** The app after the switch, with @convex-dev/auth's rows seeded as it writes them. */
function migratedApp() {
  const app = phasedApp();
  app.deploy("v2");
  return app.t;
}

/** Inserts legacy users with their accounts; returns their ids. */
async function seed(t: TestApp, rows: { user: LegacyUser; accounts: LegacyAccount[] }[]): Promise<string[]> {
  return await t.run(async (ctx) => {
    const ids: string[] = [];
    for (const { user, accounts } of rows) {
      const userId = await ctx.db.insert("users", user);
      for (const account of accounts) await ctx.db.insert("authAccounts", { userId, ...account });
      ids.push(userId);
    }
    return ids;
  });
}

const importAll = (t: TestApp, args: { dryRun?: boolean; batchSize?: number } = {}) => t.action(fn.importAll, args);

describe("what is imported", () => {
  test("each kind of account, mapped to how our providers look it up", async () => {
    const t = migratedApp();
    const [pw, mail, phone, gh, anon] = await seed(t, [
      { user: { email: " Pat@Example.com", emailVerificationTime: 1000, name: "Pat" }, accounts: [{ provider: "password", providerAccountId: " Pat@Example.com", secret: HASH, emailVerified: "pat@example.com" }] },
      { user: { email: "mo@example.com", emailVerificationTime: 2000 }, accounts: [{ provider: "resend-otp", providerAccountId: "Mo@example.com", emailVerified: "mo@example.com" }] },
      { user: { phone: "+1 (555) 010-2030", phoneVerificationTime: 3000 }, accounts: [{ provider: "twilio", providerAccountId: "+1 (555) 010-2030", phoneVerified: "+15550102030" }] },
      { user: { email: "gh@example.com", image: "https://avatars.example/1" }, accounts: [{ provider: "github", providerAccountId: "12345" }] },
      { user: { isAnonymous: true }, accounts: [{ provider: "anonymous", providerAccountId: "0d7c1f6e-0000-4000-8000-000000000000" }] },
    ]);
    const report = await importAll(t);
    expect(report.users).toEqual({ scanned: 5, imported: 5, updated: 0, unchanged: 0, skipped: 0 });
    expect(report.accounts).toEqual({ password: 1, oauth: 1, email: 1, phone: 1, anonymous: 1 });
    expect(report.verified).toEqual({ emails: 2, phones: 1 });
    expect(report.passwords).toEqual({ recognised: 1, unrecognised: 0, updated: 0 });
    const ours = await t.query(componentRows, { table: "users" });
    const accounts = await t.query(componentRows, { table: "accounts" });
    const byLegacy = (id: string) => ours.find((u) => u.legacyId === id)!;
    const accountOf = (id: string) => accounts.find((a) => a.userId === byLegacy(id)._id)!;
    expect(byLegacy(pw!)).toMatchObject({ email: "pat@example.com", emailVerificationTime: 1000, name: "Pat", nameKey: "pat" });
    expect(accountOf(pw!)).toMatchObject({ provider: "password", providerAccountId: "pat@example.com", secret: HASH, emailVerified: true });
    expect(accountOf(mail!)).toMatchObject({ provider: "resend-otp", providerAccountId: "mo@example.com", emailVerified: true });
    expect(byLegacy(phone!)).toMatchObject({ phone: "+15550102030", phoneVerificationTime: 3000 });
    expect(accountOf(phone!)).toMatchObject({ provider: "twilio", providerAccountId: "+15550102030" });
    expect(byLegacy(gh!)).toMatchObject({ email: "gh@example.com", image: "https://avatars.example/1" });
    expect(byLegacy(gh!).emailVerificationTime).toBeUndefined();
    expect(accountOf(gh!)).toMatchObject({ provider: "github", providerAccountId: "12345", emailVerified: false });
    expect(byLegacy(anon!)).toMatchObject({ isAnonymous: true });
  });

  test("a password hash in another format (a custom crypto) is imported but counted as unrecognised", async () => {
    const t = migratedApp();
    await seed(t, [{ user: { email: "x@example.com" }, accounts: [{ provider: "password", providerAccountId: "x@example.com", secret: "$2b$10$bcrypt-hash" }] }]);
    const report = await importAll(t, { dryRun: true });
    expect(report.passwords).toEqual({ recognised: 0, unrecognised: 1, updated: 0 });
  });

  test("providerIds renames a provider; the other ids stay", () => {
    const options = resolveMigrationOptions({ providerIds: { "resend-otp": "email" } });
    const mapped = mapLegacyUser(
      {
        doc: { _id: "u1", email: "mo@example.com" },
        accounts: [
          { _id: "a1", provider: "resend-otp", providerAccountId: "mo@example.com" },
          { _id: "a2", provider: "github", providerAccountId: "7" },
        ],
      },
      options,
    );
    expect(mapped?.user.accounts.map((a) => a.provider)).toEqual(["email", "github"]);
    expect(mapped?.kinds).toEqual(["email", "oauth"]);
  });
});

describe("users that are not imported", () => {
  test("an email or an account another user here has, a bad email, a long name, too many accounts: skipped with the reason, nothing of theirs written", async () => {
    const t = migratedApp();
    await t.mutation(createUser, { email: "taken@example.com", account: { provider: "github", providerAccountId: "999" } });
    const ids = await seed(t, [
      { user: { email: "TAKEN@example.com" }, accounts: [{ provider: "password", providerAccountId: "taken@example.com", secret: HASH }] },
      { user: { email: "free@example.com" }, accounts: [{ provider: "github", providerAccountId: "999" }] },
      { user: { email: "not an address" }, accounts: [] },
      { user: { email: "long@example.com", name: "n".repeat(201) }, accounts: [] },
      { user: { email: "many@example.com" }, accounts: Array.from({ length: 21 }, (_, i) => ({ provider: "github", providerAccountId: `m${i}` })) },
      { user: { email: "dup@example.com" }, accounts: [] },
      { user: { email: "Dup@example.com" }, accounts: [] },
      { user: { email: "ok@example.com" }, accounts: [] },
    ]);
    const dry = await importAll(t, { dryRun: true });
    const report = await importAll(t);
    expect({ ...dry, dryRun: false }).toEqual(report);
    expect(report.users).toEqual({ scanned: 8, imported: 2, updated: 0, unchanged: 0, skipped: 6 });
    expect(report.skipped).toEqual({ emailTaken: 2, accountTaken: 1, invalidEmail: 1, invalidProfile: 1, tooManyAccounts: 1 });
    expect(report.skippedUsers).toEqual([
      { legacyId: ids[0], reason: "emailTaken" },
      { legacyId: ids[1], reason: "accountTaken" },
      { legacyId: ids[2], reason: "invalidEmail" },
      { legacyId: ids[3], reason: "invalidProfile" },
      { legacyId: ids[4], reason: "tooManyAccounts" },
      { legacyId: ids[6], reason: "emailTaken" },
    ]);
    const ours = await t.query(componentRows, { table: "users" });
    expect(ours.map((u) => u.email).sort()).toEqual(["dup@example.com", "ok@example.com", "taken@example.com"]);
    expect(await t.query(componentRows, { table: "accounts" })).toHaveLength(1);
  });
});

describe("batches", () => {
  test("resume from their cursor; a run from the start after a partial one imports the rest", async () => {
    const t = migratedApp();
    await seed(t, Array.from({ length: 25 }, (_, i) => ({ user: { email: `u${i}@example.com` }, accounts: [] })));
    const first = await t.mutation(fn.importBatch, { batchSize: 10 });
    expect(first).toMatchObject({ users: { scanned: 10, imported: 10 }, isDone: false, cursor: expect.any(String) });
    const second = await t.mutation(fn.importBatch, { batchSize: 10, cursor: first.cursor });
    expect(second).toMatchObject({ users: { scanned: 10, imported: 10 }, isDone: false });
    const rest = await importAll(t, { batchSize: 10 });
    expect(rest.users).toEqual({ scanned: 25, imported: 5, updated: 0, unchanged: 20, skipped: 0 });
    expect(await t.query(componentRows, { table: "users" })).toHaveLength(25);
  });

  test("a batch size outside 1 to 400 is refused", async () => {
    const t = migratedApp();
    await expectAuthError(t.mutation(fn.importBatch, { batchSize: 401 }), "INVALID_ARGUMENT");
    await expectAuthError(t.mutation(fn.importBatch, { batchSize: 0 }), "INVALID_ARGUMENT");
    await expectAuthError(t.action(fn.importAll, { batchSize: 2.5 }), "INVALID_ARGUMENT");
  });

  test("the largest batch, 400 users with two accounts each, fits in one transaction", { timeout: 120_000 }, async () => {
    const t = migratedApp();
    await seed(
      t,
      Array.from({ length: 400 }, (_, i) => ({
        user: { email: `big${i}@example.com`, emailVerificationTime: i },
        accounts: [
          { provider: "password", providerAccountId: `big${i}@example.com`, secret: HASH },
          { provider: "github", providerAccountId: `gh${i}` },
        ],
      })),
    );
    const report = await t.mutation(fn.importBatch, { batchSize: 400 });
    expect(report).toMatchObject({ users: { scanned: 400, imported: 400 }, accounts: { password: 400, oauth: 400 }, isDone: true });
    const again = await t.mutation(fn.importBatch, { batchSize: 400 });
    expect(again.users.unchanged).toBe(400);
  });
});
