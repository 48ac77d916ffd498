/**
 * The example app's lifecycle callbacks (example/convex/auth.ts), which the
 * rest of the suite runs without (EXAMPLE_CALLBACKS=0): a profile row made
 * with the user, a "new device" notice through the scheduler into the dev
 * outbox for a sign-in from a device not seen before (and only then), the
 * profile deleted with the user.
 */
import { afterEach, expect, test, vi } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, claimsOf, makeAuthTest, password, tokensOf, type AuthTest } from "../harness/auth.js";
import { useEnvVars } from "../harness/envVars.js";

// Before the example's modules load (at the first call): its callbacks on.
useEnvVars({ EXAMPLE_CALLBACKS: "1" });
afterEach(() => {
  vi.useRealTimers();
});

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

const profileOf = async (t: AuthTest, token: string) => await as(t, token).query(api.profiles.mine, {});
const outbox = async (t: AuthTest) => await t.run(async (ctx) => await ctx.db.query("outbox").collect());

const signInFrom = (t: AuthTest, userAgent: string) =>
  t.withRequestMetadata({ userAgent }).action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: EMAIL, password: PW } });

test("a sign-up makes the profile row; the sign-up's device is the first one seen", async () => {
  const t = makeAuthTest();
  const tokens = tokensOf(await password.signUp(t, EMAIL, PW));
  expect(await profileOf(t, tokens.token)).toEqual({
    signedUpWith: "password",
    devices: ["an unknown device"],
    createdAt: expect.any(Number),
  });
  const guest = tokensOf(await t.action(api.auth.signIn, { provider: "anonymous", params: {} }));
  expect((await profileOf(t, guest.token))!.signedUpWith).toBe("anonymous");
});

test("a sign-in from a new device sends one notice to the user's email, through the scheduler; a known device none", async () => {
  vi.useFakeTimers();
  const t = makeAuthTest();
  tokensOf(await password.signUp(t, EMAIL, PW));
  const phone = tokensOf(await signInFrom(t, "Phone/1.0"));
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await outbox(t)).toEqual([
    expect.objectContaining({ to: EMAIL, subject: "New sign-in to your account", code: "Phone/1.0" }),
  ]);
  tokensOf(await signInFrom(t, "Phone/1.0"));
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  expect(await outbox(t)).toHaveLength(1);
  expect((await profileOf(t, phone.token))!.devices).toEqual(["an unknown device", "Phone/1.0"]);
});

test("deleting the user deletes the profile", async () => {
  const t = makeAuthTest();
  const tokens = tokensOf(await password.signUp(t, EMAIL, PW));
  const { userId } = claimsOf(tokens.token);
  const profiles = async () => await t.run(async (ctx) => await ctx.db.query("profiles").collect());
  expect((await profiles()).map((profile) => profile.userId)).toEqual([userId]);
  await as(t, tokens.token).mutation(api.users.deleteMe, {});
  expect(await profiles()).toEqual([]);
});
