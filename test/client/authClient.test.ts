// @vitest-environment happy-dom
/**
 * The framework-free client: waiting out an outage with an expired token,
 * the cross-tab storage lock, and the protocol's multi-step results (OAuth
 * redirect, WebAuthn ceremony, TOTP), driven by a scripted transport because
 * the server's providers for those steps come in later issues.
 */
import { ConvexError } from "convex/values";
import { describe, expect, test, vi } from "vitest";
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

describe("never signed out by a wait (lost responses, offline tabs)", () => {
  /** A JWT with `iat` and `exp`, `lifetimeS` long, `leftS` seconds from expiring. */
  const jwtOf = (lifetimeS: number, leftS: number) => {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    return `${part({ alg: "none" })}.${part({ iat: now + leftS - lifetimeS, exp: now + leftS, sub: "u|s" })}.x`;
  };

  test("an offline tab waiting to retry does not hold the cross-tab lock", async () => {
    const storage = memoryStorage();
    const lock = crossTabLock(storage);
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: fakeJwt(1), refreshToken: "r0" }));
    const events: string[] = [];
    const fresh = jwtOf(900, 900);
    const offline: AuthTransport = {
      async signIn() {
        events.push("offline tab tried");
        throw new TypeError("Failed to fetch");
      },
      async signOut() {},
    };
    const online: AuthTransport = {
      async signIn() {
        events.push("online tab refreshed");
        return { tokens: { token: fresh, refreshToken: "r1" } };
      },
      async signOut() {},
    };
    const sleeper = new AuthClient({ transport: offline, storage, lock, namespace: "ns", retryMs: 400 });
    const awake = new AuthClient({ transport: online, storage, lock, namespace: "ns" });
    const waiting = sleeper.fetchAccessToken({ forceRefreshToken: false });
    await new Promise((r) => setTimeout(r, 50));
    // The other tab gets through while the offline one waits between its tries.
    expect(await awake.fetchAccessToken({ forceRefreshToken: true })).toBe(fresh);
    expect(events).toEqual(["offline tab tried", "online tab refreshed"]);
    // The offline tab then adopts the tokens the other tab stored, without another try.
    expect(await waiting).toBe(fresh);
    expect(events).toEqual(["offline tab tried", "online tab refreshed"]);
    expect(sleeper.state.status).toBe("signedIn");
  });

  test("refreshes ahead by a quarter of a short token's lifetime, so fresh tokens are adopted, not re-spent", async () => {
    const storage = memoryStorage();
    const [renewed, notDue, due] = [jwtOf(15, 15), jwtOf(15, 10), jwtOf(15, 3)];
    const transport = scripted([{ tokens: { token: renewed, refreshToken: "r2" } }]);
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: notDue, refreshToken: "r1" }));
    const client = new AuthClient({ transport, storage, namespace: "ns" });
    // 10 s left of 15: not due (a 60 s margin would have refreshed every time).
    expect(await client.fetchAccessToken({ forceRefreshToken: false })).toBe(notDue);
    expect(transport.calls).toHaveLength(0);
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: due, refreshToken: "r1" }));
    const other = new AuthClient({ transport, storage, namespace: "ns" });
    // 3 s left: due.
    expect(await other.fetchAccessToken({ forceRefreshToken: false })).toBe(renewed);
    expect(transport.calls).toEqual([{ refreshToken: "r1" }]);
  });
});

describe("refreshes the chaos test caught (slow responses, a lock that expired, coming back online)", () => {
  const jwtOf = (lifetimeS: number, leftS: number) => {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    return `${part({ alg: "none" })}.${part({ iat: now + leftS - lifetimeS, exp: now + leftS, sub: "u|s" })}.x`;
  };
  const deferred = <T,>() => {
    let resolve!: (value: T) => void;
    return { promise: new Promise<T>((r) => (resolve = r)), resolve };
  };

  test("a late answer never overwrites tokens another tab stored meanwhile (the lock had expired)", async () => {
    const storage = memoryStorage();
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: fakeJwt(1), refreshToken: "r0" }));
    const late = deferred<SignInResult>();
    const slow: AuthTransport = { signIn: () => late.promise, signOut: async () => {} };
    // No lock between the two, as when the storage lock's lifetime ran out mid-request.
    const unlocked = <T,>(_name: string, task: () => Promise<T>) => task();
    const y = new AuthClient({ transport: slow, storage, lock: unlocked, namespace: "ns", refreshTimeoutMs: 60_000 });
    const fresh = jwtOf(900, 900);
    const x = new AuthClient({
      transport: scripted([{ tokens: { token: fresh, refreshToken: "r2" } }]),
      storage,
      lock: unlocked,
      namespace: "ns",
    });
    const waiting = y.fetchAccessToken({ forceRefreshToken: false });
    await new Promise((r) => setTimeout(r, 10));
    expect(await x.fetchAccessToken({ forceRefreshToken: false })).toBe(fresh);
    // Y's answer (a successor the server has since voided) arrives after X stored its own.
    late.resolve({ tokens: { token: jwtOf(900, 900), refreshToken: "r1-void" } });
    expect(await waiting).toBe(fresh);
    expect(JSON.parse((await storage.getItem("convexAuth:ns:tokens"))!).refreshToken).toBe("r2");
    expect(y.state.token).toBe(fresh);
  });

  test("a refused answer after another tab refreshed does not sign out", async () => {
    const storage = memoryStorage();
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: fakeJwt(1), refreshToken: "r0" }));
    const late = deferred<SignInResult>();
    const unlocked = <T,>(_name: string, task: () => Promise<T>) => task();
    const y = new AuthClient({ transport: { signIn: () => late.promise, signOut: async () => {} }, storage, lock: unlocked, namespace: "ns" });
    const fresh = jwtOf(900, 900);
    const x = new AuthClient({ transport: scripted([{ tokens: { token: fresh, refreshToken: "r2" } }]), storage, lock: unlocked, namespace: "ns" });
    const waiting = y.fetchAccessToken({ forceRefreshToken: false });
    await new Promise((r) => setTimeout(r, 10));
    await x.fetchAccessToken({ forceRefreshToken: false });
    late.resolve({ tokens: null });
    expect(await waiting).toBe(fresh);
    expect(y.state.status).toBe("signedIn");
    expect(await storage.getItem("convexAuth:ns:tokens")).not.toBeNull();
  });

  test("a refresh that never answers gives up the lock after refreshTimeoutMs, so other tabs go on", async () => {
    const storage = memoryStorage();
    const lock = crossTabLock(storage);
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: fakeJwt(1), refreshToken: "r0" }));
    const hanging: AuthTransport = { signIn: () => new Promise(() => {}), signOut: async () => {} };
    const stuck = new AuthClient({ transport: hanging, storage, lock, namespace: "ns", refreshTimeoutMs: 50, retryMs: 10_000 });
    const fresh = jwtOf(900, 900);
    const other = new AuthClient({ transport: scripted([{ tokens: { token: fresh, refreshToken: "r1" } }]), storage, lock, namespace: "ns" });
    void stuck.fetchAccessToken({ forceRefreshToken: false });
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    expect(await other.fetchAccessToken({ forceRefreshToken: true })).toBe(fresh);
    // It waited for the stuck attempt's timeout, not forever.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stuck.state.status).not.toBe("signedOut");
    stuck.stop();
  });

  test("coming back online retries at once instead of sleeping out the backoff", async () => {
    const storage = memoryStorage();
    await storage.setItem("convexAuth:ns:tokens", JSON.stringify({ token: fakeJwt(1), refreshToken: "r0" }));
    const fresh = jwtOf(900, 900);
    const transport = scripted([new TypeError("Failed to fetch"), { tokens: { token: fresh, refreshToken: "r1" } }]);
    const client = new AuthClient({ transport, storage, namespace: "ns", retryMs: 60_000 });
    const waiting = client.fetchAccessToken({ forceRefreshToken: false });
    await new Promise((r) => setTimeout(r, 20));
    expect(transport.calls).toHaveLength(1);
    window.dispatchEvent(new Event("online"));
    const started = Date.now();
    expect(await waiting).toBe(fresh);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(transport.calls).toHaveLength(2);
    client.stop();
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

  test("a second factor, a TOTP set-up and a sent code are returned for the UI", async () => {
    const transport = scripted([
      { secondFactor: { methods: ["totp", "recoveryCode"] }, verifier: "v3" },
      { totpSetup: { uri: "otpauth://totp/x", secret: "S", totpId: "t1" }, verifier: "v4" },
      { started: true },
      { tokens: null },
    ]);
    const client = new AuthClient({ transport, namespace: "ns" });
    expect(await client.signIn("password", {})).toEqual({ status: "secondFactorRequired", methods: ["totp", "recoveryCode"] });
    expect(await client.signIn("totp", { flow: "setup" })).toEqual({
      status: "totpSetup",
      uri: "otpauth://totp/x",
      secret: "S",
      totpId: "t1",
    });
    expect(await client.signIn("password", { flow: "reset" })).toEqual({ status: "codeSent" });
    expect(await client.signIn("password", {})).toEqual({ status: "failed" });
    expect(client.state.status).toBe("signedOut");
  });
});

describe("the pending step (second factor, TOTP set-up): the client keeps its verifier", () => {
  const tokens = () => ({ tokens: { token: fakeJwt(Date.now() / 1000 + 3600), refreshToken: "r".repeat(43) } });
  const secondFactor = (verifier = "step-1"): SignInResult => ({
    secondFactor: { methods: ["totp", "passkey", "recoveryCode"] },
    verifier,
  });
  const stepKey = "convexAuth:ns:step";

  test("signIn(\"totp\", { code }) sends the kept verifier and signs in; the step is then forgotten", async () => {
    const storage = memoryStorage();
    const transport = scripted([secondFactor(), tokens()]);
    const client = new AuthClient({ transport, storage, namespace: "ns" });
    const seen: unknown[] = [];
    client.subscribe(() => seen.push(client.pendingStep()));
    expect(await client.signIn("password", { flow: "signIn" })).toEqual({
      status: "secondFactorRequired",
      methods: ["totp", "passkey", "recoveryCode"],
    });
    expect(client.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] });
    expect(seen).toContainEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] });
    // The app never sees the verifier.
    expect(JSON.stringify(client.pendingStep())).not.toContain("step-1");
    expect(await client.signIn("totp", { code: "123456" })).toEqual({ status: "signedIn" });
    expect(transport.calls[1]).toEqual({ provider: "totp", params: { code: "123456" }, verifier: "step-1" });
    expect(client.pendingStep()).toBeNull();
    expect(await storage.getItem(stepKey)).toBeNull();
    expect(client.state.status).toBe("signedIn");
  });

  test("the snapshot is stable while the step does not change (for useSyncExternalStore)", async () => {
    const client = new AuthClient({ transport: scripted([secondFactor()]), namespace: "ns" });
    await client.signIn("password", {});
    expect(client.pendingStep()).toBe(client.pendingStep());
  });

  test("a wrong code keeps the step, so the person can retype it", async () => {
    const transport = scripted([secondFactor(), new ConvexError({ code: "INVALID_CODE", message: "wrong" }), tokens()]);
    const client = new AuthClient({ transport, namespace: "ns" });
    await client.signIn("password", {});
    await expect(client.signIn("totp", { code: "000000" })).rejects.toThrow();
    expect(client.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] });
    expect(await client.signIn("totp", { code: "123456" })).toEqual({ status: "signedIn" });
    expect(transport.calls[2]!.verifier).toBe("step-1");
  });

  test("a reload (a new client on the same storage) and another tab see the pending step and finish it", async () => {
    const storage = memoryStorage();
    const first = new AuthClient({ transport: scripted([secondFactor()]), storage, namespace: "ns" });
    const otherTab = new AuthClient({ transport: scripted([]), storage, namespace: "ns" });
    await vi.waitFor(() => expect(otherTab.state.status).toBe("signedOut"));
    expect(otherTab.pendingStep()).toBeNull();
    await first.signIn("password", {});
    // The other tab hears the storage change.
    expect(otherTab.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] });
    first.stop();

    const transport = scripted([tokens()]);
    const reloaded = new AuthClient({ transport, storage, namespace: "ns" });
    await vi.waitFor(() => expect(reloaded.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] }));
    expect(await reloaded.signIn("totp", { recoveryCode: "aaaa-bbbb" })).toEqual({ status: "signedIn" });
    expect(transport.calls[0]).toEqual({ provider: "totp", params: { recoveryCode: "aaaa-bbbb" }, verifier: "step-1" });
    // Signed in: gone for the other tab too.
    expect(otherTab.pendingStep()).toBeNull();
  });

  test("a new step replaces the pending one", async () => {
    const transport = scripted([secondFactor("step-1"), secondFactor("step-2"), tokens()]);
    const client = new AuthClient({ transport, namespace: "ns" });
    await client.signIn("password", {});
    await client.signIn("password", {});
    // The second first-factor call carried the old step's verifier; the server ignores it.
    expect(transport.calls[1]!.verifier).toBe("step-1");
    await client.signIn("totp", { code: "123456" });
    expect(transport.calls[2]!.verifier).toBe("step-2");
  });

  test("cancelSignIn() forgets the step", async () => {
    const storage = memoryStorage();
    const transport = scripted([secondFactor(), { tokens: null }]);
    const client = new AuthClient({ transport, storage, namespace: "ns" });
    await client.signIn("password", {});
    await client.cancelSignIn();
    expect(client.pendingStep()).toBeNull();
    expect(await storage.getItem(stepKey)).toBeNull();
    await client.signIn("totp", { code: "123456" });
    expect(transport.calls[1]).toEqual({ provider: "totp", params: { code: "123456" } });
  });

  test("signOut() forgets the step", async () => {
    const storage = memoryStorage();
    const transport = scripted([tokens(), { totpSetup: { uri: "otpauth://totp/x", secret: "S", totpId: "t1" }, verifier: "setup-1" }]);
    const client = new AuthClient({ transport, storage, namespace: "ns" });
    await client.signIn("password", {});
    await client.signIn("totp", { flow: "setup" });
    expect(client.pendingStep()).toEqual({ kind: "totpSetup" });
    await client.signOut();
    expect(client.pendingStep()).toBeNull();
    expect(await storage.getItem(stepKey)).toBeNull();
  });

  test("an explicit verifier wins over the kept one", async () => {
    const transport = scripted([secondFactor(), tokens()]);
    const client = new AuthClient({ transport, namespace: "ns" });
    await client.signIn("password", {});
    expect(await client.signIn("totp", { code: "123456" }, "mine")).toEqual({ status: "signedIn" });
    expect(transport.calls[1]!.verifier).toBe("mine");
  });

  test("NOT_FOUND (the step expired) forgets it; NOT_FOUND on a call with another verifier does not", async () => {
    const expired = () => new ConvexError({ code: "NOT_FOUND", message: "This sign-in step has expired: sign in again" });
    const transport = scripted([secondFactor(), expired(), expired()]);
    const client = new AuthClient({ transport, namespace: "ns" });
    await client.signIn("password", {});
    await expect(client.signIn("totp", { code: "123456" }, "someone-else")).rejects.toThrow(ConvexError);
    expect(client.pendingStep()).not.toBeNull();
    await expect(client.signIn("totp", { code: "123456" })).rejects.toThrow(ConvexError);
    expect(client.pendingStep()).toBeNull();
  });

  test("a passkey second factor: the kept verifier starts the ceremony, its own finishes it", async () => {
    const transport = scripted([secondFactor(), { options: { challenge: "c" }, verifier: "ceremony-1" }, tokens()]);
    const client = new AuthClient({ transport, namespace: "ns", webauthn: async () => ({ id: "cred" }) });
    await client.signIn("password", {});
    expect(await client.signIn("passkey", { flow: "secondFactor" })).toEqual({ status: "signedIn" });
    expect(transport.calls[1]).toEqual({ provider: "passkey", params: { flow: "secondFactor" }, verifier: "step-1" });
    expect(transport.calls[2]).toEqual({ provider: "passkey", params: { response: { id: "cred" } }, verifier: "ceremony-1" });
    expect(client.pendingStep()).toBeNull();
  });

  test("totpSetup, then confirm without a verifier", async () => {
    const transport = scripted([
      tokens(),
      { totpSetup: { uri: "otpauth://totp/x", secret: "S", totpId: "t1" }, verifier: "setup-1" },
      tokens(),
    ]);
    const client = new AuthClient({ transport, namespace: "ns" });
    await client.signIn("password", {});
    const outcome = await client.signIn("totp", { flow: "setup" });
    expect(outcome).toEqual({ status: "totpSetup", uri: "otpauth://totp/x", secret: "S", totpId: "t1" });
    expect(client.pendingStep()).toEqual({ kind: "totpSetup" });
    expect(await client.signIn("totp", { flow: "confirm", code: "123456" })).toEqual({ status: "signedIn" });
    expect(transport.calls[2]).toEqual({ provider: "totp", params: { flow: "confirm", code: "123456" }, verifier: "setup-1" });
    expect(client.pendingStep()).toBeNull();
  });

  test("a redirect return that needs a second factor leaves the step pending", async () => {
    const storage = memoryStorage();
    const transport = scripted([
      { redirect: "https://github.com/login/oauth/authorize?x=1", verifier: "oauth-1" },
      secondFactor(),
      tokens(),
    ]);
    const client = new AuthClient({ transport, storage, namespace: "ns", navigate: () => undefined });
    await client.signIn("github");
    expect(await client.finishRedirect("the-code")).toEqual({
      status: "secondFactorRequired",
      methods: ["totp", "passkey", "recoveryCode"],
    });
    expect(transport.calls[1]).toEqual({ params: { code: "the-code" }, verifier: "oauth-1" });
    expect(client.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp", "passkey", "recoveryCode"] });
    expect(await client.signIn("totp", { code: "123456" })).toEqual({ status: "signedIn" });
    expect(transport.calls[2]!.verifier).toBe("step-1");
  });
});
