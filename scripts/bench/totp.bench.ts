/**
 * Cost of TOTP two-factor authentication, through the example app's public
 * `signIn` action and `totp` functions as a client calls them:
 *
 * - `totp.setup`: a signed-in user starts enrolling (encrypted secret stored,
 *   URI and verifier returned).
 * - `totp.confirm`: the first code activates the authenticator (a new,
 *   factor-verified session replaces the caller's).
 * - `totp.verify`: second-factor sign-in with a code, after the password step
 *   (which is not measured) — up to the tokens.
 * - `totp.recoveryCode`: the same with a recovery code.
 * - `totp.stepUp`: `auth.totp.verify` in an app action (a code marks the session).
 *
 * Every user is fresh, so counts do not depend on earlier runs; the clock
 * (Date only) moves a step between enrollment and use, as codes are never
 * accepted twice.
 */
import { encodeBase64 } from "@oslojs/encoding";
import * as OTPAuth from "otpauth";
import { test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../../test/harness/auth.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PW = "correct horse battery staple";
type Setup = { totpSetup: { uri: string; secret: string; totpId: string }; verifier: string };

test("totp", { timeout: 600_000 }, async () => {
  process.env.TOTP_ENCRYPTION_KEY ??= encodeBase64(crypto.getRandomValues(new Uint8Array(32)));
  vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
  const nextStep = () => vi.setSystemTime(Date.now() + 30_000);
  const meter = new Meter();
  const t = makeAuthTest({ around: meter.around });
  const ops: Record<string, OpFigures & { auditEventsWritten?: number }> = {};
  let n = 0;

  const signedUp = async () => {
    const email = `totp${++n}@bench.test`;
    return { email, tokens: tokensOf(await password.signUp(t, email, PW)) };
  };
  const setup = (t: AuthTest, token: string) =>
    as(t, token).action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } }) as Promise<Setup>;
  const confirm = (token: string, verifier: string, code: string) =>
    as(t, token).action(api.auth.signIn, { provider: "totp", params: { flow: "confirm", code }, verifier });
  const enrolled = async () => {
    const user = await signedUp();
    const started = await setup(t, user.tokens.token);
    const otp = OTPAuth.URI.parse(started.totpSetup.uri) as OTPAuth.TOTP;
    const tokens = tokensOf(await confirm(user.tokens.token, started.verifier, otp.generate()));
    nextStep();
    return { ...user, tokens, otp };
  };
  const passwordStep = async (email: string) =>
    ((await password.signIn(t, email, PW)) as { verifier: string }).verifier;
  const events = async () => (await t.query(probe.rows, { table: "events" })).length;

  async function measure<T>(name: string, prepare: () => Promise<T>, run: (prepared: T) => Promise<unknown>) {
    const perRun: number[] = [];
    const figures = await meter.measure(
      RUNS,
      async () => ({ prepared: await prepare(), before: await events() }),
      ({ prepared }) => run(prepared),
      async ({ before }) => {
        perRun.push((await events()) - before);
      },
    );
    if (new Set(perRun).size > 1) throw new Error(`${name}: audit events differ between runs: ${perRun}`);
    ops[name] = { ...figures, auditEventsWritten: perRun[0] ?? 0 };
  }

  await measure("totp.setup", signedUp, ({ tokens }) => setup(t, tokens.token));
  await measure(
    "totp.confirm",
    async () => {
      const user = await signedUp();
      const started = await setup(t, user.tokens.token);
      return { user, started, otp: OTPAuth.URI.parse(started.totpSetup.uri) as OTPAuth.TOTP };
    },
    async ({ user, started, otp }) => tokensOf(await confirm(user.tokens.token, started.verifier, otp.generate())),
  );
  await measure(
    "totp.verify",
    async () => {
      const user = await enrolled();
      return { ...user, verifier: await passwordStep(user.email) };
    },
    async ({ verifier, otp }) =>
      tokensOf(await t.action(api.auth.signIn, { provider: "totp", params: { code: otp.generate() }, verifier })),
  );
  await measure(
    "totp.recoveryCode",
    async () => {
      const user = await enrolled();
      const [code] = await as(t, user.tokens.token).mutation(api.totp.regenerateRecoveryCodes, {});
      return { code, verifier: await passwordStep(user.email) };
    },
    async ({ code, verifier }) =>
      tokensOf(await t.action(api.auth.signIn, { provider: "totp", params: { recoveryCode: code }, verifier })),
  );
  await measure("totp.stepUp", enrolled, ({ tokens, otp }) =>
    as(t, tokens.token).action(api.totp.verify, { code: otp.generate() }),
  );

  ops["totp.verify"]!.note =
    "reads: totp.beginCheck: the pending step, the attempt bucket and its lease, the user's factors; " +
    "totp.recordUse: the factor and its step; sessions.issue: the user, the step and its removal, the newest session";
  vi.useRealTimers();
  saveResult("totp", { ops });
});
