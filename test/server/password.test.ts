/** The Password provider's flows, end to end through the example app's signIn action. */
import { afterEach, describe, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { Email, Password } from "../../src/providers/index.js";
import { hashPassword } from "../../src/providers/password/hash.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

afterEach(() => {
  vi.useRealTimers();
});

async function outboxCode(t: AuthTest, email: string): Promise<string> {
  const message = await t.query(api.outbox.latest, { to: email });
  expect(message, `no message sent to ${email}`).not.toBeNull();
  return message!.code;
}

describe("sign up and sign in", () => {
  test("sign up creates the user and signs in; sign in opens a second session", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, " Ada@Example.com", PW, { name: "Ada" }));
    const second = tokensOf(await password.signIn(t, "ada@example.com", PW));
    expect(claimsOf(first.token).userId).toBe(claimsOf(second.token).userId);
    expect(claimsOf(first.token).sessionId).not.toBe(claimsOf(second.token).sessionId);
    const sessions = await as(t, second.token).query(api.sessions.list, {});
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
  });

  test("the password is stored only as an argon2id hash", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    const [account] = await t.query(probe.rows, { table: "accounts" });
    expect(account.secret).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(await t.query(probe.rows, { table: "accounts" }))).not.toContain(PW);
  });

  test("a wrong password and an unknown email fail with the same code", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await expectAuthError(password.signIn(t, EMAIL, "wrong password!"), "INVALID_CREDENTIALS");
    await expectAuthError(password.signIn(t, "nobody@example.com", PW), "INVALID_CREDENTIALS");
  });

  test("signing up twice with one email is refused and changes nothing", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await expectAuthError(password.signUp(t, "ADA@example.com", "another password"), "ACCOUNT_EXISTS");
    tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(1);
  });

  test("new passwords of 12..128 characters only by default (ASVS 2.1.1, 2.1.2), counted in code points", async () => {
    const t = makeAuthTest();
    await expectAuthError(password.signUp(t, EMAIL, "eleven char"), "INVALID_PASSWORD");
    // A run of spaces counts as one toward the minimum: 11 characters once combined.
    await expectAuthError(password.signUp(t, EMAIL, "eleven    char"), "INVALID_PASSWORD");
    await expectAuthError(password.signUp(t, EMAIL, "x".repeat(129)), "INVALID_PASSWORD");
    await expectAuthError(password.signUp(t, EMAIL, "é".repeat(129)), "INVALID_PASSWORD");
    await expectAuthError(password.signUp(t, "not-an-email", PW), "INVALID_ARGUMENT");
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    tokensOf(await password.signUp(t, EMAIL, "twelve chars"));
    // 128 code points, 256 UTF-16 units: the bound counts characters, not units.
    tokensOf(await password.signUp(t, "long@example.com", "é".repeat(128)));
    tokensOf(await password.signUp(t, "emoji@example.com", "🔑".repeat(128)));
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(3);
  });

  test("a password set under the earlier 256-character limit still signs in", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    const [account] = await t.query(probe.rows, { table: "accounts" });
    const long = "p".repeat(256);
    await t.mutation(probe.setAccountSecret, { accountId: String(account._id), secret: await hashPassword(long) });
    tokensOf(await password.signIn(t, EMAIL, long));
    await expectAuthError(password.signIn(t, EMAIL, "p".repeat(257)), "INVALID_CREDENTIALS");
  });

  test("no truncation: two 128-character passwords differing only in the last character are different passwords", async () => {
    const t = makeAuthTest();
    const stem = "a long passphrase, ".repeat(7).slice(0, 127);
    tokensOf(await password.signUp(t, EMAIL, `${stem}x`));
    await expectAuthError(password.signIn(t, EMAIL, `${stem}y`), "INVALID_CREDENTIALS");
    await expectAuthError(password.signIn(t, EMAIL, stem), "INVALID_CREDENTIALS");
    tokensOf(await password.signIn(t, EMAIL, `${stem}x`));
  });

  test("no default or shared account: a new deployment has no user, and admin, root or sa sign in as nobody", async () => {
    const t = makeAuthTest();
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "accounts" })).toEqual([]);
    for (const name of ["admin", "root", "sa"]) {
      await expectAuthError(password.signIn(t, `${name}@example.com`, name), "INVALID_CREDENTIALS");
      await expectAuthError(password.signIn(t, `${name}@example.com`, `${name}${name}${name}${name}`), "INVALID_CREDENTIALS");
    }
    for (const username of ["admin", "root"]) {
      await expectAuthError(
        t.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", username, password: username } }),
        "INVALID_CREDENTIALS",
      );
    }
    expect(await t.query(probe.rows, { table: "sessions" })).toEqual([]);
  });

  test("unknown provider, missing provider and unknown flow are refused", async () => {
    const t = makeAuthTest();
    await expectAuthError(t.action(api.auth.signIn, { provider: "nope", params: {} }), "UNKNOWN_PROVIDER");
    await expectAuthError(t.action(api.auth.signIn, {}), "INVALID_ARGUMENT");
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "password", params: { flow: "hack", email: EMAIL } }),
      "INVALID_ARGUMENT",
    );
  });

  test("a weaker stored hash is upgraded at the next sign-in", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    const [account] = await t.query(probe.rows, { table: "accounts" });
    const weak = await hashPassword(PW, { memoryKiB: 4096, iterations: 1, parallelism: 1 });
    await t.mutation(probe.setAccountSecret, { accountId: String(account._id), secret: weak });
    tokensOf(await password.signIn(t, EMAIL, PW));
    const [upgraded] = await t.query(probe.rows, { table: "accounts" });
    expect(upgraded.secret).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    tokensOf(await password.signIn(t, EMAIL, PW));
  });
});

describe("second factor", () => {
  test("a user with an active second factor gets a verifier, not a session", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    await t.mutation(probe.plantActiveTotp, { userId: claimsOf(first.token).userId });
    const sessionsBefore = (await t.query(probe.rows, { table: "sessions" })).length;
    const result = await password.signIn(t, EMAIL, PW);
    expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.stringMatching(/^\w+\.[\w-]{43}\.[\w-]{43}$/) });
    expect((await t.query(probe.rows, { table: "sessions" })).length).toBe(sessionsBefore);
    const [verifier] = await t.query(probe.rows, { table: "verifiers" });
    expect(verifier).toMatchObject({ kind: "second_factor", userId: claimsOf(first.token).userId });
    expect(JSON.stringify(verifier)).not.toContain((result as { verifier: string }).verifier);
  });

  test("a wrong password with a second factor still fails as usual", async () => {
    const t = makeAuthTest();
    const first = tokensOf(await password.signUp(t, EMAIL, PW));
    await t.mutation(probe.plantActiveTotp, { userId: claimsOf(first.token).userId });
    await expectAuthError(password.signIn(t, EMAIL, "wrong password!"), "INVALID_CREDENTIALS");
    expect(await t.query(probe.rows, { table: "verifiers" })).toEqual([]);
  });
});

describe("failed-attempt limiting", () => {
  test("the 11th attempt within an hour is refused even with the right password; an hour later it works", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    for (let i = 0; i < 10; i++) {
      await expectAuthError(password.signIn(t, EMAIL, `wrong password ${i}`), "INVALID_CREDENTIALS");
    }
    await expectAuthError(password.signIn(t, EMAIL, PW), "RATE_LIMITED");
    vi.setSystemTime(new Date("2026-03-01T10:07:00Z"));
    // One token refills every 6 minutes.
    tokensOf(await password.signIn(t, EMAIL, PW));
    vi.setSystemTime(new Date("2026-03-01T11:01:00Z"));
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("unknown emails are limited the same way (no account enumeration by rate)", async () => {
    const t = makeAuthTest();
    for (let i = 0; i < 10; i++) {
      await expectAuthError(password.signIn(t, "ghost@example.com", `guess ${i} long`), "INVALID_CREDENTIALS");
    }
    await expectAuthError(password.signIn(t, "ghost@example.com", "guess 11 long"), "RATE_LIMITED");
  });
});

describe("password reset", () => {
  const request = (t: AuthTest, email: string) =>
    t.action(api.auth.signIn, { provider: "password", params: { flow: "reset", email } });
  const verify = (t: AuthTest, email: string, code: string, newPassword: string) =>
    t.action(api.auth.signIn, {
      provider: "password",
      params: { flow: "resetVerification", email, code, newPassword },
    });

  test("a right code sets the password, ends every session and signs in", async () => {
    const t = makeAuthTest();
    const old = tokensOf(await password.signUp(t, EMAIL, PW));
    expect(await request(t, EMAIL)).toEqual({ started: true });
    const code = await outboxCode(t, EMAIL);
    expect(code).toMatch(/^\d{8}$/);
    const fresh = tokensOf(await verify(t, EMAIL, code, "a brand new password"));
    expect(claimsOf(fresh.token).userId).toBe(claimsOf(old.token).userId);
    expect(await refresh(t, old.refreshToken)).toEqual({ tokens: null });
    await expectAuthError(password.signIn(t, EMAIL, PW), "INVALID_CREDENTIALS");
    tokensOf(await password.signIn(t, EMAIL, "a brand new password"));
  });

  test("the code is stored only hashed", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await request(t, EMAIL);
    const code = await outboxCode(t, EMAIL);
    const stored = JSON.stringify(await t.query(probe.rows, { table: "verificationCodes" }));
    expect(stored).not.toContain(code);
  });

  test("a wrong code fails, a used code fails, an old code fails after a new one", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await request(t, EMAIL);
    const first = await outboxCode(t, EMAIL);
    const wrong = first === "00000000" ? "11111111" : "00000000";
    await expectAuthError(verify(t, EMAIL, wrong, "a brand new password"), "INVALID_CODE");
    await request(t, EMAIL);
    const second = await outboxCode(t, EMAIL);
    if (second !== first) {
      await expectAuthError(verify(t, EMAIL, first, "a brand new password"), "INVALID_CODE");
    }
    tokensOf(await verify(t, EMAIL, second, "a brand new password"));
    await expectAuthError(verify(t, EMAIL, second, "another new password"), "INVALID_CODE");
    tokensOf(await password.signIn(t, EMAIL, "a brand new password"));
  });

  test("a code works for 10 minutes (ASVS 2.7.2), then fails", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await request(t, EMAIL);
    const code = await outboxCode(t, EMAIL);
    expect((await t.query(api.outbox.latest, { to: EMAIL }))!.expiresAt).toBe(Date.parse("2026-03-01T10:10:00Z"));
    vi.setSystemTime(new Date("2026-03-01T10:10:00Z"));
    await expectAuthError(verify(t, EMAIL, code, "a brand new password"), "INVALID_CODE");
    await request(t, EMAIL);
    const fresh = await outboxCode(t, EMAIL);
    vi.setSystemTime(new Date("2026-03-01T10:19:59Z"));
    tokensOf(await verify(t, EMAIL, fresh, "a brand new password"));
  });

  test("a reset for an unknown email looks the same and sends nothing", async () => {
    const t = makeAuthTest();
    expect(await request(t, "ghost@example.com")).toEqual({ started: true });
    expect(await t.query(api.outbox.latest, { to: "ghost@example.com" })).toBeNull();
  });

  test("a bad new password is refused before the code is used", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await request(t, EMAIL);
    const code = await outboxCode(t, EMAIL);
    await expectAuthError(verify(t, EMAIL, code, "short"), "INVALID_PASSWORD");
    await expectAuthError(verify(t, EMAIL, code, "eleven char"), "INVALID_PASSWORD");
    tokensOf(await verify(t, EMAIL, code, "long enough now"));
  });

  test("wrong codes count against the limiter", async () => {
    const t = makeAuthTest();
    await password.signUp(t, EMAIL, PW);
    await request(t, EMAIL);
    const code = await outboxCode(t, EMAIL);
    for (let i = 0; i < 10; i++) {
      const guess = String(i).padStart(8, "9");
      if (guess === code) continue;
      await expectAuthError(verify(t, EMAIL, guess, "a brand new password"), "INVALID_CODE");
    }
    await expectAuthError(verify(t, EMAIL, code, "a brand new password"), "RATE_LIMITED");
  });
});

describe("changing the password", () => {
  test("needs the current password and ends the other sessions only", async () => {
    const t = makeAuthTest();
    const other = tokensOf(await password.signUp(t, EMAIL, PW));
    const mine = tokensOf(await password.signIn(t, EMAIL, PW));
    await expectAuthError(
      as(t, mine.token).action(api.users.changePassword, { currentPassword: "not it at all", newPassword: "next password" }),
      "INVALID_CREDENTIALS",
    );
    await expectAuthError(
      as(t, mine.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "short" }),
      "INVALID_PASSWORD",
    );
    await as(t, mine.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "next password" });
    expect(await refresh(t, other.refreshToken)).toEqual({ tokens: null });
    tokensOf(await refresh(t, mine.refreshToken));
    tokensOf(await password.signIn(t, EMAIL, "next password"));
    await expectAuthError(password.signIn(t, EMAIL, PW), "INVALID_CREDENTIALS");
  });

  test("no rotation or history: an earlier password may be chosen again, and a year-old password still signs in", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z"), toFake: ["Date"] });
    const t = makeAuthTest();
    const mine = tokensOf(await password.signUp(t, EMAIL, PW));
    await as(t, mine.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "next password" });
    await as(t, mine.token).action(api.users.changePassword, { currentPassword: "next password", newPassword: PW });
    vi.setSystemTime(new Date("2027-03-02T10:00:00Z"));
    tokensOf(await password.signIn(t, EMAIL, PW));
  });

  test("signed out, it is refused", async () => {
    const t = makeAuthTest();
    await expectAuthError(
      t.action(api.users.changePassword, { currentPassword: PW, newPassword: "next password" }),
      "NOT_SIGNED_IN",
    );
  });
});

describe("options", () => {
  const configurationError = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      return (error as { data?: { code?: string } }).data?.code;
    }
    return "no error";
  };

  test("a code length outside 6 to 12 digits, or a lifetime that is not positive, fails when the provider is made", () => {
    for (const options of [{ codeLength: 4 }, { codeLength: 13 }, { codeLength: 7.5 }, { codeTtlMs: 0 }, { codeTtlMs: Number.NaN }]) {
      expect(configurationError(() => Password(options)), JSON.stringify(options)).toBe("CONFIGURATION");
      expect(configurationError(() => Email({ ...options, sendCode: async () => undefined })), JSON.stringify(options)).toBe("CONFIGURATION");
    }
    expect(configurationError(() => Password({ codeLength: 6, codeTtlMs: 5 * 60 * 1000 }))).toBe("no error");
  });
});
