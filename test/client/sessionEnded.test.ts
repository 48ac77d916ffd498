/**
 * `AuthClient.sessionEnded`: the server reports a session ended (the React
 * provider watches `sessionState`); the client signs out only if it is the
 * session of its current tokens, here and in other tabs, without calling the
 * server's `signOut`.
 */
import { describe, expect, test } from "vitest";
import { AuthClient } from "../../src/client/authClient.js";
import type { AuthTransport, SignInArgs, SignInResult, Tokens } from "../../src/client/protocol.js";
import { memoryStorage, type TokenStorage } from "../../src/client/storage.js";

const KEY = "convexAuth:ns:tokens";
const hour = () => Math.floor(Date.now() / 1000) + 3600;

/** A JWT-shaped token of `sessionId`; the client reads only `exp` and `sub`. */
function fakeJwt(sessionId: string, exp = hour()) {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "none" })}.${part({ exp, sub: `user1|${sessionId}`, n: Math.random() })}.x`;
}
const tokensFor = (sessionId: string, exp?: number): Tokens => ({ token: fakeJwt(sessionId, exp), refreshToken: `r-${sessionId}-${Math.random()}` });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Answers each `signIn` with the next result (or the promise the test resolves); counts `signOut`s. */
function scripted(results: (SignInResult | Promise<SignInResult>)[] = []) {
  const calls: SignInArgs[] = [];
  const transport: AuthTransport & { calls: SignInArgs[]; signOuts: number } = {
    calls,
    signOuts: 0,
    async signIn(args) {
      calls.push(args);
      const next = results.shift();
      if (next === undefined) throw new Error("no scripted result left");
      return await next;
    },
    async signOut() {
      transport.signOuts += 1;
    },
  };
  return transport;
}

async function signedInClient(sessionId = "s1", storage: TokenStorage = memoryStorage(), transport = scripted()) {
  await storage.setItem(KEY, JSON.stringify(tokensFor(sessionId)));
  const client = new AuthClient({ transport, storage, namespace: "ns" });
  await client.fetchAccessToken({ forceRefreshToken: false });
  expect(client.state.status).toBe("signedIn");
  return { client, storage, transport };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
/** Lets the cross-tab storage lock (short timers) be taken. */
const locked = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("sessionEnded", () => {
  test("for the current session: signs out, clears storage, notifies, and does not call signOut", async () => {
    const { client, storage, transport } = await signedInClient("s1");
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.state.status));
    expect(await client.sessionEnded("s1")).toBe(true);
    expect(client.state).toEqual({ status: "signedOut", token: null });
    expect(statuses).toEqual(["signedOut"]);
    expect(await storage.getItem(KEY)).toBeNull();
    expect(await client.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
    expect(transport.signOuts).toBe(0);
    expect(transport.calls).toEqual([]);
  });

  test("for another session: does nothing", async () => {
    const { client, storage } = await signedInClient("s1");
    const before = await storage.getItem(KEY);
    let notified = 0;
    client.subscribe(() => (notified += 1));
    expect(await client.sessionEnded("s0")).toBe(false);
    expect(await client.sessionEnded("")).toBe(false);
    expect(client.state.status).toBe("signedIn");
    expect(await storage.getItem(KEY)).toBe(before);
    expect(notified).toBe(0);
  });

  test("while signed out: does nothing", async () => {
    const client = new AuthClient({ transport: scripted(), namespace: "ns" });
    expect(await client.sessionEnded("s1")).toBe(false);
    expect(client.state.status).toBe("signedOut");
  });

  test("signs out the other tabs too, through storage", async () => {
    const { client: tabA, storage } = await signedInClient("s1");
    const tabB = new AuthClient({ transport: scripted(), storage, namespace: "ns" });
    await tabB.fetchAccessToken({ forceRefreshToken: false });
    expect(tabB.state.status).toBe("signedIn");
    expect(await tabA.sessionEnded("s1")).toBe(true);
    await flush();
    expect(tabB.state.status).toBe("signedOut");
    expect(await tabB.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
  });

  test("a stale report about the session before a new sign-in is ignored", async () => {
    const transport = scripted([{ tokens: tokensFor("s2") }]);
    const { client } = await signedInClient("s1", memoryStorage(), transport);
    expect(await client.signIn("password", { flow: "signIn" })).toEqual({ status: "signedIn" });
    expect(await client.sessionEnded("s1")).toBe(false);
    expect(client.state.status).toBe("signedIn");
    // The new session's own report still works.
    expect(await client.sessionEnded("s2")).toBe(true);
    expect(client.state.status).toBe("signedOut");
  });

  test("a session another tab replaced in storage (not loaded here yet) is not signed out", async () => {
    // No change events: this tab has not heard of the other tab's sign-in.
    const inner = memoryStorage();
    const storage: TokenStorage = { getItem: inner.getItem, setItem: inner.setItem, removeItem: inner.removeItem };
    const { client } = await signedInClient("s1", storage);
    const newer = tokensFor("s2");
    await storage.setItem(KEY, JSON.stringify(newer));
    expect(await client.sessionEnded("s1")).toBe(false);
    expect(await storage.getItem(KEY)).toBe(JSON.stringify(newer));
    // It adopts what it found.
    expect(client.state).toEqual({ status: "signedIn", token: newer.token });
  });

  test("a report arriving while a new sign-in is being written is checked against the new tokens", async () => {
    const inner = memoryStorage();
    let gate: ReturnType<typeof deferred<void>> | null = null;
    const storage: TokenStorage = {
      getItem: (key) => inner.getItem(key),
      async setItem(key, value) {
        if (key === KEY) await gate?.promise;
        await inner.setItem(key, value);
      },
      removeItem: (key) => inner.removeItem(key),
      subscribe: (listener) => inner.subscribe!(listener),
    };
    const newer = tokensFor("s2");
    const transport = scripted([{ tokens: newer }]);
    const { client } = await signedInClient("s1", storage, transport);
    gate = deferred<void>();
    const signingIn = client.signIn("password", { flow: "signIn" });
    await flush(); // the new tokens are on their way to storage
    const reported = client.sessionEnded("s1");
    await flush();
    gate.resolve();
    expect(await signingIn).toEqual({ status: "signedIn" });
    expect(await reported).toBe(false);
    expect(client.state).toEqual({ status: "signedIn", token: newer.token });
    expect(await storage.getItem(KEY)).toBe(JSON.stringify(newer));
  });

  test("tokens of the ended session that an in-flight refresh brings back are dropped", async () => {
    const refreshed = deferred<SignInResult>();
    const transport = scripted([refreshed.promise]);
    const { client, storage } = await signedInClient("s1", memoryStorage(), transport);
    const fetching = client.fetchAccessToken({ forceRefreshToken: true });
    await locked();
    expect(transport.calls).toHaveLength(1);
    expect(await client.sessionEnded("s1")).toBe(true);
    refreshed.resolve({ tokens: tokensFor("s1") }); // refreshed just before the revocation
    expect(await fetching).toBeNull();
    expect(client.state.status).toBe("signedOut");
    expect(await storage.getItem(KEY)).toBeNull();
  });

  test("a refresh of the same session being written does not hide the report", async () => {
    const inner = memoryStorage();
    let gate: ReturnType<typeof deferred<void>> | null = null;
    const storage: TokenStorage = {
      getItem: (key) => inner.getItem(key),
      async setItem(key, value) {
        if (key === KEY) await gate?.promise;
        await inner.setItem(key, value);
      },
      removeItem: (key) => inner.removeItem(key),
      subscribe: (listener) => inner.subscribe!(listener),
    };
    const transport = scripted([{ tokens: tokensFor("s1") }]);
    const { client } = await signedInClient("s1", storage, transport);
    gate = deferred<void>();
    const fetching = client.fetchAccessToken({ forceRefreshToken: true });
    await locked();
    const reported = client.sessionEnded("s1");
    await flush();
    gate.resolve();
    expect(await reported).toBe(true);
    await fetching;
    expect(client.state.status).toBe("signedOut");
    expect(await storage.getItem(KEY)).toBeNull();
  });

  test("a sign-in in flight that replaces the session (TOTP confirm) lands first: the report about the old one never signs out", async () => {
    // The server ends s1 as it issues s2; its "s1 ended" reaches the watch before the response does.
    const response = deferred<SignInResult>();
    const transport = scripted([response.promise]);
    const inner = memoryStorage();
    const removals: string[] = [];
    const storage: TokenStorage = {
      getItem: (key) => inner.getItem(key),
      setItem: (key, value) => inner.setItem(key, value),
      async removeItem(key) {
        removals.push(key);
        await inner.removeItem(key);
      },
      subscribe: (listener) => inner.subscribe!(listener),
    };
    const { client } = await signedInClient("s1", storage, transport);
    const statuses: string[] = [];
    client.subscribe(() => statuses.push(client.state.status));
    const confirming = client.signIn("totp", { flow: "confirm", code: "123456" });
    await locked();
    expect(transport.calls.length).toBe(1);
    const reported = client.sessionEnded("s1");
    await flush();
    const s2 = tokensFor("s2");
    response.resolve({ tokens: s2 });
    expect(await confirming).toEqual({ status: "signedIn" });
    expect(await reported).toBe(false);
    expect(client.state).toEqual({ status: "signedIn", token: s2.token });
    expect(JSON.parse((await storage.getItem(KEY))!)).toEqual(s2);
    // Never signed out, not even for a moment, here or in storage (other tabs follow it).
    expect(statuses).not.toContain("signedOut");
    expect(removals).not.toContain(KEY);
  });

  test("a sign-in in flight that fails does not save a revoked session: the report still signs out", async () => {
    const response = deferred<SignInResult>();
    const transport = scripted([response.promise]);
    const { client, storage } = await signedInClient("s1", memoryStorage(), transport);
    const confirming = client.signIn("totp", { flow: "confirm", code: "123456" });
    await locked();
    const reported = client.sessionEnded("s1");
    await flush();
    response.resolve({ tokens: null });
    expect(await confirming).toEqual({ status: "failed" });
    expect(await reported).toBe(true);
    expect(client.state.status).toBe("signedOut");
    expect(await storage.getItem(KEY)).toBeNull();
  });
});
