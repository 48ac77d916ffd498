/**
 * The browser side of a cookie session (`cookieSession`, convex-auth-kit/ssr/client)
 * driving the framework-free `AuthClient` through the real auth route and
 * the example app's functions on convex-test: sign-in, refresh and sign-out
 * through the route, tokens never in the steps' storage, a server-rendered
 * token used without a call, another tab following over BroadcastChannel,
 * and a session reported ended clearing the cookies.
 */
import { afterEach, describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { AuthClient } from "../../src/client/authClient.js";
import { sessionIdOf } from "../../src/client/jwt.js";
import type { Lock } from "../../src/client/lock.js";
import { cookieSession } from "../../src/client/ssr/cookieSession.js";
import { memoryStorage, type TokenStorage } from "../../src/client/storage.js";
import { handleAuthRequest } from "../../src/ssr/route.js";
import { as } from "../harness/auth.js";
import { APP, ConvexTestBackend, CookieJar } from "./backend.js";

/** One browser: its cookie jar, shared by its tabs, and the route calls its pages made. */
function browser(backend: ConvexTestBackend) {
  const jar = new CookieJar();
  const routeCalls: string[] = [];
  const fetchRoute = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set("origin", APP);
    if (jar.cookies.size > 0) headers.set("cookie", jar.header());
    routeCalls.push(JSON.parse(String(init?.body)).action);
    const response = await handleAuthRequest(new Request(new URL(String(input), APP), { ...init, headers }), { backend });
    jar.apply(response);
    return response;
  }) as typeof fetch;
  const clients: AuthClient[] = [];
  /** A tab of this browser; `steps` is what it keeps in localStorage. */
  const tab = (initialToken?: string | null, steps: TokenStorage = memoryStorage()) => {
    const session = cookieSession({ fetch: fetchRoute, initialToken, steps });
    const client = new AuthClient({ ...session, namespace: "app", lock: sameBrowserLock });
    clients.push(client);
    return { client, steps };
  };
  return { jar, routeCalls, tab, stop: () => clients.forEach((c) => c.stop()) };
}

/** Web Locks within one browser: one task at a time per name. */
const held = new Map<string, Promise<unknown>>();
const sameBrowserLock: Lock = async (name, task) => {
  const before = held.get(name) ?? Promise.resolve();
  const run = before.then(task, task);
  held.set(name, run.catch(() => undefined));
  return await run;
};

const signUp = { flow: "signUp", email: "ada@example.com", password: "correct horse battery staple" };
/** Waits until `check` passes (BroadcastChannel delivers asynchronously). */
async function eventually(check: () => void | Promise<void>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

let stops: (() => void)[] = [];
afterEach(() => {
  stops.forEach((stop) => stop());
  stops = [];
});

describe("an AuthClient on a cookie session", () => {
  test("signs in through the route: signed in, the refresh token only in the cookie, nothing of the tokens in the steps' storage", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const { client, steps } = b.tab(null);
    expect(await client.signIn("password", signUp)).toEqual({ status: "signedIn" });
    expect(client.state.status).toBe("signedIn");
    const token = await client.fetchAccessToken({ forceRefreshToken: false });
    expect(token).toBe(b.jar.cookies.get("__Host-convexAuth.token"));
    expect((await as(backend.t, token!).query(api.users.viewer, {}))?.email).toBe("ada@example.com");
    const refresh = b.jar.cookies.get("__Host-convexAuth.refresh")!;
    for (const key of ["convexAuth:app:tokens", "convexAuth:app:step", "convexAuth:app:verifier"]) {
      expect(await steps.getItem(key)).toBeFalsy();
    }
    expect(b.routeCalls).toEqual(["signIn"]);
    expect(refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("a token Convex refuses is refreshed through the route; the refresh cookie rotates", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const { client } = b.tab(null);
    await client.signIn("password", signUp);
    const before = b.jar.cookies.get("__Host-convexAuth.refresh");
    const first = client.state.token;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new `iat`, so a new token
    const token = await client.fetchAccessToken({ forceRefreshToken: true });
    expect(token).not.toBe(first);
    expect(b.jar.cookies.get("__Host-convexAuth.refresh")).not.toBe(before);
    expect(b.routeCalls).toEqual(["signIn", "refresh"]);
  });

  test("a page rendered with the server's token starts signed in without asking the route; one without asks once", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    await b.tab(null).client.signIn("password", signUp);
    const token = b.jar.cookies.get("__Host-convexAuth.token")!;
    b.routeCalls.length = 0;
    const rendered = b.tab(token).client;
    expect(await rendered.fetchAccessToken({ forceRefreshToken: false })).toBe(token);
    expect(b.routeCalls).toEqual([]);
    const plain = b.tab(undefined).client;
    expect(await plain.fetchAccessToken({ forceRefreshToken: false })).toBe(token);
    expect(b.routeCalls).toEqual(["session"]);
  });

  test("another tab follows a sign-in and a sign-out; sign-out clears both cookies and ends the session", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const one = b.tab(null).client;
    const two = b.tab(null).client;
    await one.signIn("password", signUp);
    const token = one.state.token!;
    await eventually(() => expect(two.state).toEqual({ status: "signedIn", token }));
    await one.signOut();
    expect(b.jar.cookies.size).toBe(0);
    await eventually(() => expect(two.state.status).toBe("signedOut"));
    expect(await as(backend.t, token).query(api.auth.sessionState, {})).toMatchObject({ live: false });
    expect(b.routeCalls).toEqual(["signIn", "signOut"]);
  });

  test("a session the server reports ended clears the cookies (forget), and a report about an older one does not", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const { client } = b.tab(null);
    await client.signIn("password", signUp);
    const sessionId = sessionIdOf(client.state.token)!;
    expect(await client.sessionEnded("an-older-session")).toBe(false);
    expect(b.jar.cookies.size).toBe(2);
    // Revoked from another device:
    await as(backend.t, client.state.token!).mutation(api.sessions.revoke, { sessionId });
    expect(await client.sessionEnded(sessionId)).toBe(true);
    expect(client.state.status).toBe("signedOut");
    expect(b.jar.cookies.size).toBe(0);
    expect(b.routeCalls).toEqual(["signIn", "forget"]);
  });

  test("a dead refresh cookie signs the page out without a second call", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const { client } = b.tab(null);
    await client.signIn("password", signUp);
    await as(backend.t, client.state.token!).mutation(api.sessions.revoke, { sessionId: sessionIdOf(client.state.token)! });
    expect(await client.fetchAccessToken({ forceRefreshToken: true })).toBeNull();
    expect(client.state.status).toBe("signedOut");
    expect(b.jar.cookies.size).toBe(0);
    expect(b.routeCalls).toEqual(["signIn", "refresh"]);
  });

  test("a server error reaches the page as a ConvexError with its code", async () => {
    const backend = new ConvexTestBackend();
    const b = browser(backend);
    stops.push(b.stop);
    const { client } = b.tab(null);
    await client.signIn("password", signUp);
    await client.signOut();
    await expect(client.signIn("password", signUp)).rejects.toMatchObject({ data: { code: "ACCOUNT_EXISTS" } });
  });
});
