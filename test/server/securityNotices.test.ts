/**
 * Security notices (OWASP ASVS 4.0.3 2.2.3, 2.5.5): after a password change
 * or reset, a factor added or removed, recovery codes generated, the app's
 * `onSecurityNotice` callback is told, in the transaction of the change,
 * with what it needs to tell the user; the example keeps a `notices` row and
 * emails it (the dev outbox) through the scheduler. A refused change tells
 * nobody; a name change is no notice. Run on the example app with its
 * callbacks on (the rest of the suite runs without them), and on the hooks
 * fixture app: an email change's notice carries the address before (never
 * kept in the audit log), and a notifier that throws undoes the change.
 */
import { makeFunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import type { AuthEvent, AuthUser } from "../../src/server/index.js";
import { securityNotices } from "../../src/server/hooks/notices.js";
import { behaviour } from "../fixtures/hooks/auth.js";
import hooksSchema from "../fixtures/hooks/schema.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey } from "../fixtures/passkeyFlows.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { useEnvVars } from "../harness/envVars.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf, type TestApp } from "../harness/setup.js";
import { advance, useClock } from "../harness/clock.js";
import { enrollTotp } from "../harness/totp.js";

// Before the example's modules load (at the first call): its callbacks on.
useEnvVars({ EXAMPLE_CALLBACKS: "1" });

const EMAIL = "ada@example.com";
const PW = "correct horse battery";
const SITE = "https://app.example.test";

useEnvVars({ SITE_URL: SITE }, { each: true });
afterEach(() => {
  vi.useRealTimers();
});

const notices = async (t: AuthTest) => await t.run(async (ctx) => await ctx.db.query("notices").collect());
const kinds = async (t: AuthTest) => (await notices(t)).map((notice) => notice.kind);
const outbox = async (t: AuthTest) => await t.run(async (ctx) => await ctx.db.query("outbox").collect());
const securityMail = async (t: AuthTest) => (await outbox(t)).filter((message) => message.subject === "Security notice");

async function signedUp(t: AuthTest) {
  const tokens = tokensOf(await password.signUp(t, EMAIL, PW));
  return { ...tokens, userId: claimsOf(tokens.token).userId! };
}

describe("the example's onSecurityNotice", () => {
  test("a password change: one notice to the user's email, sent once the change commits", async () => {
    vi.useFakeTimers();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await as(t, ada.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "a brand new password" });
    expect(await notices(t)).toEqual([
      expect.objectContaining({ userId: ada.userId, kind: "password_changed", text: "Your password was changed.", sentTo: [EMAIL] }),
    ]);
    // Scheduled in the change's transaction: delivered when the scheduler runs.
    expect(await securityMail(t)).toEqual([]);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await securityMail(t)).toEqual([expect.objectContaining({ to: EMAIL, code: "Your password was changed." })]);
    // The signed-in user sees it on the account page.
    expect(await as(t, ada.token).query(api.notices.mine, {})).toEqual([
      expect.objectContaining({ kind: "password_changed", text: "Your password was changed.", sentTo: [EMAIL] }),
    ]);
  });

  test("a refused change (a wrong current password) tells nobody and writes nothing", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await expectAuthError(
      as(t, ada.token).action(api.users.changePassword, { currentPassword: "not the password", newPassword: "a brand new password" }),
      "INVALID_CREDENTIALS",
    );
    expect(await notices(t)).toEqual([]);
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("a password reset with a code: a notice", async () => {
    const t = makeAuthTest();
    await signedUp(t);
    await t.action(api.auth.signIn, { provider: "password", params: { flow: "reset", email: EMAIL } });
    const [reset] = (await outbox(t)).filter((message) => message.subject === "Your password reset code");
    tokensOf(
      await t.action(api.auth.signIn, {
        provider: "password",
        params: { flow: "resetVerification", email: EMAIL, code: reset!.code, newPassword: "a brand new password" },
      }),
    );
    expect(await kinds(t)).toEqual(["password_reset"]);
    expect((await notices(t))[0]!.text).toBe("Your password was reset with a code sent to your email.");
  });

  test("an authenticator enrolled and removed, recovery codes regenerated: a notice each, naming the factor", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t);
    const { tokens, totpId } = await enrollTotp(t, ada.token);
    expect(await kinds(t)).toEqual(["factor_added"]);
    expect((await notices(t))[0]!.text).toBe("A way to sign in was added: totp.");

    await as(t, tokens.token).mutation(api.totp.regenerateRecoveryCodes, {});
    await as(t, tokens.token).mutation(api.totp.remove, { totpId });
    expect((await notices(t)).map((notice) => notice.text)).toEqual([
      "A way to sign in was added: totp.",
      "New recovery codes were generated; the old ones no longer work.",
      "A way to sign in was removed: totp.",
    ]);
  });

  test("a TOTP code used a second time: refused, and the holder is told (ASVS 2.8.5); a wrong code is no notice", async () => {
    useClock();
    const t = makeAuthTest();
    const ada = await signedUp(t);
    const { otp } = await enrollTotp(t, ada.token);
    advance(5 * 30_000);
    const passwordStep = async () => ((await password.signIn(t, EMAIL, PW)) as { verifier: string }).verifier;
    const code = otp.generate();
    tokensOf(await t.action(api.auth.signIn, { provider: "totp", params: { code }, verifier: await passwordStep() }));
    await expectAuthError(t.action(api.auth.signIn, { provider: "totp", params: { code }, verifier: await passwordStep() }), "INVALID_CODE");
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
    await expectAuthError(t.action(api.auth.signIn, { provider: "totp", params: { code: wrong }, verifier: await passwordStep() }), "INVALID_CODE");
    expect(await kinds(t)).toEqual(["factor_added", "totp_code_replayed"]);
    expect((await notices(t))[1]!.text).toContain("used a second time");
  });

  test("a passkey added and removed: a notice each", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await addPasskey(t, ada.token, new SoftAuthenticator(SITE));
    const [passkey] = (await as(t, ada.token).query(api.passkeys.list, {})) as Array<{ id: string }>;
    await as(t, ada.token).mutation(api.passkeys.remove, { passkeyId: passkey!.id });
    expect((await notices(t)).map((notice) => notice.text)).toEqual([
      "A way to sign in was added: passkey.",
      "A way to sign in was removed: passkey.",
    ]);
  });

  test("a name change and a sign-in are no security notices", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await as(t, ada.token).mutation(api.users.rename, { name: "Ada" });
    tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await notices(t)).toEqual([]);
  });

  test("deleting the user deletes their notices", async () => {
    const t = makeAuthTest();
    const ada = await signedUp(t);
    await as(t, ada.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "a brand new password" });
    const fresh = tokensOf(await password.signIn(t, EMAIL, "a brand new password"));
    await as(t, fresh.token).mutation(api.users.deleteMe, {});
    expect(await notices(t)).toEqual([]);
  });
});

describe("securityNotices (what an event makes)", () => {
  const user = { _id: "u1", _creationTime: 1, email: "new@example.com" } as unknown as AuthUser;
  const event = (type: AuthEvent["type"], data?: AuthEvent["data"], extra: Partial<AuthEvent> = {}): AuthEvent => ({
    eventId: "e1",
    type,
    time: 1000,
    userId: "u1",
    ...(data ? { data } : {}),
    ...extra,
  });

  test("an email change: the address before goes with it; a phone change its own notice; a name none", () => {
    expect(securityNotices(event("user_updated", { fields: "email,emailVerificationTime" }), user, { email: "old@example.com" })).toEqual([
      expect.objectContaining({ kind: "email_changed", userId: "u1", previousEmail: "old@example.com", user, time: 1000 }),
    ]);
    expect(
      securityNotices(event("user_updated", { fields: "email,phone" }), user, { email: "old@example.com", phone: "+15550000000" }).map(
        (notice) => [notice.kind, notice.previousEmail ?? notice.previousPhone],
      ),
    ).toEqual([
      ["email_changed", "old@example.com"],
      ["phone_changed", "+15550000000"],
    ]);
    expect(securityNotices(event("user_updated", { fields: "name" }), user)).toEqual([]);
  });

  test("a linked or unlinked account names its provider; an admin's removal names the admin", () => {
    expect(securityNotices(event("account_linked", { provider: "github", accountId: "a1" }), user)).toEqual([
      expect.objectContaining({ kind: "factor_added", factor: "github" }),
    ]);
    expect(securityNotices(event("passkey_removed", { passkeyId: "p1" }, { actorUserId: "admin1", ip: "203.0.113.9" }), user)).toEqual([
      expect.objectContaining({ kind: "factor_removed", factor: "passkey", actorUserId: "admin1", ip: "203.0.113.9" }),
    ]);
    expect(securityNotices(event("credentials_cleared", { passkeys: 2, apiKeys: 1 }), user)).toEqual([
      expect.objectContaining({ kind: "credentials_cleared", cleared: { passkeys: 2, apiKeys: 1 } }),
    ]);
  });

  test("a refused code: only a replayed TOTP code is a notice", () => {
    expect(securityNotices(event("code_refused", { method: "totp", reason: "replayed" }), user)).toEqual([
      expect.objectContaining({ kind: "totp_code_replayed", factor: "totp" }),
    ]);
    for (const data of [
      { method: "totp", reason: "wrong" },
      { method: "code", reason: "replayed" },
      { method: "recovery_code", reason: "replayed" },
    ]) {
      expect(securityNotices(event("code_refused", data), user)).toEqual([]);
    }
  });

  test("other events make none", () => {
    for (const type of ["sign_in", "session_revoked", "api_key_created", "email_verified", "code_refused"] as const) {
      expect(securityNotices(event(type), user)).toEqual([]);
    }
  });
});

describe("onSecurityNotice on an app of its own (the hooks fixture)", () => {
  const modules = import.meta.glob(["../fixtures/hooks/**/*.ts", "!../fixtures/hooks/**/*.*.ts"]);
  const signIn = makeFunctionReference<"action">("auth:signIn");
  const changeEmail = makeFunctionReference<"mutation", { email: string }>("users:changeEmail");
  const changePassword = makeFunctionReference<"action", { currentPassword: string; newPassword: string }>("users:changePassword");
  const rename = makeFunctionReference<"mutation", { name: string }>("users:rename");
  type LogRow = { hook: string; kind?: string; userId?: string; email?: string; previousEmail?: string };
  const appRows = makeFunctionReference<"query", { table: "hookLog" }, LogRow[]>("users:rows");
  const fixture = () =>
    makeTestOf(modules, {
      schema: hooksSchema,
      componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
    });
  const noticesIn = async (t: TestApp) =>
    (await t.query(appRows, { table: "hookLog" }))
      .filter((row) => row.hook === "onSecurityNotice")
      .map(({ kind, email, previousEmail }) => ({ kind, email, ...(previousEmail ? { previousEmail } : {}) }));
  const signUp = async (t: TestApp) =>
    tokensOf(await t.action(signIn, { provider: "password", params: { flow: "signUp", email: EMAIL, password: PW } }));

  afterEach(() => behaviour.reset());

  test("an email change: the notice carries the address before and the user as after", async () => {
    const t = fixture();
    const ada = await signUp(t);
    await as(t, ada.token).mutation(changeEmail, { email: "ada@new.example.com" });
    expect(await noticesIn(t)).toEqual([{ kind: "email_changed", email: "ada@new.example.com", previousEmail: EMAIL }]);
    // The audit log keeps the names of the fields only, never the addresses.
    const [updated] = ((await t.query(probe.rows, { table: "events" })) as Array<{ type: string; data?: unknown }>).filter(
      (event) => event.type === "user_updated",
    );
    expect(JSON.stringify(updated)).not.toContain(EMAIL);
    expect(JSON.stringify(updated)).not.toContain("ada@new.example.com");
  });

  test("a name change is no notice", async () => {
    const t = fixture();
    const ada = await signUp(t);
    await as(t, ada.token).mutation(rename, { name: "Ada" });
    expect(await noticesIn(t)).toEqual([]);
  });

  test("a notifier that throws undoes the change: the password stays, the email stays", async () => {
    const t = fixture();
    const ada = await signUp(t);
    behaviour.failNotice = true;
    await expect(
      as(t, ada.token).action(changePassword, { currentPassword: PW, newPassword: "a brand new password" }),
    ).rejects.toThrow();
    await expect(as(t, ada.token).mutation(changeEmail, { email: "ada@new.example.com" })).rejects.toThrow();
    behaviour.reset();
    expect(await noticesIn(t)).toEqual([]);
    const [user] = (await t.query(probe.rows, { table: "users" })) as Array<{ email: string }>;
    expect(user!.email).toBe(EMAIL);
    tokensOf(await t.action(signIn, { provider: "password", params: { flow: "signIn", email: EMAIL, password: PW } }));
    const types = ((await t.query(probe.rows, { table: "events" })) as Array<{ type: string }>).map((event) => event.type);
    expect(types).not.toContain("password_changed");
    expect(types).not.toContain("user_updated");
  });
});
