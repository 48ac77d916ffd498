/**
 * Refused codes are logged (OWASP ASVS 4.0.3 2.8.5): a wrong, expired or
 * replayed one-time code (password reset, email sign-in), magic link, TOTP
 * code or recovery code leaves exactly one `code_refused` audit event, in a
 * transaction that commits although the sign-in fails, and never the code
 * nor its hash.
 */
import * as OTPAuth from "otpauth";
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { enrollTotp } from "../harness/totp.js";
import { useEnvVars } from "../harness/envVars.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const STEP = 30_000;
const SITE = "https://app.example.test";

useEnvVars({ SITE_URL: SITE });

type Row = Record<string, unknown> & { type?: string; userId?: string; data?: Record<string, unknown> };

/** The `code_refused` events, oldest first. */
async function refusals(t: AuthTest): Promise<Row[]> {
  return ((await t.query(probe.rows, { table: "events" })) as Row[]).filter((e) => e.type === "code_refused");
}

/** Every secret in `secrets` is absent from the audit log. */
async function expectNoneLogged(t: AuthTest, secrets: string[]): Promise<void> {
  const log = JSON.stringify(await t.query(probe.rows, { table: "events" }));
  for (const secret of secrets) expect(log, "a code or hash in the audit log").not.toContain(secret);
}

async function outbox(t: AuthTest, to: string): Promise<string> {
  const message = await t.query(api.outbox.latest, { to });
  expect(message, `nothing sent to ${to}`).not.toBeNull();
  return message!.code;
}

/** A code of `digits` digits that is not `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, "0");

const reset = {
  request: (t: AuthTest) => t.action(api.auth.signIn, { provider: "password", params: { flow: "reset", email: EMAIL } }),
  verify: (t: AuthTest, code: string, newPassword = "a brand new password") =>
    t.action(api.auth.signIn, { provider: "password", params: { flow: "resetVerification", email: EMAIL, code, newPassword } }),
};
const email = (t: AuthTest, params: Record<string, unknown>) => t.action(api.auth.signIn, { provider: "email", params });

describe("one-time codes", () => {
  test("a wrong reset code and a replayed one leave one event each, about the user, without the code", async () => {
    const t = makeAuthTest();
    const userId = claimsOf(tokensOf(await password.signUp(t, EMAIL, PW)).token).userId;
    await reset.request(t);
    const code = await outbox(t, EMAIL);
    const [stored] = await t.query(probe.rows, { table: "verificationCodes" });
    const wrong = otherThan(code);

    await expectAuthError(reset.verify(t, wrong), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([
      { userId, data: { method: "code", reason: "wrong", provider: "password", purpose: "password_reset" } },
    ]);
    tokensOf(await reset.verify(t, code));
    await expectAuthError(reset.verify(t, code, "another new password"), "INVALID_CODE");
    const events = await refusals(t);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ userId, data: { method: "code", reason: "replayed", purpose: "password_reset" } });
    // An account's code names its user; the address is not repeated.
    expect(events.every((e) => e.data!.address === undefined)).toBe(true);
    await expectNoneLogged(t, [code, wrong, String(stored!.codeHash)]);
  });

  test("an expired code is recorded as expired", async () => {
    useClock();
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await reset.request(t);
    const code = await outbox(t, EMAIL);
    advance(10 * 60_000);
    await expectAuthError(reset.verify(t, code), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ data: { method: "code", reason: "expired" } }]);
  });

  test("a sign-in code for an address without a user names the address; a replay is one more event", async () => {
    const t = makeAuthTest();
    await email(t, { email: EMAIL });
    const code = await outbox(t, EMAIL);
    await expectAuthError(email(t, { email: EMAIL, code: otherThan(code) }), "INVALID_CODE");
    const [wrong] = await refusals(t);
    expect(wrong).toMatchObject({ data: { method: "code", reason: "wrong", provider: "email", purpose: "sign_in", address: EMAIL } });
    expect(wrong!.userId).toBeUndefined();
    tokensOf(await email(t, { email: EMAIL, code }));
    await expectAuthError(email(t, { email: EMAIL, code }), "INVALID_CODE");
    expect((await refusals(t)).map((e) => e.data!.reason)).toEqual(["wrong", "replayed"]);
    await expectNoneLogged(t, [code, otherThan(code)]);
  });

  test("a code checked after the bucket is empty is refused without an event (nothing was checked)", async () => {
    const t = makeAuthTest();
    await email(t, { email: EMAIL });
    const code = await outbox(t, EMAIL);
    const guesses = Array.from({ length: 14 }, (_, i) => String((Number(code) + 1 + i) % 1e8).padStart(8, "0"));
    const results = await Promise.allSettled(guesses.map((guess) => email(t, { email: EMAIL, code: guess })));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { data: { code: string } }).data.code : "ok"));
    const refused = codes.filter((c) => c === "INVALID_CODE").length;
    expect(refused).toBeLessThanOrEqual(10);
    expect(await refusals(t)).toHaveLength(refused);
  });
});

describe("magic links", () => {
  async function sendLink(t: AuthTest) {
    const result = (await email(t, { email: EMAIL, method: "link" })) as { verifier: string };
    const token = new URL(await outbox(t, EMAIL)).searchParams.get("code")!;
    return { token, verifier: result.verifier };
  }

  test("a replayed link is recorded once, about the user it signed in, without the token", async () => {
    const t = makeAuthTest();
    const { token, verifier } = await sendLink(t);
    const userId = claimsOf(tokensOf(await t.action(api.auth.signIn, { params: { code: token }, verifier })).token).userId;
    expect(await refusals(t)).toEqual([]);
    await expectAuthError(t.action(api.auth.signIn, { params: { code: token }, verifier }), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ userId, data: { method: "magic_link", reason: "replayed", provider: "email" } }]);
    // Recorded once: the marker is gone, a further replay is an unknown token.
    await expectAuthError(t.action(api.auth.signIn, { params: { code: token }, verifier }), "INVALID_CODE");
    expect(await refusals(t)).toHaveLength(1);
    // A made-up token names nobody and is not recorded.
    await expectAuthError(t.action(api.auth.signIn, { params: { code: "x".repeat(43) } }), "INVALID_CODE");
    expect(await refusals(t)).toHaveLength(1);
    await expectNoneLogged(t, [token, verifier]);
  });

  test("an expired link is recorded with the address it was sent to", async () => {
    useClock();
    const t = makeAuthTest();
    const { token, verifier } = await sendLink(t);
    advance(10 * 60_000);
    await expectAuthError(t.action(api.auth.signIn, { params: { code: token }, verifier }), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ data: { method: "magic_link", reason: "expired", address: EMAIL } }]);
    await expectNoneLogged(t, [token]);
  });
});

describe("TOTP and recovery codes", () => {
  const signIn = (t: AuthTest, verifier: string, params: Record<string, unknown>) =>
    t.action(api.auth.signIn, { provider: "totp", params, verifier });
  async function passwordStep(t: AuthTest): Promise<string> {
    return ((await password.signIn(t, EMAIL, PW)) as { verifier: string }).verifier;
  }
  async function enrolled(t: AuthTest) {
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    const { otp, tokens } = await enrollTotp(t, first.token);
    advance(STEP);
    return { otp: otp as OTPAuth.TOTP, tokens, userId: claimsOf(tokens.token).userId! };
  }

  test("a wrong TOTP code and a replayed one leave one event each, although the sign-in throws", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp, userId } = await enrolled(t);
    advance(5 * STEP);
    const right = otp.generate();
    const wrong = otherThan(right);
    await expectAuthError(signIn(t, await passwordStep(t), { code: wrong }), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ userId, data: { method: "totp", reason: "wrong" } }]);
    tokensOf(await signIn(t, await passwordStep(t), { code: right }));
    await expectAuthError(signIn(t, await passwordStep(t), { code: right }), "INVALID_CODE");
    const events = await refusals(t);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ userId, data: { method: "totp", reason: "replayed" } });
    await expectNoneLogged(t, [right, wrong]);
  });

  test("step-up with a wrong code is recorded too", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp, tokens, userId } = await enrolled(t);
    await expectAuthError(as(t, tokens.token).action(api.totp.verify, { code: otherThan(otp.generate()) }), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ userId, data: { method: "totp", reason: "wrong" } }]);
  });

  test("a wrong recovery code and a replayed one leave one event each, without the code", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, userId } = await enrolled(t);
    const codes = (await as(t, tokens.token).mutation(api.totp.regenerateRecoveryCodes, {})) as string[];
    const stored = (await t.query(probe.rows, { table: "recoveryCodes" })).map((row) => String(row.codeHash));
    await expectAuthError(signIn(t, await passwordStep(t), { recoveryCode: "0000-0000-0000-0000" }), "INVALID_CODE");
    expect(await refusals(t)).toMatchObject([{ userId, data: { method: "recovery_code", reason: "wrong" } }]);
    tokensOf(await signIn(t, await passwordStep(t), { recoveryCode: codes[0] }));
    await expectAuthError(signIn(t, await passwordStep(t), { recoveryCode: codes[0] }), "INVALID_CODE");
    const events = await refusals(t);
    expect(events.map((e) => e.data!.reason)).toEqual(["wrong", "replayed"]);
    await expectNoneLogged(t, [...codes, ...codes.map((c) => c.replace(/-/g, "")), ...stored]);
  });
});
