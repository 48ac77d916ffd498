/**
 * The server-side cost of rendering a signed-in page with a cookie session
 * (convex-auth-kit/ssr `authenticateRequest`, which the Next.js proxy and
 * `convexAuthToken()` run), before the page's own queries:
 *
 * - `ssr.token.fresh`: the access token in the cookie is fresh: read from
 *   the cookie, no call to Convex;
 * - `ssr.token.expired`: it has expired: one request to the app's `refresh`
 *   mutation (its nested `sessions.issue` counted as a second call), new
 *   cookies for the response;
 * - `ssr.token.expired.prefetches`: ten requests of one browser arriving
 *   together with the expired token (a page and its prefetches): they
 *   share one exchange, the same figures as one;
 * - `ssr.token.live`: a fresh token with `live: true`: the `sessionState`
 *   query (one document read), so a revoked session renders signed out
 *   at once.
 */
import { expect, test } from "vitest";
import { authenticateRequest } from "../../src/ssr/session.js";
import { handleAuthRequest } from "../../src/ssr/route.js";
import { appModules, makeTestOf } from "../../test/harness/setup.js";
import type { AuthTest } from "../../test/harness/auth.js";
import { advance, useClock } from "../../test/harness/clock.js";
import { ConvexTestBackend, CookieJar, pageRequest, routeRequest } from "../../test/ssr/backend.js";
import { Meter } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

test("server rendering with a cookie session", { timeout: 600_000 }, async () => {
  useClock();
  const meter = new Meter();
  const t = makeTestOf(appModules, { around: meter.around }) as unknown as AuthTest;
  const backend = new ConvexTestBackend(t);
  let n = 0;
  /** A browser signed in through the auth route: its `Cookie` header. */
  const signedIn = async () => {
    const jar = new CookieJar();
    jar.apply(
      await handleAuthRequest(
        routeRequest({ action: "signIn", provider: "password", params: { flow: "signUp", email: `user${++n}@bench.test`, password: "correct horse battery staple" } }),
        { backend },
      ),
    );
    return jar.header();
  };
  const expired = async () => {
    const cookie = await signedIn();
    advance(16 * 60_000);
    return cookie;
  };

  const ops: Parameters<typeof saveResult>[1]["ops"] = {};
  ops["ssr.token.fresh"] = await meter.measure(RUNS, signedIn, async (cookie) => {
    expect((await authenticateRequest(pageRequest(cookie), { backend })).token).not.toBeNull();
  });
  ops["ssr.token.expired"] = await meter.measure(RUNS, expired, async (cookie) => {
    const { token, setCookies } = await authenticateRequest(pageRequest(cookie), { backend });
    expect(token).not.toBeNull();
    expect(setCookies).toHaveLength(2);
  });
  ops["ssr.token.expired.prefetches"] = {
    ...(await meter.measure(RUNS, expired, async (cookie) => {
      const results = await Promise.all(Array.from({ length: 10 }, () => authenticateRequest(pageRequest(cookie), { backend })));
      expect(new Set(results.map((r) => r.token)).size).toBe(1);
    })),
    note: "10 concurrent requests of one browser with an expired token: one shared exchange",
  };
  ops["ssr.token.live"] = await meter.measure(RUNS, signedIn, async (cookie) => {
    expect((await authenticateRequest(pageRequest(cookie), { backend, live: true })).token).not.toBeNull();
  });
  saveResult("ssr", { ops });
});
