/**
 * `migration.importUsers` on its own: its bounds (a call breaking them is
 * refused whole, nothing written), the uniqueness of `legacyId`, what a
 * re-run adds, and `users.get({ legacyId })`.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { makeAuthTest, probe } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const component = (componentsGeneric() as AnyComponents).auth;
type Outcome = { legacyId: string; status: string; userId?: string; reason?: string; accountsAdded: number[]; passwordsUpdated: number };
const importUsers = component.migration.importUsers as FunctionReference<"mutation", "internal", Record<string, unknown>, Outcome[]>;
const getUser = component.users.get as FunctionReference<"query", "internal", Record<string, string>, Record<string, any> | null>;

const HASH = `${"c3".repeat(16)}:${"d4".repeat(64)}`;
const user = (legacyId: string, extra: Record<string, unknown> = {}) => ({ legacyId, email: `${legacyId}@example.com`, accounts: [], ...extra });
const run = (t: ReturnType<typeof makeAuthTest>, users: unknown[], dryRun?: boolean) =>
  t.mutation(importUsers, { users, source: "test", ...(dryRun !== undefined ? { dryRun } : {}) });

describe("migration.importUsers", () => {
  test("a call over its bounds is refused whole, writing nothing", async () => {
    const t = makeAuthTest();
    const cases: unknown[][] = [
      Array.from({ length: 501 }, (_, i) => user(`u${i}`)),
      [user("ok"), user("many", { accounts: Array.from({ length: 21 }, (_, i) => ({ provider: "github", providerAccountId: `${i}` })) })],
      [user("ok"), user("long", { accounts: [{ provider: "github", providerAccountId: "x".repeat(513) }] })],
      [user("ok"), { legacyId: "", accounts: [] }],
    ];
    for (const users of cases) await expectAuthError(run(t, users), "INVALID_ARGUMENT");
    await expectAuthError(t.mutation(importUsers, { users: [user("ok")], source: "" }), "INVALID_ARGUMENT");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "events" })).toEqual([]);
  });

  test("imports once per legacy id; a re-run adds only new accounts, and carries a changed password over only a legacy hash", async () => {
    const t = makeAuthTest();
    const password = { provider: "password", providerAccountId: "ada@example.com", secret: HASH };
    const [first] = await run(t, [user("ada", { email: "ada@example.com", accounts: [password] })]);
    expect(first).toMatchObject({ status: "imported", accountsAdded: [0], userId: expect.any(String) });
    expect(await t.query(getUser, { legacyId: "ada" })).toMatchObject({ _id: first!.userId, email: "ada@example.com" });

    const github = { provider: "github", providerAccountId: "1" };
    const changed = `${"e5".repeat(16)}:${"f6".repeat(64)}`;
    const dry = await run(t, [user("ada", { email: "ada@example.com", accounts: [{ ...password, secret: changed }, github] })], true);
    expect(dry).toEqual([{ legacyId: "ada", status: "updated", userId: first!.userId, accountsAdded: [1], passwordsUpdated: 1 }]);
    expect(await t.query(probe.rows, { table: "accounts" })).toHaveLength(1);
    const [second] = await run(t, [user("ada", { email: "ada@example.com", accounts: [{ ...password, secret: changed }, github] })]);
    expect(second).toEqual(dry[0]);
    const accounts = await t.query(probe.rows, { table: "accounts" });
    expect(accounts.map((a) => a.secret ?? null).sort()).toEqual([changed, null].sort());

    // Once the account holds one of ours, the legacy hash never comes back.
    const argon = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhcw";
    await t.mutation(probe.setAccountSecret, { accountId: accounts.find((a) => a.provider === "password")!._id as string, secret: argon });
    const [third] = await run(t, [user("ada", { email: "ada@example.com", accounts: [password, github] })]);
    expect(third).toMatchObject({ status: "unchanged", accountsAdded: [], passwordsUpdated: 0 });
    expect((await t.query(probe.rows, { table: "accounts" })).find((a) => a.provider === "password")!.secret).toBe(argon);
    expect((await t.query(probe.rows, { table: "events" })).filter((e) => e.type === "user_imported").map((e) => e.data)).toEqual([
      { source: "test", accounts: 1 },
      { source: "test", accounts: 1, passwordsUpdated: 1 },
    ]);
  });

  test("an account repeated inside one user is imported once; a legacy id repeated in a batch once", async () => {
    const t = makeAuthTest();
    const github = { provider: "github", providerAccountId: "2" };
    const outcomes = await run(t, [user("bo", { accounts: [github, github] }), user("bo", { accounts: [github] })]);
    expect(outcomes.map((o) => o.status)).toEqual(["imported", "unchanged"]);
    expect(outcomes[0]!.accountsAdded).toEqual([0]);
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(1);
    expect(await t.query(probe.rows, { table: "accounts" })).toHaveLength(1);
  });
});
