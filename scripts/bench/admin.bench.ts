/**
 * Cost of accounts administration, through the example's convex/admin.ts as
 * the Admin page calls it, signed in as an admin (a verified email in
 * ADMIN_EMAILS): every call runs the admin guard first (the caller's live
 * session: `sessions.get`; the app's `isAdmin`: `users.get`).
 *
 * - `admin.listUsers`: the first page of 50, newest first, with 120 users;
 *   `admin.listUsers.at10k` the same with 10,000: the same figures.
 * - `.banned.at10k`, `.unverified.at10k`, `.has2fa.at10k`: a page of 50 of
 *   each filter, each through its own index.
 * - `.searchEmail.at10k`: the first page of an email-prefix search;
 *   `.searchName.at10k`: the first page of the name part of a search (the
 *   email part ended: the cursor it returned).
 * - `.searchFiltered.at10k`: a search with a filter: one page of the
 *   search's range, kept to the users the filter takes (its `note` says how
 *   many of the 50 read it kept): flat, but not a full page.
 * - `admin.userDetail`: a user with 3 sessions; `admin.revokeSessions` (3
 *   sessions end), `admin.markEmailVerified`.
 * - `admin.ban`: a user with 50 sessions (each with a refresh token): the
 *   ban, and every session ending in the same transaction.
 * - `admin.impersonate`: `signIn("impersonate", { userId })` from a fresh
 *   admin session (the admin guard, the target's `isAdmin`, the session
 *   issued and its token signed); `admin.impersonate.stop`: the
 *   impersonation ends and the admin's own session continues.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { makeTest } from "../../test/harness/setup.js";
import { as, claimsOf, password, tokensOf, type Tokens } from "../../test/harness/auth.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PW = "correct horse battery staple";
const ADMIN = "admin@bench.test";
const seed = (componentsGeneric() as AnyComponents).auth.seedAdmin as {
  insertUsers: FunctionReference<"mutation", "internal", { from: number; count: number }, null>;
  insertSessions: FunctionReference<"mutation", "internal", { userId: string; count: number }, null>;
};

type Page = { page: { email: string | null }[]; isDone: boolean; continueCursor: string };
type ListArgs = { search?: string; filter?: "banned" | "unverified" | "has2fa"; paginationOpts: { numItems: number; cursor: string | null } };

async function setupApp(users: number) {
  const meter = new Meter();
  const t = makeTest({ around: meter.around, componentModules: { "./component/seedAdmin.ts": () => import("./seedAdmin.js") } });
  for (let from = 0; from < users; from += 2_500) await t.mutation(seed.insertUsers, { from, count: Math.min(2_500, users - from) });
  const tokens = tokensOf(await password.signUp(t, ADMIN, PW));
  const adminId = claimsOf(tokens.token).userId!;
  await t.mutation(components.auth.users.update, { userId: adminId, patch: { emailVerificationTime: Date.now() } });
  const admin = as(t, tokens.token);
  const list = (args: ListArgs) => admin.query(api.admin.listUsers, args) as Promise<Page>;
  return { meter, t, admin, list };
}

const first50 = { numItems: 50, cursor: null };

test("admin", { timeout: 600_000 }, async () => {
  const saved = process.env.ADMIN_EMAILS;
  process.env.ADMIN_EMAILS = ADMIN;
  const ops: Record<string, OpFigures & { note?: string }> = {};
  try {
    const small = await setupApp(120);
    ops["admin.listUsers"] = await small.meter.measure(RUNS, async () => null, async () => {
      expect((await small.list({ paginationOpts: first50 })).page.length).toBe(50);
    });

    const big = await setupApp(10_000);
    const measureList = async (args: ListArgs, expectItems?: number) =>
      await big.meter.measure(RUNS, async () => null, async () => {
        const result = await big.list(args);
        if (expectItems !== undefined) expect(result.page.length).toBe(expectItems);
        return result;
      });
    ops["admin.listUsers.at10k"] = await measureList({ paginationOpts: first50 }, 50);
    ops["admin.listUsers.banned.at10k"] = await measureList({ filter: "banned", paginationOpts: first50 }, 50);
    ops["admin.listUsers.unverified.at10k"] = await measureList({ filter: "unverified", paginationOpts: first50 }, 50);
    ops["admin.listUsers.has2fa.at10k"] = await measureList({ filter: "has2fa", paginationOpts: first50 }, 50);
    // "user12": user12@, user120..129@, user1200..1299@ (111 emails).
    ops["admin.listUsers.searchEmail.at10k"] = await measureList({ search: "user12", paginationOpts: first50 }, 50);
    // "user 12" matches no email: the email part ends at once; the name part's first page.
    const boundary = await big.list({ search: "user 12", paginationOpts: first50 });
    expect(boundary).toMatchObject({ page: [], isDone: false });
    ops["admin.listUsers.searchName.at10k"] = await measureList(
      { search: "user 12", paginationOpts: { numItems: 50, cursor: boundary.continueCursor } },
      50,
    );
    const filtered = await big.list({ search: "user12", filter: "has2fa", paginationOpts: first50 });
    ops["admin.listUsers.searchFiltered.at10k"] = {
      ...(await measureList({ search: "user12", filter: "has2fa", paginationOpts: first50 })),
      note: `search "user12" + has2fa: one page of the search (50 read), ${filtered.page.length} kept; later pages go on until isDone`,
    };

    // Acting on one user (3 sessions).
    let n = 0;
    const userWithSessions = async () => {
      const userId = await big.t.mutation(components.auth.users.create, { email: `target${++n}@bench.test`, name: "Target" });
      await big.t.mutation(seed.insertSessions, { userId, count: 3 });
      return userId;
    };
    ops["admin.userDetail"] = await big.meter.measure(RUNS, userWithSessions, async (userId) => {
      expect((await big.admin.query(api.admin.userDetail, { userId })).sessions.length).toBe(3);
    });
    ops["admin.revokeSessions"] = await big.meter.measure(RUNS, userWithSessions, async (userId) => {
      expect(await big.admin.mutation(api.admin.revokeSessions, { userId })).toEqual({ ended: 3, continuing: false });
    });
    ops["admin.markEmailVerified"] = await big.meter.measure(RUNS, userWithSessions, async (userId) => {
      expect(await big.admin.mutation(api.admin.markEmailVerified, { userId })).toBe(true);
    });

    // A ban ends every session of the user at once: 50 of them.
    const userWith50Sessions = async () => {
      const userId = await big.t.mutation(components.auth.users.create, { email: `banned${++n}@bench.test`, name: "Banned" });
      await big.t.mutation(seed.insertSessions, { userId, count: 50 });
      return userId;
    };
    ops["admin.ban"] = await big.meter.measure(
      RUNS,
      userWith50Sessions,
      async (userId) => await big.admin.mutation(api.admin.ban, { userId, reason: "bench" }),
      async (userId) => {
        expect(await big.t.query(components.auth.sessions.list, { userId })).toEqual([]);
      },
    );

    // Impersonation, from a fresh admin session each run (one holds one impersonation at a time).
    const adminAndTarget = async () => {
      const tokens = tokensOf(await password.signIn(big.t, ADMIN, PW));
      const userId = await big.t.mutation(components.auth.users.create, { email: `impersonated${++n}@bench.test`, name: "Target" });
      return { tokens, userId };
    };
    // What the React client's impersonate(userId) sends: the access token, and the session's refresh token.
    const impersonate = async ({ tokens, userId }: Awaited<ReturnType<typeof adminAndTarget>>): Promise<Tokens> =>
      tokensOf(
        await as(big.t, tokens.token).action(api.auth.signIn, {
          provider: "impersonate",
          params: { userId, refreshToken: tokens.refreshToken },
        }),
      );
    ops["admin.impersonate"] = await big.meter.measure(RUNS, adminAndTarget, impersonate);
    ops["admin.impersonate.stop"] = await big.meter.measure(
      RUNS,
      async () => await impersonate(await adminAndTarget()),
      async (tokens) => {
        const params = { flow: "stop", refreshToken: tokens.refreshToken };
        tokensOf(await as(big.t, tokens.token).action(api.auth.signIn, { provider: "impersonate", params }));
      },
    );
  } finally {
    if (saved === undefined) delete process.env.ADMIN_EMAILS;
    else process.env.ADMIN_EMAILS = saved;
  }
  saveResult("admin", { ops });
});
