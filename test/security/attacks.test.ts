/**
 * The attack review of "One way in", one test per finding, each written as
 * the attacker would try it: an ordinary account, a stolen access or
 * refresh token, a guest session, `Promise.all` for concurrency. Each
 * asserts the refusal and that nothing was written.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { DEFAULT_OPTIONS } from "../../src/server/config.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, refreshViaSignIn, tokensOf, type AuthTest } from "../harness/auth.js";
import { useDeploymentIssuer, useOwnIssuer } from "../harness/env.js";
import { useEnvVars } from "../harness/envVars.js";
import { enrollTotp } from "../harness/totp.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery staple";
const MAX = DEFAULT_OPTIONS.failedAttempts.max;

afterEach(() => {
  vi.useRealTimers();
});

const rows = async (t: AuthTest, table: string) => await t.query(probe.rows, { table });


/** Settles every promise; counts results by error code (`"ok"` for a success). */
async function tally(attempts: Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const outcome of await Promise.allSettled(attempts)) {
    const key =
      outcome.status === "fulfilled"
        ? "ok"
        : String((outcome.reason as { data?: { code?: string } }).data?.code ?? (outcome.reason as Error).message);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function outboxCode(t: AuthTest, to: string): Promise<string> {
  const message = await t.query(api.outbox.latest, { to });
  expect(message, `nothing sent to ${to}`).not.toBeNull();
  return message!.code;
}

const resetWith = (t: AuthTest, code: string, newPassword: string) =>
  t.action(api.auth.signIn, {
    provider: "password",
    params: { flow: "resetVerification", email: EMAIL, code, newPassword },
  });

async function requestReset(t: AuthTest): Promise<string> {
  expect(await t.action(api.auth.signIn, { provider: "password", params: { flow: "reset", email: EMAIL } })).toEqual({
    started: true,
  });
  return await outboxCode(t, EMAIL);
}

describe("finding 1: a reset never skips the second factor", () => {
  test("resetVerification of a user with TOTP sets the password, ends sessions, and asks for the second factor", async () => {
    const t = makeAuthTest();
    const signedUp = tokensOf(await password.signUp(t, EMAIL, PW));
    await t.mutation(probe.plantActiveTotp, { userId: claimsOf(signedUp.token).userId! });
    const before = (await rows(t, "sessions")).length;
    expect(before).toBe(1);
    const result = await resetWith(t, await requestReset(t), "a brand new passphrase");
    expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
    // No session came from the reset, and the old one ended.
    expect(await rows(t, "sessions")).toEqual([]);
    expect(await refresh(t, signedUp.refreshToken)).toEqual({ tokens: null });
    // The new password is set (the old one is refused), and it too only reaches the second factor.
    await expectAuthError(password.signIn(t, EMAIL, PW), "INVALID_CREDENTIALS");
    expect(await password.signIn(t, EMAIL, "a brand new passphrase")).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
  });
});

describe("finding 2: at most `max` secrets are checked per identifier, whatever the concurrency", () => {
  test("31 concurrent wrong passwords and the right one: at most 10 are checked", async () => {
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, EMAIL, PW));
    const attempts = Array.from({ length: 31 }, (_, i) => password.signIn(t, EMAIL, `wrong password ${i}`));
    attempts.push(password.signIn(t, EMAIL, PW));
    const counts = await tally(attempts);
    // Every attempt beyond the bucket was refused before its password was checked.
    expect((counts.INVALID_CREDENTIALS ?? 0) + (counts.ok ?? 0)).toBeLessThanOrEqual(MAX);
    expect(counts.RATE_LIMITED).toBeGreaterThanOrEqual(32 - MAX);
    // The bucket is empty now: even the right password waits.
    if ((counts.ok ?? 0) === 0) await expectAuthError(password.signIn(t, EMAIL, PW), "RATE_LIMITED");
  });

  test("a right password takes nothing for good: only failures count", async () => {
    useClock();
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, EMAIL, PW));
    for (let i = 0; i < MAX + 2; i++) {
      tokensOf(await password.signIn(t, EMAIL, PW));
      advance(1_000);
    }
    // Only leases were written (each returned 5 s later); no token was taken.
    const [bucket] = await rows(t, "rateLimits");
    expect(bucket.tokens).toBe(MAX);
    await expectAuthError(password.signIn(t, EMAIL, "wrong password"), "INVALID_CREDENTIALS");
    expect((await rows(t, "rateLimits"))[0].tokens).toBe(MAX - 1);
  });

  test("auth.password.change: 15 concurrent wrong current passwords, at most 10 checked", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const counts = await tally(
      Array.from({ length: 15 }, (_, i) =>
        as(t, token).action(api.users.changePassword, { currentPassword: `nope ${i}`, newPassword: "a brand new passphrase" }),
      ),
    );
    expect(counts.INVALID_CREDENTIALS).toBeLessThanOrEqual(MAX);
    expect(counts.RATE_LIMITED).toBeGreaterThanOrEqual(15 - MAX);
    await expectAuthError(
      as(t, token).action(api.users.changePassword, { currentPassword: PW, newPassword: "a brand new passphrase" }),
      "RATE_LIMITED",
    );
  });

  test("an attacker who knows the password collects many steps: TOTP guesses are still bounded per user", async () => {
    const t = makeAuthTest();
    useClock();
    const { otp } = await enrollTotp(t, tokensOf(await password.signUp(t, EMAIL, PW)).token);
    advance(60_000);
    const right = otp.generate();
    const verifiers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const step = await password.signIn(t, EMAIL, PW);
      verifiers.push((step as { verifier: string }).verifier);
      advance(1_000);
    }
    const counts = await tally(
      verifiers.map((verifier, i) =>
        t.action(api.auth.signIn, {
          provider: "totp",
          params: { code: String((Number(right) + 1 + i) % 1_000_000).padStart(6, "0") },
          verifier,
        }),
      ),
    );
    expect(counts.INVALID_CODE).toBeLessThanOrEqual(MAX);
    expect(counts.RATE_LIMITED).toBeGreaterThanOrEqual(20 - MAX);
    // Nothing signed in, and the right code now waits too.
    expect(await rows(t, "sessions")).toHaveLength(1);
    await expectAuthError(
      t.action(api.auth.signIn, { provider: "totp", params: { code: right }, verifier: verifiers[0] }),
      "RATE_LIMITED",
    );
  });
});

describe("finding 2 (step-up): auth.stepUp.verify under concurrency", () => {
  test("15 concurrent wrong step-up codes with a stolen token: at most 10 are checked", async () => {
    useClock();
    const t = makeAuthTest();
    const { otp, tokens } = await enrollTotp(t, tokensOf(await password.signUp(t, EMAIL, PW)).token);
    advance(60_000);
    const right = otp.generate();
    const counts = await tally(
      Array.from({ length: 15 }, (_, i) =>
        as(t, tokens.token).action(api.totp.verify, { code: String((Number(right) + 1 + i) % 1_000_000).padStart(6, "0") }),
      ),
    );
    expect(counts.INVALID_CODE).toBeLessThanOrEqual(MAX);
    expect(counts.RATE_LIMITED).toBeGreaterThanOrEqual(15 - MAX);
    await expectAuthError(as(t, tokens.token).action(api.totp.verify, { code: right }), "RATE_LIMITED");
  });
});

describe("finding 5: account pre-hijacking", () => {
  test("the victim's first proof of the mailbox removes what the attacker planted", async () => {
    const t = makeAuthTest();
    // The attacker signs up with the victim's address (never verified) and plants an API key.
    const attacker = tokensOf(await password.signUp(t, EMAIL, "the attacker's own password"));
    await as(t, attacker.token).mutation(api.apiKeys.create, { name: "backdoor", scopes: [{ resource: "profile", actions: ["read"] }] });
    expect(await rows(t, "apiKeys")).toHaveLength(1);
    // The victim resets the password through the mailbox.
    tokensOf(await resetWith(t, await requestReset(t), "the victim's passphrase"));
    expect(await rows(t, "apiKeys")).toEqual([]);
    expect(await refresh(t, attacker.refreshToken)).toEqual({ tokens: null });
    await expectAuthError(as(t, attacker.token).query(api.sessions.list, {}), "SESSION_ENDED");
    const events = (await rows(t, "events")).map((e) => e.type);
    expect(events).toContain("credentials_cleared");
    // Once verified, a later reset clears nothing more.
    const { token } = tokensOf(await password.signIn(t, EMAIL, "the victim's passphrase"));
    await as(t, token).mutation(api.apiKeys.create, { name: "mine", scopes: [{ resource: "profile", actions: ["read"] }] });
    tokensOf(await resetWith(t, await requestReset(t), "another passphrase here"));
    expect(await rows(t, "apiKeys")).toHaveLength(1);
  });
});

describe("finding 7: revocation revokes", () => {
  test("after 'sign out other devices', the other device's unexpired access token can do nothing sensitive", async () => {
    const t = makeAuthTest();
    const stolen = tokensOf(await password.signUp(t, EMAIL, PW));
    const mine = tokensOf(await password.signIn(t, EMAIL, PW));
    expect(await as(t, stolen.token).query(api.auth.sessionState, {})).toEqual({
      sessionId: claimsOf(stolen.token).sessionId,
      live: true,
    });
    await as(t, mine.token).mutation(api.sessions.revokeOthers, {});
    // The liveness query a connected client watches now says so.
    expect(await as(t, stolen.token).query(api.auth.sessionState, {})).toEqual({
      sessionId: claimsOf(stolen.token).sessionId,
      live: false,
    });
    const keysBefore = await rows(t, "apiKeys");
    await expectAuthError(
      as(t, stolen.token).mutation(api.apiKeys.create, { name: "outlives", scopes: [{ resource: "profile", actions: ["read"] }] }),
      "SESSION_ENDED",
    );
    await expectAuthError(as(t, stolen.token).mutation(api.users.deleteMe, {}), "SESSION_ENDED");
    await expectAuthError(as(t, stolen.token).mutation(api.sessions.revokeOthers, {}), "SESSION_ENDED");
    await expectAuthError(
      as(t, stolen.token).action(api.auth.signIn, { provider: "totp", params: { flow: "setup" } }),
      "SESSION_ENDED",
    );
    expect(await rows(t, "apiKeys")).toEqual(keysBefore);
    expect(await rows(t, "users")).toHaveLength(1);
    // The signed-in device goes on.
    expect(await as(t, mine.token).query(api.auth.sessionState, {})).toMatchObject({ live: true });
  });

  test("a password change ends the other sessions for every live check at once", async () => {
    const t = makeAuthTest();
    const other = tokensOf(await password.signUp(t, EMAIL, PW));
    const mine = tokensOf(await password.signIn(t, EMAIL, PW));
    await as(t, mine.token).action(api.users.changePassword, { currentPassword: PW, newPassword: "a brand new passphrase" });
    expect(await as(t, other.token).query(api.auth.sessionState, {})).toMatchObject({ live: false });
    await expectAuthError(as(t, other.token).query(api.sessions.list, {}), "SESSION_ENDED");
  });

  test("access tokens live 15 minutes by default", async () => {
    const t = makeAuthTest();
    const claims = claimsOf(tokensOf(await password.signUp(t, EMAIL, PW)).token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(15 * 60);
  });

  test("without our token, sessionState is null", async () => {
    const t = makeAuthTest();
    expect(await t.query(api.auth.sessionState, {})).toBeNull();
  });
});

describe("finding 9: a replayed refresh token cannot fork the session", () => {
  test("an attacker's replay inside the window: the first chain used wins; the other chain's use revokes", async () => {
    useClock();
    const t = makeAuthTest();
    const signedUp = tokensOf(await password.signUp(t, EMAIL, PW));
    const victim = tokensOf(await refresh(t, signedUp.refreshToken));
    advance(2_000);
    // The thief replays the same token inside the 10 s window.
    const thief = tokensOf(await refresh(t, signedUp.refreshToken));
    advance(60_000);
    // The victim's client goes on; the thief's chain is void from then on.
    const next = tokensOf(await refresh(t, victim.refreshToken));
    expect(await refresh(t, thief.refreshToken)).toEqual({ tokens: null });
    // That second chain was theft: the whole session ended.
    expect(await refresh(t, next.refreshToken)).toEqual({ tokens: null });
    const revocations = (await rows(t, "events")).filter((e) => e.type === "session_revoked").map((e) => e.reason);
    expect(revocations).toEqual(["refresh_reuse"]);
  });

  test("one token is exchanged at most 3 times, even inside the window", async () => {
    useClock();
    const t = makeAuthTest();
    const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await refresh(t, refreshToken));
    expect(results.slice(0, 3).every((r) => (r as { tokens: unknown }).tokens !== null)).toBe(true);
    expect(results[3]).toEqual({ tokens: null });
    expect(await rows(t, "sessions")).toEqual([]);
  });
});

describe("finding 10: one-time codes are stored under a keyed hash", () => {
  test("the stored hash is not the plain SHA-256 of the code, and another deployment secret does not match it", async () => {
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, EMAIL, PW));
    const code = await requestReset(t);
    const [stored] = await rows(t, "verificationCodes");
    const { hashSecret } = await import("../../src/server/tokens/secretHash.js");
    expect(stored.codeHash).not.toBe(hashSecret(`password_reset:${stored.accountId}:${code}`));
    const saved = process.env.AUTH_CODE_SECRET;
    process.env.AUTH_CODE_SECRET = "another deployment's secret";
    try {
      await expectAuthError(resetWith(t, code, "a brand new passphrase"), "INVALID_CODE");
    } finally {
      if (saved === undefined) delete process.env.AUTH_CODE_SECRET;
      else process.env.AUTH_CODE_SECRET = saved;
    }
    tokensOf(await resetWith(t, await requestReset(t), "a brand new passphrase"));
  });
});

describe("finding 12: one bucket per kind of secret", () => {
  test("a password locked by a stranger does not block an email code", async () => {
    const t = makeAuthTest();
    tokensOf(await password.signUp(t, EMAIL, PW));
    for (let i = 0; i < MAX; i++) await expectAuthError(password.signIn(t, EMAIL, `wrong ${i}`), "INVALID_CREDENTIALS");
    await expectAuthError(password.signIn(t, EMAIL, PW), "RATE_LIMITED");
    // The owner can still prove the mailbox (reset code) and sign in with it.
    tokensOf(await resetWith(t, await requestReset(t), "a brand new passphrase"));
  });
});

/** Runs `fn` with `values` in the environment (`undefined`: unset), then puts the previous values back. */
async function withEnv(values: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (vars: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

describe("faults: nothing can fail after a rotation commits", () => {
  // Both ways of refreshing: the one-transaction mutation, and the action.
  for (const [how, exchange] of [
    ["the refresh mutation", refresh],
    ["signIn({ refreshToken })", refreshViaSignIn],
  ] as const) {
    describe(`signed with the deployment's key, through ${how}`, () => {
      useDeploymentIssuer();
      test("a refresh whose signing fails inside the issuing mutation rolls its rotation back; the retry works", async () => {
        let failSigning = true;
        const t = makeAuthTest({
          around: async (frame, run) => {
            const auth = (frame.ctx as { auth?: { signJwt?: unknown } }).auth;
            if (failSigning && frame.name === "sessions:issue" && auth?.signJwt !== undefined) {
              auth.signJwt = async () => {
                throw new Error("the deployment's signer is down");
              };
            }
            return await run();
          },
        });
        failSigning = false;
        const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
        const before = await rows(t, "refreshTokens");
        failSigning = true;
        await expect(exchange(t, refreshToken)).rejects.toThrow(/signer is down/);
        failSigning = false;
        // Nothing of the rotation stayed: no successor, the token not marked used.
        expect(await rows(t, "refreshTokens")).toEqual(before);
        tokensOf(await exchange(t, refreshToken));
        expect((await rows(t, "events")).filter((e) => e.type === "session_revoked")).toEqual([]);
      });

      test("a refresh with CONVEX_CLOUD_URL missing fails before rotating", async () => {
        const t = makeAuthTest();
        const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
        await withEnv({ CONVEX_CLOUD_URL: undefined }, async () => {
          await expectAuthError(exchange(t, refreshToken), "CONFIGURATION");
        });
        tokensOf(await exchange(t, refreshToken));
      });
    });

    describe(`signed with the app's own key, through ${how}`, () => {
      useOwnIssuer();
      test("a refresh during a signing-key outage fails without using the token; after the fix it works", async () => {
        const t = makeAuthTest();
        const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
        await withEnv({ JWT_PRIVATE_KEY: "not a key" }, async () => {
          await expectAuthError(exchange(t, refreshToken), "CONFIGURATION");
        });
        // The token was not used up: no false refresh_reuse, the session goes on.
        tokensOf(await exchange(t, refreshToken));
        expect((await rows(t, "events")).filter((e) => e.type === "session_revoked")).toEqual([]);
      });

      test("a refresh with CONVEX_SITE_URL missing fails before rotating", async () => {
        const t = makeAuthTest();
        const { refreshToken } = tokensOf(await password.signUp(t, EMAIL, PW));
        await withEnv({ CONVEX_SITE_URL: undefined }, async () => {
          await expectAuthError(exchange(t, refreshToken), "CONFIGURATION");
        });
        tokensOf(await exchange(t, refreshToken));
      });
    });
  }

  test("a user deleted between the factor check and the issuing gets no session, and nothing is left", async () => {
    const t = makeAuthTest();
    const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
    const userId = claimsOf(token).userId!;
    await as(t, token).mutation(api.users.deleteMe, {});
    const outcome = await t.mutation(components.auth.sessions.issue, {
      userId,
      refreshTokenHash: "h".repeat(43),
      policy: DEFAULT_OPTIONS.session,
      proof: { kind: "firstFactor", provider: "email" },
    });
    expect(outcome).toEqual({ status: "refused", reason: "no_user" });
    expect(await rows(t, "sessions")).toEqual([]);
    expect(await rows(t, "refreshTokens")).toEqual([]);
  });

  test("malformed ids given to the issuing mutation are refused, not thrown", async () => {
    const t = makeAuthTest();
    for (const userId of ["junk", ""]) {
      expect(
        await t.mutation(components.auth.sessions.issue, {
          userId,
          refreshTokenHash: "h".repeat(43),
          policy: DEFAULT_OPTIONS.session,
          proof: { kind: "continue", provider: "x", sessionId: "junk" },
        }),
      ).toEqual({ status: "refused", reason: "no_user" });
    }
    expect(await rows(t, "sessions")).toEqual([]);
  });
});

describe("finding 16: passkey defaults", () => {
  const SITE = "https://app.example.test";
  useEnvVars({ SITE_URL: SITE });
  test("a stolen access token of an old session cannot plant a passkey (fresh session needed by default)", async () => {
      useClock();
      const t = makeAuthTest();
      const signedUp = tokensOf(await password.signUp(t, EMAIL, PW));
      advance(11 * 60_000);
      // The session is live (refreshed), but it started more than 10 minutes ago.
      const current = tokensOf(await refresh(t, signedUp.refreshToken));
      const { start } = await import("../fixtures/passkeyFlows.js");
      await expectAuthError(start(t, { flow: "register" }, { token: current.token }), "STEP_UP_REQUIRED");
      expect(await rows(t, "verifiers")).toEqual([]);
      // A fresh sign-in may.
      const fresh = tokensOf(await password.signIn(t, EMAIL, PW));
      await start(t, { flow: "register" }, { token: fresh.token });
    });

  test("a guest may add a passkey however old the session (it is how they keep the account)", async () => {
      useClock();
      const t = makeAuthTest();
      const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
      advance(11 * 60_000);
      const current = tokensOf(await refresh(t, guest.refreshToken));
      const { start } = await import("../fixtures/passkeyFlows.js");
      await start(t, { flow: "register" }, { token: current.token });
    });

  test("where two-factor is required, the last two-factor passkey stays, like the last TOTP factor", async () => {
      const t = makeAuthTest();
      const { SoftAuthenticator } = await import("../fixtures/passkeyAuthenticator.js");
      const { addPasskey } = await import("../fixtures/passkeyFlows.js");
      const { passkeyAdminHelpers } = await import("../../src/server/helpers/passkey.js");
      const required = passkeyAdminHelpers(components.auth, { secondFactorRequired: true });
      const { token } = tokensOf(await password.signUp(t, EMAIL, PW));
      tokensOf(await addPasskey(t, token, new SoftAuthenticator(SITE), { secondFactor: true }));
      const [passkey] = await rows(t, "passkeys");
      const passkeyId = String(passkey._id);
      await expectAuthError(t.mutation(async (ctx) => await required.remove(ctx, passkeyId)), "LAST_FACTOR");
      await expectAuthError(
        t.mutation(async (ctx) => await required.setSecondFactor(ctx, passkeyId, false)),
        "LAST_FACTOR",
      );
      expect(await rows(t, "passkeys")).toHaveLength(1);
      expect((await rows(t, "passkeys"))[0].secondFactor).toBe(true);
    });
});
