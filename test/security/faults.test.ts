/**
 * Faults that must not lock anyone out or leave data behind, each injected
 * halfway through a flow: a mail outage during sign-up and resets, a missing
 * TOTP key between the password and the TOTP step.
 */
import { makeFunctionReference } from "convex/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { delivery, sent } from "../fixtures/verifiedEmail/auth.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { makeAuthTest, password, probe, tokensOf } from "../harness/auth.js";
import { makeTestOf } from "../harness/setup.js";
import { enrollTotp } from "../harness/totp.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery staple";

const modules = import.meta.glob(["../fixtures/verifiedEmail/**/*.ts", "!../fixtures/verifiedEmail/**/*.*.ts"]);
const fixtureSignIn = makeFunctionReference<"action">("auth:signIn");
const app = () =>
  makeTestOf(modules, { componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") } });
type App = ReturnType<typeof app>;
const run = (t: App, params: Record<string, unknown>) => t.action(fixtureSignIn, { provider: "password", params });

beforeEach(() => {
  sent.length = 0;
  delivery.fail = false;
});
afterEach(() => {
  delivery.fail = false;
  vi.useRealTimers();
});

describe("a mail outage", () => {
  test("a sign-up whose verification email fails leaves nothing behind, and the retry works", async () => {
    const t = app();
    delivery.fail = true;
    await expect(run(t, { flow: "signUp", email: EMAIL, password: PW })).rejects.toThrow();
    for (const table of ["users", "accounts", "verificationCodes"]) {
      expect(await t.query(probe.rows, { table }), table).toEqual([]);
    }
    delivery.fail = false;
    expect(await run(t, { flow: "signUp", email: EMAIL, password: PW })).toEqual({ started: true });
    tokensOf(await run(t, { flow: "emailVerification", email: EMAIL, code: sent[0].code }));
  });

  test("failed sends give their token back: ten undelivered reset codes do not lock out the eleventh", async () => {
    const t = app();
    await run(t, { flow: "signUp", email: EMAIL, password: PW });
    tokensOf(await run(t, { flow: "emailVerification", email: EMAIL, code: sent[0].code }));
    delivery.fail = true;
    for (let i = 0; i < 12; i++) await expect(run(t, { flow: "reset", email: EMAIL })).rejects.toThrow(/mail service/);
    delivery.fail = false;
    expect(await run(t, { flow: "reset", email: EMAIL })).toEqual({ started: true });
    expect(sent.at(-1)?.email).toBe(EMAIL);
  });
});

describe("a missing TOTP key between the password and the TOTP step", () => {
  test("the pending step survives: after the fix the same step finishes", async () => {
    useClock();
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const { otp } = await enrollTotp(t, first.token);
    advance(60_000);
    const step = (await password.signIn(t, EMAIL, PW)) as { verifier: string };
    const saved = process.env.TOTP_ENCRYPTION_KEY;
    delete process.env.TOTP_ENCRYPTION_KEY;
    try {
      await expectAuthError(
        t.action(api.auth.signIn, { provider: "totp", params: { code: otp.generate() }, verifier: step.verifier }),
        "CONFIGURATION",
      );
    } finally {
      process.env.TOTP_ENCRYPTION_KEY = saved;
    }
    tokensOf(await t.action(api.auth.signIn, { provider: "totp", params: { code: otp.generate() }, verifier: step.verifier }));
  });
});
