/**
 * Cost of moving an app off @convex-dev/auth (docs/migrating-from-convex-auth.md),
 * on the test app of test/fixtures/convexDevAuth after the switch, with
 * @convex-dev/auth's rows as that library writes them:
 *
 * - `migration.importBatch`: one `authMigration:importBatch` of 100 legacy
 *   users with a password account each (the default batch), into an empty
 *   component: the app mutation reading them and the component's
 *   `migration.importUsers`, one transaction.
 * - `migration.importBatch.dryRun`: the same with `dryRun` (nothing written).
 * - `migration.importBatch.rerun`: the same batch once imported (a second
 *   run: nothing written).
 * - `migration.exchange`: a client's legacy refresh token exchanged
 *   (`authMigration:exchange`) for an imported user, up to our tokens;
 *   `migration.exchange.notImported`: the same for a user the batches have
 *   not reached (imported in that transaction).
 * - `password.signIn.legacy`: a sign-in through our Password provider with
 *   an imported @convex-dev/auth hash: scrypt (N=2^14, r=16, p=1) verifies
 *   it and argon2id replaces it, in the `signIn` action (its
 *   `longestMutationMs`: no hashing in a transaction).
 * - `password.verify.legacyScrypt`: that scrypt check alone (no Convex calls).
 */
import { Scrypt } from "lucia";
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { test } from "vitest";
import { verifyPassword } from "../../src/providers/password/hash.js";
import { composeArounds } from "../../test/harness/instrument.js";
import { makeAuthTest, password } from "../../test/harness/auth.js";
import { fn, phasedApp, setEnv } from "../../test/migration/app.js";
import { Meter, MutationTimer, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PASSWORD = "correct horse battery staple";
const BATCH = 100;
const importUsers = (componentsGeneric() as AnyComponents).auth.migration.importUsers as FunctionReference<
  "mutation",
  "internal",
  Record<string, unknown>,
  unknown
>;
type App = ReturnType<typeof phasedApp>["t"];

/** Legacy users with a password account each, as @convex-dev/auth writes them; returns their ids. */
async function seedLegacy(t: App, from: number, count: number, hash: string): Promise<string[]> {
  return await t.run(async (ctx) => {
    const ids: string[] = [];
    for (let i = from; i < from + count; i++) {
      const email = `legacy${i}@bench.test`;
      const userId = await ctx.db.insert("users", { email });
      await ctx.db.insert("authAccounts", { userId, provider: "password", providerAccountId: email, secret: hash });
      ids.push(userId);
    }
    return ids;
  });
}

/** A legacy session of `legacyUserId` and its refresh token, as a v1 client holds it. */
async function legacySession(t: App, legacyUserId: string): Promise<string> {
  return await t.run(async (ctx) => {
    const userId = ctx.db.normalizeId("users", legacyUserId)!;
    const sessionId = await ctx.db.insert("authSessions", { userId, expirationTime: Date.now() + 86_400_000 });
    const tokenId = await ctx.db.insert("authRefreshTokens", { sessionId, expirationTime: Date.now() + 86_400_000 });
    return `${tokenId}|${sessionId}`;
  });
}

test("migration from @convex-dev/auth", { timeout: 1_800_000 }, async () => {
  const restore = setEnv({ OAUTH_TEST_GITHUB: "http://127.0.0.1:9", SITE_URL: "https://app.example.test" });
  try {
    const meter = new Meter();
    const timer = new MutationTimer();
    const around = composeArounds(meter.around, timer.around);
    const hash = await new Scrypt().hash(PASSWORD);
    const ops: Record<string, OpFigures & { note?: string }> = {};
    const migrated = () => {
      const app = phasedApp({ around });
      app.deploy("v2");
      return app.t;
    };

    // A fresh deployment each run, with one batch of legacy users waiting.
    const waiting = async () => {
      const t = migrated();
      await seedLegacy(t, 0, BATCH, hash);
      return t;
    };
    ops["migration.importBatch"] = await meter.measure(RUNS, waiting, (t) => t.mutation(fn.importBatch, {}));
    ops["migration.importBatch"].note = `${BATCH} users with a password account each: one transaction`;
    ops["migration.importBatch.dryRun"] = await meter.measure(RUNS, waiting, (t) => t.mutation(fn.importBatch, { dryRun: true }));
    ops["migration.importBatch.rerun"] = await meter.measure(
      RUNS,
      async () => {
        const t = await waiting();
        await t.mutation(fn.importBatch, {});
        return t;
      },
      (t) => t.mutation(fn.importBatch, {}),
    );

    const t = migrated();
    let n = 0;
    ops["migration.exchange"] = await meter.measure(
      RUNS,
      async () => {
        const [legacyId] = await seedLegacy(t, 1000 + n++, 1, hash);
        await t.mutation(fn.importBatch, { cursor: null, batchSize: 400 });
        return await legacySession(t, legacyId!);
      },
      async (refreshToken) => {
        const result = (await t.mutation(fn.exchange, { refreshToken })) as { tokens?: unknown };
        if (!result.tokens) throw new Error("the exchange gave no tokens");
      },
    );
    ops["migration.exchange.notImported"] = await meter.measure(
      RUNS,
      async () => {
        const [legacyId] = await seedLegacy(t, 5000 + n++, 1, hash);
        return await legacySession(t, legacyId!);
      },
      async (refreshToken) => {
        const result = (await t.mutation(fn.exchange, { refreshToken })) as { tokens?: unknown };
        if (!result.tokens) throw new Error("the exchange gave no tokens");
      },
    );

    // A sign-in with an imported hash, on the example app.
    const app = makeAuthTest({ around });
    let m = 0;
    ops["password.signIn.legacy"] = await meter.measure(
      RUNS,
      async () => {
        const email = `imported${m++}@bench.test`;
        await app.mutation(importUsers, {
          users: [{ legacyId: `legacy-${m}`, email, accounts: [{ provider: "password", providerAccountId: email, secret: hash }] }],
          source: "bench",
        });
        return email;
      },
      timer.wrap(async (email) => {
        const result = (await password.signIn(app, email, PASSWORD)) as { tokens?: unknown };
        if (!result.tokens) throw new Error("the legacy password did not sign in");
      }),
    );
    ops["password.signIn.legacy.longestMutationMs"] = { calls: 0, documentsRead: 0, documentsWritten: 0, databaseQueries: 0, ...timer.take() };
    ops["password.signIn.legacy"].note = "scrypt N=2^14 r=16 p=1 verify, then argon2id m=19 MiB t=2 p=1 hash, in the signIn action";

    ops["password.verify.legacyScrypt"] = await meter.measure(RUNS, async (run) => run, async () => {
      if (!(await verifyPassword(PASSWORD, hash))) throw new Error("legacy verify failed");
    });

    saveResult("migration", { ops });
  } finally {
    restore();
  }
});
