/**
 * Outgoing OAuth requests are bounded: every request to the authorization
 * server (discovery, token) carries a timeout signal of
 * OAUTH_REQUEST_TIMEOUT_MS, so a server that accepts the connection and never
 * answers ends the sign-in with OAUTH_FAILED instead of hanging it.
 *
 * The timeout's length is checked as asked for (10 s), but the signal the
 * test hands out fires after half a second (enough for the answering
 * discovery request on a loaded machine), so nothing waits 10 s.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { makeFunctionReference } from "convex/server";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { OAUTH_REQUEST_TIMEOUT_MS, requestOptions } from "../../src/providers/oauth/settings.js";
import { probe } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";

const modules = import.meta.glob(["../fixtures/oauth/**/*.ts", "!../fixtures/oauth/**/*.*.ts"]);
const signIn = makeFunctionReference<"action">("auth:signIn");
const SITE = "https://app.example.test";
/** How long the test's stand-in timeout signals actually wait. */
const TEST_TIMEOUT_MS = 500;

/**
 * An authorization server on 127.0.0.1 with two issuers: `/ok` answers
 * discovery and hangs on its token endpoint; `/stuck` hangs on discovery.
 * Hanging requests are held open until the client gives up.
 */
type Hang = { path: string; closedByClient: Promise<void> };
let server: Server;
let base: string;
const hanging: Hang[] = [];
const open = new Set<ServerResponse>();

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", base).pathname;
  if (path === "/ok/.well-known/openid-configuration") {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        issuer: `${base}/ok`,
        authorization_endpoint: `${base}/ok/authorize`,
        token_endpoint: `${base}/ok/token`,
        jwks_uri: `${base}/ok/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      }),
    );
    return;
  }
  // Anything else (the token endpoint, /stuck's discovery): accept and never answer.
  open.add(res);
  hanging.push({ path, closedByClient: new Promise((resolve) => res.on("close", () => resolve())) });
}

const saved: Record<string, string | undefined> = {};
function setEnv(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  setEnv({
    SITE_URL: SITE,
    AUTH_MOCK_ISSUER: `${base}/ok`,
    AUTH_MOCK_ID: "mock-client",
    AUTH_MOCK_SECRET: "mock-secret",
    // The fixture app also configures a GitHub provider; these tests do not use it.
    OAUTH_TEST_GITHUB: base,
  });
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Every `AbortSignal.timeout(ms)` asked for; each gets a signal that fires after TEST_TIMEOUT_MS. */
let asked: number[] = [];
function shortenTimeouts() {
  const real = AbortSignal.timeout.bind(AbortSignal);
  asked = [];
  vi.spyOn(AbortSignal, "timeout").mockImplementation((ms: number) => {
    asked.push(ms);
    return real(TEST_TIMEOUT_MS);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  hanging.length = 0;
  process.env.AUTH_MOCK_ISSUER = `${base}/ok`;
});

const app = () =>
  makeTestOf(modules, {
    componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
  });

describe("outgoing OAuth requests", () => {
  test("requestOptions gives each request a fresh 10 s timeout signal, loopback or not", async () => {
    expect(OAUTH_REQUEST_TIMEOUT_MS).toBe(10_000);
    shortenTimeouts();
    for (const url of ["https://idp.example.com/token", "http://127.0.0.1:9/token", undefined]) {
      const { signal } = await requestOptions(url);
      const first = signal();
      const second = signal();
      expect(first).toBeInstanceOf(AbortSignal);
      expect(first).not.toBe(second);
      expect(first.aborted).toBe(false);
    }
    expect(asked).toEqual(Array.from({ length: 6 }, () => OAUTH_REQUEST_TIMEOUT_MS));
  });

  test("a token endpoint that never answers ends the callback with ?authError=OAUTH_FAILED", async () => {
    shortenTimeouts();
    const t = app();
    const { redirect } = (await t.action(signIn, { provider: "mock", params: { redirectTo: "/welcome" } })) as {
      redirect: string;
    };
    // The browser opens our sign-in URL and gets the binding cookie and the provider's authorize URL.
    const started = new URL(redirect);
    const signInResponse = await t.fetch(started.pathname + started.search, { method: "POST", headers: { origin: SITE } });
    expect(signInResponse.status).toBe(302);
    const cookie = (signInResponse.headers.get("set-cookie") ?? "").split(";")[0]!;
    const authorizeUrl = new URL(signInResponse.headers.get("location")!);
    expect(authorizeUrl.href.startsWith(`${base}/ok/authorize?`)).toBe(true);
    // The provider sends the browser back with a code; the code exchange hangs.
    const state = authorizeUrl.searchParams.get("state")!;
    const response = await t.fetch(`/api/auth/callback/mock?code=some-code&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
    });
    expect(response.status).toBe(302);
    const landed = new URL(response.headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe(`${SITE}/welcome`);
    expect(landed.searchParams.get("authError")).toBe("OAUTH_FAILED");
    expect(landed.searchParams.get("code")).toBeNull();
    // The token request was made, held by the server, and given up on by us.
    expect(hanging.map((h) => h.path)).toEqual(["/ok/token"]);
    await hanging[0]!.closedByClient;
    expect(asked.length).toBeGreaterThanOrEqual(1);
    for (const ms of asked) expect(ms).toBe(OAUTH_REQUEST_TIMEOUT_MS);
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
  });

  test("a discovery document that never comes fails the sign-in with OAUTH_FAILED", async () => {
    shortenTimeouts();
    process.env.AUTH_MOCK_ISSUER = `${base}/stuck`;
    const t = app();
    await expectAuthError(t.action(signIn, { provider: "mock", params: {} }), "OAUTH_FAILED");
    expect(hanging.map((h) => h.path)).toEqual(["/stuck/.well-known/openid-configuration"]);
    await hanging[0]!.closedByClient;
    expect(asked).toEqual([OAUTH_REQUEST_TIMEOUT_MS]);
    expect(await t.query(probe.rows, { table: "verifiers" })).toEqual([]);
  });
});
