/**
 * A lifecycle hook's overhead (`Auth({ callbacks })`, docs/hooks.md): the
 * example app with its callbacks on (EXAMPLE_CALLBACKS=1: a profile row
 * made by `afterUserCreated` at sign-up, the device check of `afterSignIn`
 * at every sign-in), against the same operations in signIn.bench.ts, which
 * runs the example without them (the harness sets EXAMPLE_CALLBACKS=0).
 *
 * - `password.signUp.withHooks`: `password.signUp` with the callbacks.
 * - `password.signIn.withHooks`: `password.signIn` from a device seen before.
 * - `password.change.withNotice`: `auth.password.change` with the example's
 *   `onSecurityNotice` (a `notices` row, the email scheduled), against
 *   `password.change` in signIn.bench.ts.
 *
 * `auditEventsWritten` counts the audit-log rows among `documentsWritten`.
 */
import { test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, makeAuthTest, password, probe, tokensOf } from "../../test/harness/auth.js";
import { Meter } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

// Set before the example's modules load (at the first call): its callbacks on.
process.env.EXAMPLE_CALLBACKS = "1";

const PW = "correct horse battery staple";

test("lifecycle hooks", { timeout: 600_000 }, async () => {
  const meter = new Meter();
  const t = makeAuthTest({ around: meter.around });
  const events = async () => (await t.query(probe.rows, { table: "events" })).length;
  let n = 0;
  const freshEmail = () => `hooked${++n}@bench.test`;
  const ops: Record<string, Awaited<ReturnType<Meter["measure"]>> & { auditEventsWritten: number; note?: string }> = {};

  async function measure<S>(name: string, setup: () => Promise<S>, run: (state: S) => Promise<unknown>, note: string) {
    const written: number[] = [];
    let before = 0;
    const figures = await meter.measure(
      RUNS,
      async () => {
        const state = await setup();
        before = await events();
        return state;
      },
      run,
      async () => void written.push((await events()) - before),
    );
    if (new Set(written).size > 1) throw new Error(`audit events differ between runs: ${written}`);
    ops[name] = { ...figures, auditEventsWritten: written[0] ?? 0, note };
  }

  await measure(
    "password.signUp.withHooks",
    async () => freshEmail(),
    (email) => password.signUp(t, email, PW),
    "password.signUp with the example's callbacks: afterUserCreated (one call of auth:hooks, the new user read, " +
      "the profile row written) and afterSignIn (one call, the profile read, the first device written)",
  );
  await measure(
    "password.signIn.withHooks",
    async () => {
      const email = freshEmail();
      await password.signUp(t, email, PW);
      return email;
    },
    (email) => password.signIn(t, email, PW),
    "password.signIn with the example's callbacks, from a device seen before: afterSignIn (one call, the profile read)",
  );

  const change = (token: string) =>
    as(t, token).action(api.users.changePassword, { currentPassword: PW, newPassword: "another correct horse battery" });
  const signedUp = async () => tokensOf(await password.signUp(t, freshEmail(), PW)).token;
  await measure(
    "password.change.withNotice",
    signedUp,
    change,
    "auth.password.change with the example's onSecurityNotice: one call of auth:hooks, the user read, " +
      "a notices row written and the email scheduled",
  );
  saveResult("hooks", { ops });
});
