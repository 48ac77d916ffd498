/**
 * Cost of passkeys, through the example app's public `signIn` action as the
 * client calls it, with a software authenticator (ES256, Web Crypto) in place
 * of the browser (test/fixtures/passkeyAuthenticator.ts). The ceremony itself
 * runs between the measured calls, outside the measurement.
 *
 * - `passkey.registerOptions`: `signIn("passkey", { flow: "register" })` by a
 *   signed-in user (one mutation stores the challenge and reads what the
 *   options need).
 * - `passkey.register`: the second call, `{ response }`: verification in the
 *   action, then one mutation to take the challenge and one to store the
 *   passkey (and a refresh token for the same session).
 * - `passkey.signInOptions`: usernameless `signIn("passkey", {})`;
 *   `passkey.signInOptions.withEmail` with an email hint (allowCredentials).
 * - `passkey.signIn`: the second call: take the challenge (and the
 *   credential), verify, then move the counter and start the session in one
 *   mutation. `passkey.signIn.at10k`: the same with 10,000 other passkeys.
 *
 * `auditEventsWritten` counts the audit-log rows among `documentsWritten`.
 */
import { componentsGeneric, mutationGeneric, type AnyComponents, type FunctionReference } from "convex/server";
import { v } from "convex/values";
import { test } from "vitest";
import { makeAuthTest, password, probe, tokensOf, type AuthTest } from "../../test/harness/auth.js";
import { SoftAuthenticator } from "../../test/fixtures/passkeyAuthenticator.js";
import { finish, signUpWithPasskey, start } from "../../test/fixtures/passkeyFlows.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const ORIGIN = "https://bench.example.test";
const PW = "correct horse battery staple";

/** Bench-only module mounted in the component: bulk inserts passkeys of other users (never shipped). */
const seedModule = {
  insertPasskeys: mutationGeneric({
    args: { from: v.number(), count: v.number() },
    returns: v.null(),
    handler: async (ctx, { from, count }) => {
      const userId = await ctx.db.insert("users", {});
      for (let i = from; i < from + count; i++) {
        await ctx.db.insert("passkeys", {
          userId,
          credentialId: `seed-credential-${i}`,
          publicKey: new ArrayBuffer(77),
          algorithm: -7,
          counter: 0,
          name: `seed ${i}`,
          userHandle: `seed-handle-${from}`,
        });
      }
      return null;
    },
  }),
};
const insertPasskeys = (componentsGeneric() as AnyComponents).auth.seedPasskeys.insertPasskeys as FunctionReference<
  "mutation",
  "internal",
  { from: number; count: number },
  null
>;

function setupApp() {
  const meter = new Meter();
  const t = makeAuthTest({
    around: meter.around,
    componentModules: { "./component/seedPasskeys.ts": async () => seedModule },
  });
  let n = 0;
  const email = () => `user${++n}@bench.test`;
  return { meter, t, email };
}

/** Counts the audit events each run writes (read outside the measurement). */
async function withEvents(
  t: AuthTest,
  measure: (teardown: () => Promise<void>, before: () => Promise<void>) => Promise<OpFigures>,
): Promise<OpFigures & { auditEventsWritten: number }> {
  const count = async () => (await t.query(probe.rows, { table: "events" })).length;
  let mark = 0;
  const perRun: number[] = [];
  const figures = await measure(
    async () => {
      perRun.push((await count()) - mark);
    },
    async () => {
      mark = await count();
    },
  );
  if (new Set(perRun).size > 1) throw new Error(`audit events differ between runs: ${perRun}`);
  return { ...figures, auditEventsWritten: perRun[0] ?? 0 };
}

test("passkeys", { timeout: 600_000 }, async () => {
  const saved = process.env.SITE_URL;
  process.env.SITE_URL = ORIGIN;
  try {
    const ops: Record<string, OpFigures & { auditEventsWritten?: number }> = {};
    const app = setupApp();
    const { meter, t } = app;
    const newUserToken = async () => tokensOf(await password.signUp(t, app.email(), PW)).token;

    ops["passkey.registerOptions"] = await withEvents(t, (teardown, before) =>
      meter.measure(
        RUNS,
        async () => {
          const token = await newUserToken();
          await before();
          return token;
        },
        (token) => start(t, { flow: "register" }, { token }),
        teardown,
      ),
    );

    ops["passkey.register"] = await withEvents(t, (teardown, before) =>
      meter.measure(
        RUNS,
        async () => {
          const token = await newUserToken();
          const step = await start(t, { flow: "register" }, { token });
          const response = await new SoftAuthenticator(ORIGIN).create(step.options as never);
          await before();
          return { token, step, response };
        },
        async ({ token, step, response }) => tokensOf(await finish(t, response, step.verifier, token)),
        teardown,
      ),
    );

    /** A fresh passkey user per run (so no run sees sessions or passkeys of another). */
    const passkeyUser = async () => {
      const authenticator = new SoftAuthenticator(ORIGIN);
      const userEmail = app.email();
      tokensOf(await signUpWithPasskey(t, authenticator, { email: userEmail }));
      return { authenticator, email: userEmail };
    };

    ops["passkey.signInOptions"] = await withEvents(t, (teardown, before) =>
      meter.measure(RUNS, before, () => start(t, {}), teardown),
    );

    ops["passkey.signInOptions.withEmail"] = await withEvents(t, (teardown, before) =>
      meter.measure(
        RUNS,
        async () => {
          const user = await passkeyUser();
          await before();
          return user;
        },
        ({ email }) => start(t, { email }),
        teardown,
      ),
    );

    const signIn = (bench: ReturnType<typeof setupApp>) =>
      withEvents(bench.t, (teardown, before) =>
        bench.meter.measure(
          RUNS,
          async () => {
            const authenticator = new SoftAuthenticator(ORIGIN);
            tokensOf(await signUpWithPasskey(bench.t, authenticator, { email: bench.email() }));
            const step = await start(bench.t, {});
            const response = await authenticator.get(step.options as never);
            await before();
            return { step, response };
          },
          async ({ step, response }) => tokensOf(await finish(bench.t, response, step.verifier)),
          teardown,
        ),
      );
    ops["passkey.signIn"] = {
      ...(await signIn(app)),
      note:
        "reads: passkeyCeremonies.takeChallenge: the challenge and its removal, the credential; " +
        "completeAuthentication: the passkey and its counter; sessions.issue: the user, the newest session",
    };

    const big = setupApp();
    for (let from = 0; from < 10_000; from += 2_500) {
      await big.t.mutation(insertPasskeys, { from, count: 2_500 });
    }
    ops["passkey.signIn.at10k"] = await signIn(big);

    saveResult("passkeys", { ops });
  } finally {
    if (saved === undefined) delete process.env.SITE_URL;
    else process.env.SITE_URL = saved;
  }
});
