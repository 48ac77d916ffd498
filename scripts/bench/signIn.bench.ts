/**
 * Cost of our core sign-in, through the example app's public `signIn` /
 * `signOut` actions as a client calls them (the same work as
 * peerConvexAuth.bench.ts does for @convex-dev/auth):
 *
 * - `password.signUp`: sign-up of a fresh email, up to the tokens.
 * - `password.signIn`: sign-in of a user signed up beforehand (one session).
 * - `session.refresh`: first exchange of the refresh token sign-up returned,
 *   as the client makes it: one call to the public `refresh` mutation, which
 *   runs the component's `sessions.issue` inside its transaction (rotation
 *   and the access token's signing together). The meter counts both
 *   invocations; `session.refresh.viaSignIn` is the same exchange through
 *   `signIn({ refreshToken })` (an action, then the mutation: what servers
 *   without `refresh` do, and what every refresh cost before).
 * - `session.userId`: an app query returning `auth.user.id(ctx)` for the
 *   signed-in identity (Convex verifies the JWT outside functions).
 * - `session.signOut`, `session.signOut.after10refreshes`: `signOut` for a
 *   session refreshed 0 or 10 times (it must not cost more).
 * - `*.longestMutationMs`: the longest single mutation of the operation.
 *
 * `auditEventsWritten` counts the audit-log rows among `documentsWritten`.
 */
import { test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { composeArounds } from "../../test/harness/instrument.js";
import { as, makeAuthTest, password, probe, refresh, refreshViaSignIn, tokensOf, type AuthTest } from "../../test/harness/auth.js";
import { Meter, MutationTimer, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PW = "correct horse battery staple";

/** Counts audit events an operation writes (read outside the measurement). */
function eventCounter(t: AuthTest) {
  const perRun: number[] = [];
  const count = async () => (await t.query(probe.rows, { table: "events" })).length;
  return {
    /** Wraps a setup so it also notes the event count before the operation. */
    setup<T>(setup: (run: number) => Promise<T>) {
      return async (run: number) => ({ prepared: await setup(run), before: await count() });
    },
    teardown: async ({ before }: { before: number }) => {
      perRun.push((await count()) - before);
    },
    take(): number {
      const runs = perRun.splice(0);
      if (new Set(runs).size > 1) throw new Error(`audit events differ between runs: ${runs}`);
      return runs[0] ?? 0;
    },
  };
}

test("core sign-in", { timeout: 600_000 }, async () => {
  const meter = new Meter();
  const timer = new MutationTimer();
  const t = makeAuthTest({ around: composeArounds(meter.around, timer.around) });
  const events = eventCounter(t);
  const ops: Record<string, OpFigures & { auditEventsWritten?: number; note?: string }> = {};
  let n = 0;
  const freshEmail = () => `user${++n}@bench.test`;
  const signedUp = async () => tokensOf(await password.signUp(t, freshEmail(), PW));

  type Op<T> = { name: string; setup: (run: number) => Promise<T>; run: (prepared: T) => Promise<unknown>; longest?: boolean };
  async function measure<T>({ name, setup, run, longest }: Op<T>) {
    const operation = longest ? timer.wrap(run) : run;
    const figures = await meter.measure(
      RUNS,
      events.setup(setup),
      ({ prepared }) => operation(prepared),
      events.teardown,
    );
    ops[name] = { ...figures, auditEventsWritten: events.take() };
    if (longest) ops[`${name}.longestMutationMs`] = { ...zeroCounts, ...timer.take() };
  }

  await measure({
    name: "password.signUp",
    setup: async () => freshEmail(),
    run: (email) => password.signUp(t, email, PW),
    longest: true,
  });
  await measure({
    name: "password.signIn",
    setup: async () => {
      const email = freshEmail();
      await password.signUp(t, email, PW);
      return email;
    },
    run: (email) => password.signIn(t, email, PW),
    longest: true,
  });
  await measure({ name: "session.refresh", setup: signedUp, run: (tokens) => refresh(t, tokens.refreshToken) });
  ops["session.refresh"]!.note =
    "one client request, one transaction: the public refresh mutation with sessions.issue nested in it " +
    "(the meter counts each invocation); no action";
  await measure({ name: "session.refresh.viaSignIn", setup: signedUp, run: (tokens) => refreshViaSignIn(t, tokens.refreshToken) });
  await measure({
    name: "session.userId",
    setup: signedUp,
    run: (tokens) => as(t, tokens.token).query(api.users.viewerId, {}),
  });
  await measure({
    name: "session.signOut",
    setup: signedUp,
    run: (tokens) => as(t, tokens.token).action(api.auth.signOut, {}),
  });
  await measure({
    name: "session.signOut.after10refreshes",
    setup: async () => {
      let tokens = await signedUp();
      for (let i = 0; i < 10; i++) tokens = tokensOf(await refresh(t, tokens.refreshToken));
      return tokens;
    },
    run: (tokens) => as(t, tokens.token).action(api.auth.signOut, {}),
  });

  await measure({
    name: "password.change",
    setup: async () => (await signedUp()).token,
    run: (token) => as(t, token).action(api.users.changePassword, { currentPassword: PW, newPassword: "another correct horse battery" }),
  });
  ops["password.change"]!.note =
    "auth.password.change without callbacks: the current password checked, the new hash stored, other sessions ended " +
    "(hooks.bench.ts has it with the example's onSecurityNotice)";

  saveResult("signIn", { ops });
});

const zeroCounts = { calls: 0, documentsRead: 0, documentsWritten: 0, databaseQueries: 0 };
