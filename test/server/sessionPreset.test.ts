/**
 * Session lifetimes by preset (OWASP ASVS 4.0.3 3.3.2): the consumer
 * defaults (30 days / 14 days idle, proven in sessions.test.ts) and the
 * strict `"asvs-l2"` preset, 12 hours absolute and 30 minutes without a
 * refresh, each refusing a refresh at the right moment; and the option's checks.
 */
import { makeFunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { DEFAULT_OPTIONS, resolveOptions, SESSION_PRESETS, type AuthOptions } from "../../src/server/config.js";
import { advance, useClock } from "../harness/clock.js";
import { claimsOf, probe, tokensOf, type Tokens } from "../harness/auth.js";
import { makeTestOf } from "../harness/setup.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const modules = import.meta.glob(["../fixtures/asvsSessions/**/*.ts", "!../fixtures/asvsSessions/**/*.*.ts"]);
const signIn = makeFunctionReference<"action">("auth:signIn");
const strictApp = () =>
  makeTestOf(modules, { componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") } });
type App = ReturnType<typeof strictApp>;

const signUp = async (t: App) =>
  tokensOf(await t.action(signIn, { provider: "password", params: { flow: "signUp", email: EMAIL, password: PW } }));
const signInAgain = async (t: App) =>
  tokensOf(await t.action(signIn, { provider: "password", params: { flow: "signIn", email: EMAIL, password: PW } }));
const refresh = (t: App, tokens: Tokens) => t.action(signIn, { refreshToken: tokens.refreshToken });

/** `options` fails with a coded `CONFIGURATION` error whose message matches `pattern`. */
function expectConfigurationError(options: AuthOptions, pattern: RegExp): void {
  let error: unknown;
  try {
    resolveOptions(options);
  } catch (e) {
    error = e;
  }
  expect(error, JSON.stringify(options)).toMatchObject({ data: { code: "CONFIGURATION", message: expect.stringMatching(pattern) } });
}

describe("the presets", () => {
  test("consumer is the default: 30 days absolute, 14 days without a refresh", () => {
    expect(SESSION_PRESETS.consumer).toEqual({ totalDurationMs: 30 * DAY, inactiveDurationMs: 14 * DAY });
    expect(DEFAULT_OPTIONS.session).toEqual({ ...SESSION_PRESETS.consumer, maxSessionsPerUser: 50 });
    expect(resolveOptions({ session: { preset: "consumer" } }).session).toEqual(DEFAULT_OPTIONS.session);
  });

  test("asvs-l2: 12 hours absolute, 30 minutes without a refresh, in one option", () => {
    expect(resolveOptions({ session: { preset: "asvs-l2" } }).session).toEqual({
      totalDurationMs: 12 * HOUR,
      inactiveDurationMs: 30 * MINUTE,
      maxSessionsPerUser: 50,
    });
    expect(resolveOptions({ session: { preset: "asvs-l2", maxSessionsPerUser: 3 } }).session.maxSessionsPerUser).toBe(3);
  });

  test("an unknown preset, or a preset with durations, is CONFIGURATION", () => {
    expectConfigurationError({ session: { preset: "strict" as never } }, /session\.preset must be one of "consumer", "asvs-l2"/);
    expectConfigurationError({ session: { preset: "toString" as never } }, /session\.preset must be one of/);
    expectConfigurationError({ session: { preset: "asvs-l2", totalDurationMs: DAY } }, /not both/);
    expectConfigurationError({ session: { preset: "consumer", inactiveDurationMs: HOUR } }, /not both/);
    expectConfigurationError({ session: { totalDurationMs: 0 } }, /session\.totalDurationMs must be a positive number/);
  });
});

describe('Auth({ session: { preset: "asvs-l2" } })', () => {
  test("a session not refreshed for 30 minutes ends; one refreshed in time goes on", async () => {
    useClock();
    const t = strictApp();
    const idle = await signUp(t);
    const active = await signInAgain(t);
    advance(30 * MINUTE - 1000);
    const refreshed = tokensOf(await refresh(t, active));
    expect(claimsOf(refreshed.token).sessionId).toBe(claimsOf(active.token).sessionId);
    advance(1000);
    // Exactly 30 minutes after its last refresh: refused; no token of that session works any more.
    expect(await refresh(t, idle)).toEqual({ tokens: null });
    const tokensOfIdle = (await t.query(probe.rows, { table: "refreshTokens" })).filter(
      (row) => String(row.sessionId) === claimsOf(idle.token).sessionId,
    );
    expect(tokensOfIdle.length).toBeGreaterThan(0);
    expect(tokensOfIdle.every((row) => (row.expirationTime as number) <= Date.now())).toBe(true);
    // The other one counts its 30 minutes from its own refresh.
    advance(30 * MINUTE - 2000);
    tokensOf(await refresh(t, refreshed));
  });

  test("a session refreshed all along still ends 12 hours after sign-in", async () => {
    useClock();
    const t = strictApp();
    const signedInAt = Date.now();
    let tokens = await signUp(t);
    const sessionId = claimsOf(tokens.token).sessionId;
    // A refresh every 25 minutes keeps it alive up to its 12th hour...
    while (Date.now() + 25 * MINUTE < signedInAt + 12 * HOUR) {
      advance(25 * MINUTE);
      tokens = tokensOf(await refresh(t, tokens));
      expect(claimsOf(tokens.token).sessionId).toBe(sessionId);
    }
    // ...a second before it too...
    advance(signedInAt + 12 * HOUR - 1000 - Date.now());
    tokens = tokensOf(await refresh(t, tokens));
    // ...and the one at 12 hours is refused: the user signs in again.
    advance(1000);
    expect(await refresh(t, tokens)).toEqual({ tokens: null });
    const fresh = await signInAgain(t);
    expect(claimsOf(fresh.token).sessionId).not.toBe(sessionId);
  });
});
