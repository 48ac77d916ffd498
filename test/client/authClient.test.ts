// @vitest-environment happy-dom
/**
 * The framework-free client: waiting out an outage with an expired token,
 * the cross-tab storage lock, and the protocol's multi-step results (OAuth
 * redirect, WebAuthn ceremony, TOTP), driven by a scripted transport because
 * the server's providers for those steps come in later issues.
 */
import { describe, expect, test } from "vitest";
import { AuthClient } from "../../src/client/authClient.js";
import { crossTabLock } from "../../src/client/lock.js";
import type { AuthTransport, SignInArgs, SignInResult } from "../../src/client/protocol.js";
import { memoryStorage } from "../../src/client/storage.js";
import { api } from "../../example/convex/_generated/api.js";
import { makeAuthTest, password, tokensOf } from "../harness/auth.js";

/** A JWT-shaped token expiring at `exp` (seconds); the client only reads `exp`. */
function fakeJwt(exp: number, sub = "u|s") {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "none" })}.${part({ exp, sub })}.x`;
}

function scripted(results: (SignInResult | Error)[]): AuthTransport & { calls: SignInArgs[] } {
  const calls: SignInArgs[] = [];
  return {
    calls,
    async signIn(args) {
      calls.push(args);
      const next = results.shift();
      if (next === undefined) throw new Error("no scripted result left");
      if (next instanceof Error) throw next;
      return next;
    },
    async signOut() {},
  };
}

describe("refresh with an expired token while offline", () => {
  test("waits, retrying with backoff, and never signs out", async () => {
    const t = makeAuthTest();
    const tokens = tokensOf(await password.signUp(t, "ada@example.com", "correct horse battery"));
    const storage = memoryStorage();
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ ...tokens, token: fakeJwt(1) }));
    let failures = 3;
    const transport: AuthTransport = {
      async signIn(args) {
        if (failures-- > 0) throw new TypeError("Failed to fetch");
        return await t.action(api.auth.signIn, args);
      },
      async signOut() {},
    };
    const client = new AuthClient({ transport, storage, namespace: "ns", retryMs: 5 });
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.state.status));
    const token = await client.fetchAccessToken({ forceRefreshToken: false });
    expect(token).toMatch(/^ey/);
    expect(client.state.status).toBe("signedIn");
    expect(statuses).not.toContain("signedOut");
  });
});

describe("the storage lock (no Web Locks)", () => {
  test("runs one task at a time across clients sharing a storage", async () => {
    const storage = memoryStorage();
    const a = crossTabLock(storage);
    const b = crossTabLock(storage);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running -= 1;
    };
    await Promise.all([a("x", task), b("x", task), a("x", task), b("x", task)]);
    expect(most).toBe(1);
    expect(await storage.getItem("x:lock")).toBeNull();
  });
});

describe("multi-step sign-in", () => {
  test("OAuth: navigates, keeps the verifier, finishes with the code", async () => {
    const storage = memoryStorage();
    const navigated: string[] = [];
    const transport = scripted([
      { redirect: "https://github.com/login/oauth/authorize?x=1", verifier: "v1" },
      { tokens: { token: fakeJwt(Date.now() / 1000 + 3600), refreshToken: "r".repeat(43) } },
    ]);
    const client = new AuthClient({ transport, storage, namespace: "ns", navigate: (url) => navigated.push(url) });
    expect(await client.signIn("github")).toEqual({ status: "redirecting" });
    expect(navigated).toEqual(["https://github.com/login/oauth/authorize?x=1"]);
    expect(await client.finishRedirect("the-code")).toEqual({ status: "signedIn" });
    expect(transport.calls[1]).toEqual({ params: { code: "the-code" }, verifier: "v1" });
    expect(await storage.getItem("convexAuth:ns:verifier")).toBeNull();
  });

  test("OAuth by default: leaves with a form POST from this page (the server refuses a GET start)", async () => {
    const submitted: Array<{ method: string; action: string }> = [];
    const original = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
      submitted.push({ method: this.method.toUpperCase(), action: this.action });
    };
    try {
      const transport = scripted([
        { redirect: "https://deployment.convex.site/api/auth/signin/github?state=s1", verifier: "v1" },
      ]);
      const client = new AuthClient({ transport, storage: memoryStorage(), namespace: "ns" });
      expect(await client.signIn("github")).toEqual({ status: "redirecting" });
      expect(submitted).toEqual([{ method: "POST", action: "https://deployment.convex.site/api/auth/signin/github?state=s1" }]);
    } finally {
      HTMLFormElement.prototype.submit = original;
    }
  });

  test("WebAuthn: runs the ceremony and sends its response with the verifier", async () => {
    const ceremonies: unknown[] = [];
    const transport = scripted([
      { options: { challenge: "c" }, verifier: "v2" },
      { tokens: { token: fakeJwt(Date.now() / 1000 + 3600), refreshToken: "r".repeat(43) } },
    ]);
    const client = new AuthClient({
      transport,
      namespace: "ns",
      webauthn: async (options) => {
        ceremonies.push(options);
        return { id: "cred" };
      },
    });
    expect(await client.signIn("passkey", { flow: "signIn" })).toEqual({ status: "signedIn" });
    expect(ceremonies).toEqual([{ challenge: "c" }]);
    expect(transport.calls[1]).toEqual({ provider: "passkey", params: { response: { id: "cred" } }, verifier: "v2" });
  });

  test("TOTP required, TOTP setup and a sent code are returned for the UI", async () => {
    const transport = scripted([
      { totpRequired: true, verifier: "v3" },
      { totpSetup: { uri: "otpauth://totp/x", secret: "S", totpId: "t1" }, verifier: "v4" },
      { started: true },
      { tokens: null },
    ]);
    const client = new AuthClient({ transport, namespace: "ns" });
    expect(await client.signIn("password", {})).toEqual({ status: "totpRequired", verifier: "v3" });
    expect(await client.signIn("totp", { flow: "setup" })).toEqual({
      status: "totpSetup",
      uri: "otpauth://totp/x",
      secret: "S",
      totpId: "t1",
      verifier: "v4",
    });
    expect(await client.signIn("password", { flow: "reset" })).toEqual({ status: "codeSent" });
    expect(await client.signIn("password", {})).toEqual({ status: "failed" });
    expect(client.state.status).toBe("signedOut");
  });
});
