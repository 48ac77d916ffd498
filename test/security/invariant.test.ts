/**
 * The invariant of "One way in", across every provider and flow:
 * a user with an active second factor never receives tokens from one
 * factor alone, and a revoked, expired or ended session never yields tokens.
 *
 * Each row runs one flow to the point where it would sign the user in and
 * asserts that what comes back is the second-factor step (or a coded
 * refusal), never tokens; the step then finishes with the user's TOTP code.
 */
import { makeFunctionReference } from "convex/server";
import * as OTPAuth from "otpauth";
import { afterEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { sent } from "../fixtures/verifiedEmail/auth.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey, finish, signInWithPasskey, start } from "../fixtures/passkeyFlows.js";
import { newRefreshToken } from "../../src/server/tokens/refreshToken.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, refresh, tokensOf, type AuthTest } from "../harness/auth.js";
import { makeTestOf } from "../harness/setup.js";
import { useEnvVars } from "../harness/envVars.js";
import { enrollTotp } from "../harness/totp.js";

const SITE = "https://app.example.test";
const PW = "correct horse battery staple";
const PHONE = "+15551234567";

useEnvVars({ SITE_URL: SITE });
afterEach(() => {
  vi.useRealTimers();
});

const signIn = (t: AuthTest, provider: string | undefined, params: Record<string, unknown>, verifier?: string, token?: string) =>
  (token === undefined ? t : as(t, token)).action(api.auth.signIn, {
    ...(provider !== undefined ? { provider } : {}),
    params,
    ...(verifier !== undefined ? { verifier } : {}),
  });

async function outbox(t: AuthTest, to: string): Promise<string> {
  const message = await t.query(api.outbox.latest, { to });
  expect(message, `nothing sent to ${to}`).not.toBeNull();
  return message!.code;
}


type TwoFactorUser = { email: string; userId: string; otp: OTPAuth.TOTP; tokens: { token: string; refreshToken: string } };

/** A user with a verified email (signed up by email code), a password-less account, and TOTP. */
async function emailUser(t: AuthTest, email: string): Promise<TwoFactorUser> {
  await signIn(t, "email", { email });
  const first = tokensOf(await signIn(t, "email", { email, code: await outbox(t, email) }));
  const { otp, tokens } = await enrollTotp(t, first.token);
  return { email, userId: claimsOf(tokens.token).userId!, otp, tokens };
}

/** A password user with TOTP. */
async function passwordUser(t: AuthTest, email: string): Promise<TwoFactorUser> {
  const first = tokensOf(await password.signUp(t, email, PW));
  const { otp, tokens } = await enrollTotp(t, first.token);
  return { email, userId: claimsOf(tokens.token).userId!, otp, tokens };
}

/** What a flow gives back where it would sign in; `verifier` finishes a second-factor step. */
type Flow = {
  name: string;
  run(t: AuthTest): Promise<{ result: unknown; user: TwoFactorUser }>;
};

const ceremonyDevice = () => new SoftAuthenticator(SITE, { algorithm: "ES256" });

const flows: Flow[] = [
  {
    name: "password sign-in",
    async run(t) {
      const user = await passwordUser(t, "pw@example.com");
      return { user, result: await password.signIn(t, user.email, PW) };
    },
  },
  {
    name: "password reset",
    async run(t) {
      const user = await passwordUser(t, "reset@example.com");
      await signIn(t, "password", { flow: "reset", email: user.email });
      const code = await outbox(t, user.email);
      return {
        user,
        result: await signIn(t, "password", { flow: "resetVerification", email: user.email, code, newPassword: "another long passphrase" }),
      };
    },
  },
  {
    name: "email code",
    async run(t) {
      const user = await emailUser(t, "code@example.com");
      await signIn(t, "email", { email: user.email });
      return { user, result: await signIn(t, "email", { email: user.email, code: await outbox(t, user.email) }) };
    },
  },
  {
    name: "phone code",
    async run(t) {
      await signIn(t, "phone", { phone: PHONE });
      const first = tokensOf(await signIn(t, "phone", { phone: PHONE, code: await outbox(t, PHONE) }));
      const { otp, tokens } = await enrollTotp(t, first.token);
      const user = { email: PHONE, userId: claimsOf(tokens.token).userId!, otp, tokens };
      await signIn(t, "phone", { phone: PHONE });
      return { user, result: await signIn(t, "phone", { phone: PHONE, code: await outbox(t, PHONE) }) };
    },
  },
  {
    name: "magic link, in the browser that asked",
    async run(t) {
      const user = await emailUser(t, "link@example.com");
      const asked = (await signIn(t, "email", { email: user.email, method: "link" })) as { verifier: string };
      const code = new URL(await outbox(t, user.email)).searchParams.get("code")!;
      return { user, result: await signIn(t, undefined, { code }, asked.verifier) };
    },
  },
  {
    name: "magic link, confirmed in another browser",
    async run(t) {
      const user = await emailUser(t, "link2@example.com");
      await signIn(t, "email", { email: user.email, method: "link" });
      const code = new URL(await outbox(t, user.email)).searchParams.get("code")!;
      const asked = (await signIn(t, undefined, { code })) as { verifier: string };
      return { user, result: await signIn(t, undefined, { code, confirm: true }, asked.verifier) };
    },
  },
  {
    name: "OAuth return",
    async run(t) {
      const user = await emailUser(t, "oauth@example.com");
      // The callback's one-time code, as the OAuth callback stores it (step 3), for a provider
      // vouching for the user's verified email; the client that started holds `verifier`.
      const code = newRefreshToken();
      const verifier = newRefreshToken();
      await t.mutation(components.auth.verifiers.create, {
        kind: "oauth_code",
        verifierHash: code.hash,
        challenge: verifier.hash,
        data: {
          provider: "github",
          providerAccountId: "4242",
          email: user.email,
          emailVerified: true,
          phoneVerified: false,
          profile: {},
        },
        expirationTime: Date.now() + 60_000,
      });
      return { user, result: await signIn(t, undefined, { code: code.raw }, verifier.raw) };
    },
  },
  {
    name: "passkey sign-in without user verification",
    async run(t) {
      const user = await passwordUser(t, "passkey@example.com");
      const key = ceremonyDevice();
      tokensOf(await addPasskey(t, user.tokens.token, key));
      const step = await start(t, { flow: "signIn" });
      const response = await key.get(step.options as never, { noUserVerification: true });
      return { user, result: await finish(t, response, step.verifier) };
    },
  },
  {
    name: "anonymous upgrade into a user with a second factor",
    async run(t) {
      const user = await emailUser(t, "guest@example.com");
      const guest = tokensOf(await signIn(t, "anonymous", {}));
      await signIn(t, "email", { email: user.email }, undefined, guest.token);
      return { user, result: await signIn(t, "email", { email: user.email, code: await outbox(t, user.email) }, undefined, guest.token) };
    },
  },
];

describe("a user with a second factor never gets tokens from one factor", () => {
  test.each(flows.map((flow) => [flow.name, flow] as const))("%s", async (_name, flow) => {
    useClock();
    const t = makeAuthTest();
    const { user, result } = await flow.run(t);
    expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
    const sessionsBefore = (await t.query(probe.rows, { table: "sessions" })).length;
    // The step finishes with the second factor, once.
    advance(60_000);
    const { verifier } = result as { verifier: string };
    const tokens = tokensOf(await signIn(t, "totp", { code: user.otp.generate() }, verifier));
    expect(claimsOf(tokens.token).userId).toBe(user.userId);
    expect((await t.query(probe.rows, { table: "sessions" })).length).toBe(sessionsBefore + 1);
    advance(30_000);
    await expectAuthError(signIn(t, "totp", { code: user.otp.generate() }, verifier), "NOT_FOUND");
  });

  test("sign-up with the email of a user who has a second factor is refused (password and passkey)", async () => {
    useClock();
    const t = makeAuthTest();
    const user = await passwordUser(t, "taken@example.com");
    await expectAuthError(password.signUp(t, user.email, PW), "ACCOUNT_EXISTS");
    await expectAuthError(start(t, { flow: "signUp", email: user.email }), "ACCOUNT_EXISTS");
    const sessions = await t.query(probe.rows, { table: "sessions" });
    expect(sessions).toHaveLength(1);
  });

  test("email verification of a user with a second factor asks for it", async () => {
    const modules = import.meta.glob(["../fixtures/verifiedEmail/**/*.ts", "!../fixtures/verifiedEmail/**/*.*.ts"]);
    const t = makeTestOf(modules, {
      componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
    });
    const fixtureSignIn = makeFunctionReference<"action">("auth:signIn");
    sent.length = 0;
    const run = (params: Record<string, unknown>) => t.action(fixtureSignIn, { provider: "password", params });
    expect(await run({ flow: "signUp", email: "verify@example.com", password: PW })).toEqual({ started: true });
    const [user] = await t.query(probe.rows, { table: "users" });
    await t.mutation(probe.plantActiveTotp, { userId: String(user._id) });
    const result = await run({ flow: "emailVerification", email: "verify@example.com", code: sent[0].code });
    expect(result).toEqual({ secondFactor: { methods: ["totp"] }, verifier: expect.any(String) });
    expect(await t.query(probe.rows, { table: "sessions" })).toEqual([]);
  });

  test("a user-verified passkey is two factors: it signs in (and the session counts as verified)", async () => {
    useClock();
    const t = makeAuthTest();
    const user = await passwordUser(t, "uv@example.com");
    const key = ceremonyDevice();
    tokensOf(await addPasskey(t, user.tokens.token, key));
    const tokens = tokensOf(await signInWithPasskey(t, key));
    expect(claimsOf(tokens.token).userId).toBe(user.userId);
  });
});

describe("an ended session never yields tokens", () => {
  test("refresh, TOTP confirmation, passkey registration and step-up of a revoked session", async () => {
    useClock();
    const t = makeAuthTest();
    const user = await passwordUser(t, "ended@example.com");
    const other = tokensOf(await signIn(t, "totp", { code: (advance(60_000), user.otp.generate()) }, ((await password.signIn(t, user.email, PW)) as { verifier: string }).verifier));
    // A set-up and a passkey registration started in the session that will end.
    const setup = (await signIn(t, "totp", { flow: "setup" }, undefined, user.tokens.token)) as { totpSetup: { uri: string }; verifier: string };
    const key = ceremonyDevice();
    const registration = await start(t, { flow: "register" }, { token: user.tokens.token });
    await as(t, other.token).mutation(api.sessions.revoke, { sessionId: claimsOf(user.tokens.token).sessionId! });
    const sessions = (await t.query(probe.rows, { table: "sessions" })).length;
    expect(await refresh(t, user.tokens.refreshToken)).toEqual({ tokens: null });
    const newOtp = OTPAuth.URI.parse(setup.totpSetup.uri) as OTPAuth.TOTP;
    await expectAuthError(signIn(t, "totp", { flow: "confirm", code: newOtp.generate() }, setup.verifier, user.tokens.token), "SESSION_ENDED");
    await expectAuthError(
      finish(t, await key.create(registration.options as never), registration.verifier, user.tokens.token),
      "SESSION_ENDED",
    );
    await expectAuthError(start(t, { flow: "stepUp" }, { token: user.tokens.token }), "SESSION_ENDED");
    expect((await t.query(probe.rows, { table: "sessions" })).length).toBe(sessions);
  });

  test("an expired session's refresh token gives nothing", async () => {
    useClock();
    const t = makeAuthTest();
    const { refreshToken } = tokensOf(await password.signUp(t, "old@example.com", PW));
    advance(31 * 24 * 60 * 60 * 1000);
    expect(await refresh(t, refreshToken)).toEqual({ tokens: null });
  });
});
