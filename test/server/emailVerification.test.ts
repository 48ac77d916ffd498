/** Password with `sendVerificationCode`: no session until the email is verified. */
import { makeFunctionReference } from "convex/server";
import { beforeEach, expect, test } from "vitest";
import { delivery, sent } from "../fixtures/verifiedEmail/auth.js";
import { as, claimsOf, probe, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";

const modules = import.meta.glob(["../fixtures/verifiedEmail/**/*.ts", "!../fixtures/verifiedEmail/**/*.*.ts"]);
const signIn = makeFunctionReference<"action">("auth:signIn");
const EMAIL = "ada@example.com";
const PW = "correct horse battery";

const run = (t: ReturnType<typeof makeTestOf>, params: Record<string, unknown>) =>
  t.action(signIn, { provider: "password", params });

beforeEach(() => {
  sent.length = 0;
});

test("sign-up sends a code and signs in only once it is verified", async () => {
  const t = makeTestOf(modules);
  expect(await run(t, { flow: "signUp", email: EMAIL, password: PW })).toEqual({ started: true });
  expect(sent).toHaveLength(1);
  expect(sent[0].email).toBe(EMAIL);
  // Signing in before verifying sends a fresh code instead of a session.
  expect(await run(t, { flow: "signIn", email: EMAIL, password: PW })).toEqual({ started: true });
  expect(sent).toHaveLength(2);
  const tokens = tokensOf(await run(t, { flow: "emailVerification", email: EMAIL, code: sent[1].code }));
  expect(claimsOf(tokens.token).userId).toBeTruthy();
  // From now on a password is enough.
  tokensOf(await run(t, { flow: "signIn", email: EMAIL, password: PW }));
});

test("the earlier code, a wrong code and a code for another address are refused", async () => {
  const t = makeTestOf(modules);
  await run(t, { flow: "signUp", email: EMAIL, password: PW });
  await run(t, { flow: "signUp", email: "bob@example.com", password: PW });
  await run(t, { flow: "signIn", email: EMAIL, password: PW });
  const [first, bobs, second] = sent;
  if (first.code !== second.code) {
    await expectAuthError(run(t, { flow: "emailVerification", email: EMAIL, code: first.code }), "INVALID_CODE");
  }
  if (bobs.code !== second.code) {
    await expectAuthError(run(t, { flow: "emailVerification", email: EMAIL, code: bobs.code }), "INVALID_CODE");
  }
  await expectAuthError(run(t, { flow: "emailVerification", email: EMAIL, code: "123" }), "INVALID_CODE");
  tokensOf(await run(t, { flow: "emailVerification", email: EMAIL, code: second.code }));
  await expectAuthError(run(t, { flow: "emailVerification", email: EMAIL, code: second.code }), "INVALID_CODE");
});

test("a guest's sign-up is the guest's own user: the code verifies it, and a failed send leaves the upgrade, not a second user", async () => {
  const t = makeTestOf(modules, {
    componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
  });
  const guest = tokensOf(await t.action(signIn, { provider: "anonymous" }));
  const { userId } = claimsOf(guest.token);
  expect(await as(t, guest.token).action(signIn, { provider: "password", params: { flow: "signUp", email: EMAIL, password: PW } })).toEqual({
    started: true,
  });
  const users = await t.query(probe.rows, { table: "users" });
  expect(users).toEqual([expect.objectContaining({ _id: userId, email: EMAIL })]);
  expect(users[0]!.isAnonymous).toBeUndefined();
  const tokens = tokensOf(await run(t, { flow: "emailVerification", email: EMAIL, code: sent.at(-1)!.code }));
  expect(claimsOf(tokens.token).userId).toBe(userId);

  // A send that fails: the guest is upgraded (no unused sign-up to undo), and signing in sends a new code.
  const other = tokensOf(await t.action(signIn, { provider: "anonymous" }));
  delivery.fail = true;
  try {
    await expect(
      as(t, other.token).action(signIn, { provider: "password", params: { flow: "signUp", email: "bob@example.com", password: PW } }),
    ).rejects.toThrow(/mail service unavailable/);
  } finally {
    delivery.fail = false;
  }
  const bob = (await t.query(probe.rows, { table: "users" })).filter((u) => u.email === "bob@example.com");
  expect(bob.map((u) => u._id)).toEqual([claimsOf(other.token).userId]);
  expect(await run(t, { flow: "signIn", email: "bob@example.com", password: PW })).toEqual({ started: true });
  expect(sent.at(-1)!.email).toBe("bob@example.com");
});
