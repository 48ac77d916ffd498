/**
 * Recovery codes, step-up (removing an authenticator, new recovery codes, a
 * new password) and the `auth.totp` helpers, including an app that requires
 * two-factor authentication.
 */
import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { TOTP } from "../../src/providers/TOTP.js";
import { DEFAULT_OPTIONS } from "../../src/server/config.js";
import { totpHelpers } from "../../src/server/helpers/totp.js";
import { stepUpHelpers } from "../../src/server/helpers/stepUp.js";
import { advance, advanceFrom, useClock } from "../harness/clock.js";
import { enrollTotp } from "../harness/totp.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const STEP = 30_000;
const MINUTE = 60_000;





async function addAuthenticator(t: AuthTest, token: string, name?: string) {
  const added = await enrollTotp(t, token, name);
  advance(STEP);
  return added;
}

/** A user with one authenticator; `tokens` is the session confirming it (step-up fresh). */
async function enrolled(t: AuthTest, email = EMAIL) {
  const first = tokensOf(await password.signUp(t, email, PW));
  const added = await addAuthenticator(t, first.token);
  return { ...added, userId: claimsOf(added.tokens.token).userId! };
}

async function passwordStep(t: AuthTest, email = EMAIL): Promise<string> {
  const result = await password.signIn(t, email, PW);
  expect(result).toHaveProperty("secondFactor");
  return (result as { verifier: string }).verifier;
}

const secondFactor = (t: AuthTest, verifier: string, params: Record<string, unknown>) =>
  t.action(api.auth.signIn, { provider: "totp", params, verifier });

const regenerate = (t: AuthTest, token: string) => as(t, token).mutation(api.totp.regenerateRecoveryCodes, {});
const remove = (t: AuthTest, token: string, totpId: string) => as(t, token).mutation(api.totp.remove, { totpId });
const stepUp = (t: AuthTest, token: string, args: { code?: string; recoveryCode?: string }) =>
  as(t, token).action(api.totp.verify, args);
const status = (t: AuthTest, token: string) => as(t, token).query(api.totp.status, {});

describe("recovery codes", () => {
  test("10 codes, shown once, stored only hashed", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens } = await enrolled(t);
    const codes = await regenerate(t, tokens.token);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    const rows = await t.query(probe.rows, { table: "recoveryCodes" });
    expect(rows).toHaveLength(10);
    const dump = JSON.stringify(rows) + JSON.stringify(await t.query(probe.rows, { table: "events" }));
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ""));
    }
    expect((await status(t, tokens.token))?.recoveryCodesLeft).toBe(10);
  });

  test("a recovery code signs in once, in place of a code; typing is forgiving", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, userId } = await enrolled(t);
    const [first, second] = await regenerate(t, tokens.token);
    const signedIn = tokensOf(await secondFactor(t, await passwordStep(t), { recoveryCode: first }));
    expect(claimsOf(signedIn.token).userId).toBe(userId);
    await expectAuthError(secondFactor(t, await passwordStep(t), { recoveryCode: first }), "INVALID_CODE");
    // Upper case, spaces instead of dashes, and O/I/L for 0/1/1 still match.
    const typed = second!.toUpperCase().replace(/-/g, " ").replace(/0/g, "O").replace(/1/g, "I");
    tokensOf(await secondFactor(t, await passwordStep(t), { recoveryCode: typed }));
    expect((await status(t, tokens.token))?.recoveryCodesLeft).toBe(8);
    // A recovery-code sign-in counts for step-up, e.g. to remove a lost authenticator.
    const [factor] = (await status(t, signedIn.token))!.factors;
    await remove(t, signedIn.token, factor!.totpId);
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("regenerating replaces the whole set", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens } = await enrolled(t);
    const old = await regenerate(t, tokens.token);
    const fresh = await regenerate(t, tokens.token);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    expect(await t.query(probe.rows, { table: "recoveryCodes" })).toHaveLength(10);
    await expectAuthError(secondFactor(t, await passwordStep(t), { recoveryCode: old[3] }), "INVALID_CODE");
    tokensOf(await secondFactor(t, await passwordStep(t), { recoveryCode: fresh[3] }));
  });

  test("regenerating needs step-up and a second factor", async () => {
    useClock();
    const t = makeAuthTest();
    const plain = tokensOf(await password.signUp(t, "bob@example.com", PW));
    await expectAuthError(regenerate(t, plain.token), "NOT_FOUND");
    const { tokens, otp } = await enrolled(t);
    advance(10 * MINUTE);
    await expectAuthError(regenerate(t, tokens.token), "STEP_UP_REQUIRED");
    await stepUp(t, tokens.token, { code: otp.generate() });
    expect(await regenerate(t, tokens.token)).toHaveLength(10);
  });
});

describe("step-up", () => {
  test("a session older than the authenticator must verify before removing it", async () => {
    useClock();
    const t = makeAuthTest();
    const laptop = tokensOf(await password.signUp(t, EMAIL, PW));
    const phone = tokensOf(await password.signIn(t, EMAIL, PW));
    const { otp, totpId, tokens } = await addAuthenticator(t, phone.token);
    await regenerate(t, tokens.token);
    await expectAuthError(remove(t, laptop.token, totpId), "STEP_UP_REQUIRED");
    expect((await status(t, laptop.token))?.verifiedUntil).toBeNull();
    const { verifiedUntil } = await stepUp(t, laptop.token, { code: otp.generate() });
    expect(verifiedUntil).toBe(Date.now() + 10 * MINUTE);
    // The action reports it by its clock; the session stores the time of the
    // mutation that verified, which may run 1 ms later under a frozen clock.
    const stored = (await status(t, laptop.token))?.verifiedUntil ?? 0;
    expect(stored - verifiedUntil).toBeGreaterThanOrEqual(0);
    expect(stored - verifiedUntil).toBeLessThanOrEqual(1);
    await remove(t, laptop.token, totpId);
    // Without a second factor: the password alone signs in, and the recovery codes are gone.
    tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await t.query(probe.rows, { table: "totpFactors" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "recoveryCodes" })).toEqual([]);
    const events = (await t.query(probe.rows, { table: "events" })).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["totp_added", "recovery_codes_generated", "totp_removed"]));
  });

  test("step-up lasts 10 minutes, in the session that verified only", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp, totpId } = await enrolled(t);
    const other = tokensOf(await secondFactor(t, await passwordStep(t), { code: otp.generate() }));
    await advanceFrom(t, 10 * MINUTE);
    await expectAuthError(remove(t, tokens.token, totpId), "STEP_UP_REQUIRED");
    await expectAuthError(remove(t, other.token, totpId), "STEP_UP_REQUIRED");
    advance(STEP);
    await stepUp(t, other.token, { code: otp.generate() });
    await expectAuthError(remove(t, tokens.token, totpId), "STEP_UP_REQUIRED");
    advance(9 * MINUTE);
    await remove(t, other.token, totpId);
  });

  test("step-up with a recovery code; wrong codes count against their own limits", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp } = await enrolled(t);
    const codes = await regenerate(t, tokens.token);
    advance(10 * MINUTE);
    const right = otp.generate();
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 10; i++) await expectAuthError(stepUp(t, tokens.token, { code: wrong }), "INVALID_CODE");
    await expectAuthError(stepUp(t, tokens.token, { code: right }), "RATE_LIMITED");
    // Recovery codes have a bucket of their own: a locked TOTP does not lock them.
    for (let i = 0; i < 10; i++) {
      await expectAuthError(stepUp(t, tokens.token, { recoveryCode: `wrong-${i}` }), "INVALID_CODE");
    }
    await expectAuthError(stepUp(t, tokens.token, { recoveryCode: codes[0] }), "RATE_LIMITED");
    advance(12 * MINUTE); // two tokens back
    await stepUp(t, tokens.token, { recoveryCode: codes[0] });
    expect(await regenerate(t, tokens.token)).toHaveLength(10);
  });

  test("step-up needs a live session and one answer", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp } = await enrolled(t);
    await expectAuthError(stepUp(t, tokens.token, {}), "INVALID_ARGUMENT");
    await expectAuthError(t.action(api.totp.verify, { code: otp.generate() }), "NOT_SIGNED_IN");
    await as(t, tokens.token).action(api.auth.signOut, {});
    await expectAuthError(stepUp(t, tokens.token, { code: otp.generate() }), "SESSION_ENDED");
  });

  test("changing the password needs step-up once the user has a second factor", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp } = await enrolled(t);
    advance(10 * MINUTE);
    const change = (newPassword: string, currentPassword = PW) =>
      as(t, tokens.token).action(api.users.changePassword, { currentPassword, newPassword });
    await expectAuthError(change("a new password"), "STEP_UP_REQUIRED");
    await stepUp(t, tokens.token, { code: otp.generate() });
    await change("a new password");
    await expectAuthError(password.signIn(t, EMAIL, PW), "INVALID_CREDENTIALS");
    expect(await password.signIn(t, EMAIL, "a new password")).toHaveProperty("secondFactor");
    // Users without a second factor change it as before.
    const bob = tokensOf(await password.signUp(t, "bob@example.com", PW));
    advance(60 * MINUTE);
    await as(t, bob.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "bob's new one" });
  });
});

describe("auth.totp helpers", () => {
  test("list shows active authenticators, never secrets; remove only one's own", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await enrolled(t);
    const second = await addAuthenticator(t, ada.tokens.token, "Tablet");
    const bob = await enrolled(t, "bob@example.com");
    // A pending set-up is not listed.
    await as(t, bob.tokens.token).action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } });
    const listed = await as(t, ada.tokens.token).query(async (ctx) => {
      const { auth } = await import("../../example/convex/auth.js");
      return await auth.totp.list(ctx);
    });
    expect(listed.map((f) => [f.totpId, f.name])).toEqual([
      [ada.totpId, null],
      [second.totpId, "Tablet"],
    ]);
    for (const factor of listed) {
      expect(Object.keys(factor).sort()).toEqual(["activatedTime", "createdTime", "lastUsedTime", "name", "totpId"]);
    }
    expect((await status(t, bob.tokens.token))?.factors).toHaveLength(1);
    await expectAuthError(remove(t, bob.tokens.token, ada.totpId), "NOT_FOUND");
    // Confirming the second replaced the session that added it.
    expect(await status(t, ada.tokens.token)).toBeNull();
    await remove(t, second.tokens.token, second.totpId);
    expect((await status(t, second.tokens.token))?.factors.map((f) => f.totpId)).toEqual([ada.totpId]);
  });

  test("an app that requires two-factor refuses to remove the last second factor", async () => {
    useClock();
    const t = makeAuthTest();
    const required = totpHelpers(components.auth, { providers: [TOTP({ required: true })], options: DEFAULT_OPTIONS });
    const { tokens, totpId } = await enrolled(t);
    const second = await addAuthenticator(t, tokens.token, "Backup");
    const removeRequired = (id: string) => as(t, second.tokens.token).mutation(async (ctx) => await required.remove(ctx, id));
    await removeRequired(totpId);
    await expectAuthError(removeRequired(second.totpId), "LAST_FACTOR");
    expect((await status(t, second.tokens.token))?.factors.map((f) => f.totpId)).toEqual([second.totpId]);
    // The example app does not require it.
    await remove(t, second.tokens.token, second.totpId);
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("auth.stepUp.require guards an app's own functions", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, otp } = await enrolled(t);
    const helpers = stepUpHelpers(components.auth);
    const guarded = () => as(t, tokens.token).query(async (ctx) => await helpers.require(ctx));
    await guarded();
    advance(10 * MINUTE);
    await expectAuthError(guarded(), "STEP_UP_REQUIRED");
    await stepUp(t, tokens.token, { code: otp.generate() });
    await guarded();
    // A mutation's context cannot run verify (its failed-attempt count would roll back).
    const error = await as(t, tokens.token)
      .mutation(async (ctx) => await helpers.verify(ctx as never, { code: "123456" }))
      .then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ data: { code: "CONFIGURATION", message: expect.stringMatching(/runs in an action/) } });
  });

  test("deleting the user deletes their authenticators and recovery codes", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, userId } = await enrolled(t);
    await regenerate(t, tokens.token);
    await as(t, tokens.token).mutation(api.users.deleteMe, {});
    const counts = await t.query(probe.countUserData, { userId });
    expect([counts.totpFactors, counts.recoveryCodes]).toEqual([0, 0]);
    expect(await refresh(t, tokens.refreshToken)).toEqual({ tokens: null });
  });
});
