/**
 * Cost of API keys, as the example app uses them:
 *
 * - `key.create`: the example's `apiKeys.create` mutation for a signed-in
 *   user (raw key drawn and hashed in the app, the hash stored by the component).
 * - `key.verify`: `auth.key.verify(ctx, raw)` from an action (as an HTTP
 *   action does), a key with the example's default rate limit.
 * - `key.verify.at10k`: the same with 10,000 other keys in the table.
 *
 * Target (issue 7): `key.verify` reads at most 2 documents and writes at most 1.
 * `auditEventsWritten` counts the audit-log rows among `documentsWritten`.
 */
import { componentsGeneric, mutationGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { v } from "convex/values";
import { test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf } from "../../test/harness/auth.js";
import { hashSecret } from "../../src/server/tokens/secretHash.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

/** Bench-only module mounted in the component: bulk inserts keys (never shipped). */
const seedModule = {
  insertKeys: mutationGeneric({
    args: { userId: v.string(), from: v.number(), count: v.number() },
    returns: v.null(),
    handler: async (ctx, { userId, from, count }) => {
      for (let i = from; i < from + count; i++) {
        await ctx.db.insert("apiKeys", {
          userId,
          name: `seed ${i}`,
          keyHash: hashSecret(`seed-key-${i}`),
          displayPrefix: "sk_test_seed",
          scopes: [{ resource: "profile", actions: ["read"] }],
        });
      }
      return null;
    },
  }),
};
const insertKeys = (componentsGeneric() as AnyComponents).auth.seedApiKeys.insertKeys as FunctionReference<
  "mutation",
  "internal",
  { userId: string; from: number; count: number },
  null
>;

async function setupApp() {
  const meter = new Meter();
  const t = makeAuthTest({
    around: meter.around,
    componentModules: { "./component/seedApiKeys.ts": async () => seedModule },
  });
  const { token } = tokensOf(await password.signUp(t, "ada@bench.test", "correct horse battery staple"));
  const me = as(t, token);
  const newKey = async (run: number) =>
    (await me.mutation(api.apiKeys.create, { name: `key ${run}`, scopes: [{ resource: "profile", actions: ["read"] }] })).raw;
  const verify = (raw: string) =>
    t.action(async (ctx) => {
      await auth.key.verify(ctx, raw);
    });
  return { meter, t, me, userId: claimsOf(token).userId, newKey, verify };
}

test("api keys", { timeout: 600_000 }, async () => {
  const ops: Record<string, OpFigures & { auditEventsWritten?: number }> = {};
  const app = await setupApp();
  const events = async () => (await app.t.query(probe.rows, { table: "events" })).length;

  const before = await events();
  ops["key.create"] = await app.meter.measure(
    RUNS,
    async (run) => run,
    (run) => app.me.mutation(api.apiKeys.create, { name: `ci ${run}`, scopes: [{ resource: "profile", actions: ["read"] }] }),
  );
  ops["key.create"].auditEventsWritten = ((await events()) - before) / RUNS;

  ops["key.verify"] = await app.meter.measure(RUNS, app.newKey, app.verify);

  const big = await setupApp();
  for (let from = 0; from < 10_000; from += 2_500) {
    await big.t.mutation(insertKeys, { userId: big.userId, from, count: 2_500 });
  }
  ops["key.verify.at10k"] = await big.meter.measure(RUNS, big.newKey, big.verify);

  for (const op of ["key.verify", "key.verify.at10k"]) {
    const { documentsRead, documentsWritten } = ops[op]!;
    if (documentsRead > 2 || documentsWritten > 1) {
      throw new Error(`${op} reads ${documentsRead} and writes ${documentsWritten} documents (target: <= 2, <= 1)`);
    }
  }
  saveResult("apiKeys", { ops });
});
