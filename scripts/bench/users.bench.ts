/**
 * Cost of the user functions: through the example app where it has a
 * function (as an app calls them), directly on the component otherwise.
 */
import { componentsGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { makeTest } from "../../test/harness/setup.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

/** The bench-only seeding module mounted in the component (see setupApp). */
const insertUsers = (componentsGeneric() as AnyComponents).auth.seedUsers
  .insertUsers as FunctionReference<"mutation", "internal", { from: number; count: number }, null>;

function setupApp() {
  const meter = new Meter();
  const t = makeTest({
    around: meter.around,
    componentModules: { "./component/seedUsers.ts": () => import("./seedUsers.js") },
  });
  const auth = components.auth.users;
  let made = 0;
  const newUser = async () => {
    made += 1;
    return await t.mutation(auth.create, { name: `Ada ${made}`, email: `ada${made}@example.com` });
  };
  return { meter, t, auth, newUser };
}

test("users", { timeout: 600_000 }, async () => {
  const ops: Record<string, OpFigures> = {};
  const { meter, t, auth, newUser } = setupApp();

  ops["user.create"] = await meter.measure(
    RUNS,
    async (run) => run,
    (run) => t.mutation(auth.create, { name: `Grace ${run}`, email: `grace${run}@example.com` }),
  );
  ops["user.get"] = await meter.measure(RUNS, newUser, (userId) => t.query(auth.get, { userId }));
  ops["user.getByEmail"] = await meter.measure(
    RUNS,
    async (run) => `grace${run}@example.com`,
    (email) => t.query(api.users.byEmail, { email }),
  );
  ops["user.update"] = await meter.measure(RUNS, newUser, (userId) =>
    t.mutation(auth.update, { userId, patch: { name: "Renamed" } }),
  );
  ops["user.delete"] = await meter.measure(RUNS, newUser, (userId) =>
    t.mutation(auth.delete, { userId }),
  );

  const big = setupApp();
  for (let from = 0; from < 10_000; from += 2_500) {
    await big.t.mutation(insertUsers, { from, count: 2_500 });
  }
  ops["user.getByEmail.at10k"] = await big.meter.measure(
    RUNS,
    async (run) => `user${(run * 487) % 10_000}@bench.test`,
    (email) => big.t.query(api.users.byEmail, { email }),
  );

  saveResult("users", { ops });
});
