// @vitest-environment happy-dom
/**
 * The client's `impersonate(userId)` / `impersonate(null)` (React:
 * `impersonate`, `stopImpersonating`) against the example app's server:
 * they send the session's refresh token, which the app never handles, keep
 * the answer like any sign-in (so other tabs follow through storage), and
 * refuse to run signed out.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { AuthClient } from "../../src/client/authClient.js";
import { claimsOf as readClaims } from "../../src/client/jwt.js";
import type { AuthTransport, SignInArgs } from "../../src/client/protocol.js";
import { memoryStorage } from "../../src/client/storage.js";
import { api, components } from "../../example/convex/_generated/api.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, tokensOf, type AuthTest } from "../harness/auth.js";

const ADMIN = "admin@example.com";
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.ADMIN_EMAILS;
  process.env.ADMIN_EMAILS = ADMIN;
});
afterEach(() => {
  if (saved === undefined) delete process.env.ADMIN_EMAILS;
  else process.env.ADMIN_EMAILS = saved;
});

/** The transport a browser has, straight to the test app: the access token as the caller's identity. */
function transportTo(t: AuthTest): AuthTransport & { calls: SignInArgs[] } {
  const calls: SignInArgs[] = [];
  return {
    calls,
    signIn: async (args, token) => {
      calls.push(args);
      return token ? await as(t, token).action(api.auth.signIn, args) : await t.action(api.auth.signIn, args);
    },
    async signOut() {},
  };
}

test("impersonate(userId) sends the refresh token and keeps the impersonation's tokens; impersonate(null) brings the admin back", async () => {
  const t = makeAuthTest();
  const admin = tokensOf(await password.signUp(t, ADMIN, "correct horse battery"));
  await t.mutation(components.auth.users.update, { userId: claimsOf(admin.token).userId!, patch: { emailVerificationTime: Date.now() } });
  const zed = claimsOf(tokensOf(await password.signUp(t, "zed@example.com", "correct horse battery")).token).userId!;
  const storage = memoryStorage();
  await storage.setItem("convexAuth:ns:tokens", JSON.stringify(admin));
  const transport = transportTo(t);
  const client = new AuthClient({ transport, storage, namespace: "ns" });
  const otherTab = new AuthClient({ transport, storage, namespace: "ns" });
  await client.fetchAccessToken({ forceRefreshToken: false });

  expect(await client.impersonate(zed)).toEqual({ status: "signedIn" });
  expect(transport.calls.at(-1)).toEqual({ provider: "impersonate", params: { userId: zed, refreshToken: admin.refreshToken } });
  const claims = readClaims(client.state.token) as { sub?: string; act?: unknown };
  expect(claims.sub?.split("|")[0]).toBe(zed);
  expect(claims.act).toEqual({ sub: claimsOf(admin.token).userId });
  // Stored for every tab.
  expect(JSON.parse((await storage.getItem("convexAuth:ns:tokens"))!).token).toBe(client.state.token);
  expect(await otherTab.fetchAccessToken({ forceRefreshToken: false })).toBe(client.state.token);

  const impersonation = JSON.parse((await storage.getItem("convexAuth:ns:tokens"))!) as { refreshToken: string };
  expect(await client.impersonate(null)).toEqual({ status: "signedIn" });
  expect(transport.calls.at(-1)).toEqual({ provider: "impersonate", params: { flow: "stop", refreshToken: impersonation.refreshToken } });
  expect(readClaims(client.state.token)?.sub).toBe(claimsOf(admin.token).sub);
  client.stop();
  otherTab.stop();
});

test("signed out, impersonate refuses before calling the server", async () => {
  const t = makeAuthTest();
  const transport = transportTo(t);
  const client = new AuthClient({ transport, storage: memoryStorage(), namespace: "ns" });
  await client.fetchAccessToken({ forceRefreshToken: false });
  await expectAuthError(client.impersonate("someone"), "NOT_SIGNED_IN");
  await expectAuthError(client.impersonate(null), "NOT_SIGNED_IN");
  expect(transport.calls).toEqual([]);
  client.stop();
});
