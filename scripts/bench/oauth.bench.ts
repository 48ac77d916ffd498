/**
 * Cost of OAuth, email-code and anonymous sign-in:
 *
 * - `oauth.start`: `signIn("mock")` (OIDC, discovery cached): stores the flow.
 * - `oauth.callback`: the provider's redirect to `/api/auth/callback/mock`:
 *   takes the flow, exchanges the code with a real OIDC server
 *   (oauth2-mock-server on 127.0.0.1; its round trips are in the wall time),
 *   stores the one-time code. `calls` counts the HTTP action itself too.
 * - `oauth.exchange`: the client's `signIn({ params: { code }, verifier })`
 *   for a returning user: redeems the code and starts the session.
 * - `email.send`: `signIn("email", { email })`, code "sent" to the example's outbox.
 * - `email.verify`: `signIn("email", { email, code })` of a returning user;
 *   `email.verify.newUser` the first one (creates the user).
 * - `anonymous.signIn`: a new guest with a session.
 * - `account.link.callback`: the callback of a link-mode flow
 *   (`signIn("github", { link: true })` while signed in, the example app
 *   against the GitHub look-alike): as `oauth.callback`, the code also
 *   names the user and session.
 * - `account.link`: the client's exchange of that code: the session is
 *   checked live (and step-up), the account attached to the caller, the
 *   session goes on with a fresh refresh token.
 * - `account.unlink`: `auth.account.unlink` (example/convex/accounts.ts) of
 *   a user's GitHub account, beside their password.
 *
 * `auditEventsWritten` counts the audit-log rows among `documentsWritten`.
 */
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { startGitHub, startOidc } from "../../test/fixtures/oauthServers.js";
import { as, makeAuthTest, password, probe, tokensOf } from "../../test/harness/auth.js";
import { makeTestOf } from "../../test/harness/setup.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const modules = import.meta.glob(["../../test/fixtures/oauth/**/*.ts", "!../../test/fixtures/oauth/**/*.*.ts"]);
const signIn = makeFunctionReference<"action">("auth:signIn");

let oidc: Awaited<ReturnType<typeof startOidc>>;
let github: Awaited<ReturnType<typeof startGitHub>>;
beforeAll(async () => {
  oidc = await startOidc();
  github = await startGitHub();
  Object.assign(process.env, {
    SITE_URL: "https://app.example.test",
    AUTH_MOCK_ISSUER: oidc.issuer,
    AUTH_MOCK_ID: "mock-client",
    AUTH_MOCK_SECRET: "mock-secret",
    // The fixture's GitHub provider is not measured; it only needs a base URL.
    OAUTH_TEST_GITHUB: "http://127.0.0.1:9",
    // The example's GitHub (read when its auth.ts loads): the look-alike, for linking.
    AUTH_GITHUB_ID: "gh-client",
    AUTH_GITHUB_SECRET: "gh-secret",
    AUTH_GITHUB_ENTERPRISE_URL: github.base,
  });
});
afterAll(async () => {
  await oidc?.stop();
  await github?.stop();
});

type Ops = Record<string, OpFigures & { auditEventsWritten?: number }>;

/** Counts audit events an operation writes (read outside the measurement). */
function eventCounter(count: () => Promise<number>) {
  const perRun: number[] = [];
  let before = 0;
  return {
    async mark() {
      before = await count();
    },
    async after() {
      perRun.push((await count()) - before);
    },
    take(): number {
      const runs = perRun.splice(0);
      if (new Set(runs).size > 1) throw new Error(`audit events differ between runs: ${runs}`);
      return runs[0] ?? 0;
    },
  };
}

test("oauth, email codes and anonymous sign-in", { timeout: 600_000 }, async () => {
  const meter = new Meter();
  const ops: Ops = {};
  oidc.who({ sub: "bench-user", email: "bench@example.com", emailVerified: true, name: "Bench" });

  // ---- OAuth (the fixture app: a generic OIDC provider against the mock server) ----
  const t = makeTestOf(modules, {
    around: meter.around,
    componentModules: { "./component/testProbe.ts": () => import("../../test/fixtures/componentProbe.js") },
  });
  const events = eventCounter(async () => (await t.query(probe.rows, { table: "events" })).length);
  const start = async () => (await t.action(signIn, { provider: "mock", params: {} })) as { redirect: string; verifier: string };
  /** Steps up to the browser arriving at our callback: its path and cookie. */
  async function toCallback() {
    const { redirect, verifier } = await start();
    const hop = new URL(redirect);
    const opened = await t.fetch(hop.pathname + hop.search, { method: "POST", headers: { origin: "https://app.example.test" } });
    const cookie = (opened.headers.get("set-cookie") ?? "").split(";")[0];
    const authorized = await fetch(opened.headers.get("location")!, { redirect: "manual" });
    const back = new URL(authorized.headers.get("location")!);
    return { path: back.pathname + back.search, cookie, verifier };
  }
  async function callback({ path, cookie }: { path: string; cookie: string }) {
    const response = await t.fetch(path, { headers: { cookie } });
    const landed = new URL(response.headers.get("location")!);
    const code = landed.searchParams.get("code");
    if (code === null) throw new Error(`callback failed: ${landed.href}`);
    return code;
  }
  const exchange = (code: string, verifier: string) => t.action(signIn, { params: { code }, verifier });
  // A first sign-in, so the measured ones are a returning user's (and discovery is cached).
  {
    const at = await toCallback();
    tokensOf(await exchange(await callback(at), at.verifier));
  }

  async function measure<T>(name: string, setup: () => Promise<T>, run: (prepared: T) => Promise<unknown>, extraCalls = 0) {
    const figures = await meter.measure(
      RUNS,
      async () => {
        const prepared = await setup();
        await events.mark();
        return prepared;
      },
      run,
      async () => events.after(),
    );
    ops[name] = { ...figures, calls: figures.calls + extraCalls, auditEventsWritten: events.take() };
  }

  await measure("oauth.start", async () => null, () => start());
  // + 1: the callback's HTTP action is not one of the instrumented functions.
  await measure("oauth.callback", toCallback, callback, 1);
  await measure(
    "oauth.exchange",
    async () => {
      const at = await toCallback();
      return { code: await callback(at), verifier: at.verifier };
    },
    ({ code, verifier }) => exchange(code, verifier),
  );

  // ---- Email codes and guests (the example app) ----
  const e = makeAuthTest({ around: meter.around });
  const emailEvents = eventCounter(async () => (await e.query(probe.rows, { table: "events" })).length);
  let n = 0;
  const sendCode = async (email: string) => {
    await e.action(api.auth.signIn, { provider: "email", params: { email } });
    return (await e.query(api.outbox.latest, { to: email }))!.code;
  };
  async function measureEmail<T>(name: string, setup: () => Promise<T>, run: (prepared: T) => Promise<unknown>) {
    const figures = await meter.measure(
      RUNS,
      async () => {
        const prepared = await setup();
        await emailEvents.mark();
        return prepared;
      },
      run,
      async () => emailEvents.after(),
    );
    ops[name] = { ...figures, auditEventsWritten: emailEvents.take() };
  }
  await measureEmail("email.send", async () => `send${++n}@bench.test`, (email) =>
    e.action(api.auth.signIn, { provider: "email", params: { email } }),
  );
  await measureEmail(
    "email.verify.newUser",
    async () => {
      const email = `new${++n}@bench.test`;
      return { email, code: await sendCode(email) };
    },
    ({ email, code }) => e.action(api.auth.signIn, { provider: "email", params: { email, code } }),
  );
  await measureEmail(
    "email.verify",
    async () => {
      const email = `back${++n}@bench.test`;
      tokensOf(await e.action(api.auth.signIn, { provider: "email", params: { email, code: await sendCode(email) } }));
      return { email, code: await sendCode(email) };
    },
    ({ email, code }) => e.action(api.auth.signIn, { provider: "email", params: { email, code } }),
  );
  await measureEmail("anonymous.signIn", async () => null, () => e.action(api.auth.signIn, { provider: "anonymous" }));

  // ---- Linking while signed in (the example app: GitHub against the look-alike) ----
  /** A user signed up with a password, and where their link-mode flow reaches our callback. */
  async function linkToCallback() {
    const user = tokensOf(await password.signUp(e, `link${++n}@bench.test`, "correct horse battery"));
    github.who({ sub: String(1000 + n), email: `gh${n}@bench.test`, emailVerified: true });
    const { redirect, verifier } = (await as(e, user.token).action(api.auth.signIn, {
      provider: "github",
      params: { link: true },
    })) as { redirect: string; verifier: string };
    const hop = new URL(redirect);
    const opened = await e.fetch(hop.pathname + hop.search, { method: "POST", headers: { origin: "https://app.example.test" } });
    const cookie = (opened.headers.get("set-cookie") ?? "").split(";")[0];
    const authorized = await fetch(opened.headers.get("location")!, { redirect: "manual" });
    const back = new URL(authorized.headers.get("location")!);
    return { user, path: back.pathname + back.search, cookie, verifier };
  }
  async function linkCallback({ path, cookie }: { path: string; cookie: string }) {
    const landed = new URL((await e.fetch(path, { headers: { cookie } })).headers.get("location")!);
    const code = landed.searchParams.get("code");
    if (code === null) throw new Error(`callback failed: ${landed.href}`);
    return code;
  }
  const linkExchange = (token: string, code: string, verifier: string) =>
    as(e, token).action(api.auth.signIn, { params: { code }, verifier });
  // + 1: the callback's HTTP action is not one of the instrumented functions.
  await measureEmail("account.link.callback", linkToCallback, linkCallback);
  ops["account.link.callback"]!.calls += 1;
  await measureEmail(
    "account.link",
    async () => {
      const at = await linkToCallback();
      return { token: at.user.token, code: await linkCallback(at), verifier: at.verifier };
    },
    async ({ token, code, verifier }) => tokensOf(await linkExchange(token, code, verifier)),
  );
  await measureEmail(
    "account.unlink",
    async () => {
      const at = await linkToCallback();
      const { token } = tokensOf(await linkExchange(at.user.token, await linkCallback(at), at.verifier));
      const accounts = await as(e, token).query(api.accounts.list, {});
      return { token, accountId: accounts.find((a) => a.provider === "github")!.accountId };
    },
    ({ token, accountId }) => as(e, token).mutation(api.accounts.unlink, { accountId }),
  );

  saveResult("oauth", { ops });
});
