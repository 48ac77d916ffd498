/**
 * Cost of live sessions (a still-valid access token of an ended session must
 * stop working where it matters):
 *
 * - `session.require`: an app query returning `auth.session.require(ctx)` for
 *   a signed-in identity. The example app has no such query, so this file
 *   mounts one next to the app's modules (`benchSession:require` below),
 *   instrumented like them: an inline `t.query(async (ctx) => ...)` is not
 *   (convex-test runs it directly, so the meter would miss the app query's
 *   call and see only the component's `sessions.get`).
 * - `session.liveness`: the app's public `auth.sessionState` query (args
 *   `{}`), which the React client subscribes to once per connected client:
 *   the figures are per evaluation. It reads the session document by id, so
 *   it re-runs only when that document changes (ended, revoked, a factor
 *   verified; refreshes rotate refresh tokens, not the session), besides the
 *   re-run every query gets when the client's access token changes.
 * - `session.liveness.revoked`: the same query for a session revoked from
 *   another device (`sessions.revoke`): it answers `{ live: false }` with
 *   the same lookup (the ended session's document is gone, so nothing is
 *   counted as read).
 */
import { expect, test } from "vitest";
import { makeFunctionReference, queryGeneric } from "convex/server";
import { api } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { appModules, makeTestOf } from "../../test/harness/setup.js";
import { as, claimsOf, password, tokensOf, type Tokens } from "../../test/harness/auth.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PW = "correct horse battery staple";

/** The app query `session.require` measures, mounted as module `benchSession`. */
const benchSessionModule = {
  "../../example/convex/benchSession.ts": async () => ({
    require: queryGeneric({ args: {}, handler: async (ctx) => await auth.session.require(ctx) }),
  }),
};
const requireSession = makeFunctionReference<"query", Record<string, never>, { userId: string; sessionId: string }>(
  "benchSession:require",
);

/** What the per-client note says, from the measured figures. */
function livenessNote(live: OpFigures, revoked: OpFigures): string {
  return (
    `per connected client: one subscription to auth.sessionState, re-run only when its session document changes ` +
    `(or its access token does); ${live.calls} calls / ${live.documentsRead} document read per evaluation ` +
    `(${revoked.documentsRead} once the session is revoked)`
  );
}

test("live sessions", { timeout: 600_000 }, async () => {
  const meter = new Meter();
  const t = makeTestOf(
    { ...appModules, ...benchSessionModule },
    {
      around: meter.around,
      componentModules: { "./component/testProbe.ts": () => import("../../test/fixtures/componentProbe.js") },
    },
  );
  const ops: Record<string, OpFigures & { note?: string }> = {};
  let n = 0;
  const signedUp = async () => tokensOf(await password.signUp(t, `user${++n}@bench.test`, PW));

  ops["session.require"] = await meter.measure(RUNS, signedUp, async (tokens) => {
    const who = await as(t, tokens.token).query(requireSession, {});
    expect(who.sessionId).toBe(claimsOf(tokens.token).sessionId);
  });

  const live = await meter.measure(RUNS, signedUp, async (tokens) => {
    expect(await as(t, tokens.token).query(api.auth.sessionState, {})).toMatchObject({ live: true });
  });

  /** A session revoked from the user's other device. */
  const revokedSession = async (): Promise<Tokens> => {
    const email = `user${++n}@bench.test`;
    const first = tokensOf(await password.signUp(t, email, PW));
    const other = tokensOf(await password.signIn(t, email, PW));
    await as(t, other.token).mutation(api.sessions.revoke, { sessionId: claimsOf(first.token).sessionId! });
    return first;
  };
  const revoked = await meter.measure(RUNS, revokedSession, async (tokens) => {
    expect(await as(t, tokens.token).query(api.auth.sessionState, {})).toMatchObject({ live: false });
  });

  const note = livenessNote(live, revoked);
  ops["session.liveness"] = { ...live, note };
  ops["session.liveness.revoked"] = revoked;

  saveResult("session", { ops });
});
