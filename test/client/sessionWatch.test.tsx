// @vitest-environment happy-dom
/**
 * Revocation reaches live clients: while signed in, the provider watches the
 * app's `sessionState` query and signs out on `{ live: false }` for its own
 * session, with no polling. The Convex stand-in (harness.tsx) lets the test
 * push the query's results; sign-in is scripted, each one a new session.
 */
import { act, cleanup, render, within } from "@testing-library/react";
import type { ConvexReactClient } from "convex/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { useEffect } from "react";
import type { AuthTransport, SignInArgs } from "../../src/client/protocol.js";
import { memoryStorage, type TokenStorage } from "../../src/client/storage.js";
import { ConvexAuthProvider, useAuthActions, type ConvexAuthProviderProps } from "../../src/client/react/index.js";
import { FakeConvexClient, Status, settle } from "./harness.js";

const QUERY = "auth:sessionState";
const KEY = "convexAuth:https://test-deployment.convex.cloud:tokens";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A JWT-shaped access token of `sessionId`; the client reads only `exp` and `sub`. */
function fakeJwt(sessionId: string) {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "none" })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, sub: `user1|${sessionId}` })}.x`;
}

/** The server, scripted: every sign-in starts session s1, s2, …; records every call. */
class ScriptedServer implements AuthTransport {
  calls: SignInArgs[] = [];
  signOuts = 0;
  private sessions = 0;
  session = "";
  async signIn(args: SignInArgs) {
    this.calls.push(args);
    this.session = `s${++this.sessions}`;
    return { tokens: { token: fakeJwt(this.session), refreshToken: `r${this.sessions}` } };
  }
  async signOut() {
    this.signOuts += 1;
  }
}

type Actions = ReturnType<typeof useAuthActions>;
function Controls({ onReady }: { onReady: (actions: Actions) => void }) {
  const actions = useAuthActions();
  useEffect(() => {
    onReady(actions);
  }, [actions, onReady]);
  return null;
}

function mount(options: { server: ScriptedServer; storage: TokenStorage; convex?: FakeConvexClient; props?: Partial<ConvexAuthProviderProps> }) {
  const convex = options.convex ?? new FakeConvexClient();
  let actions!: Actions;
  const view = render(
    <ConvexAuthProvider
      client={convex as unknown as ConvexReactClient}
      storage={options.storage}
      transport={options.server}
      shouldHandleCode={false}
      {...options.props}
    >
      <Controls onReady={(a) => (actions = a)} />
      <Status />
    </ConvexAuthProvider>,
  );
  return { convex, view, actions: () => actions };
}

function shown(tab: { view: { container: HTMLElement } }) {
  const view = within(tab.view.container);
  return view.queryByText("signed in") ? "signed in" : view.queryByText("signed out") ? "signed out" : "loading";
}

/** Runs what a push sets off: promises only, no timers. */
async function pushed(run: () => void) {
  await act(async () => {
    run();
    for (let i = 0; i < 50; i++) await Promise.resolve();
  });
}

async function signedIn(options: { convex?: FakeConvexClient; props?: Partial<ConvexAuthProviderProps> } = {}) {
  const server = new ScriptedServer();
  const storage = memoryStorage();
  const tab = mount({ server, storage, ...options });
  await settle();
  await act(async () => {
    await tab.actions().signIn("password", { flow: "signIn" });
  });
  await settle();
  expect(shown(tab)).toBe("signed in");
  return { server, storage, tab };
}

describe("watchSession", () => {
  test("a revoked session signs out on the push, with no timer and no signOut call", async () => {
    const { server, storage, tab } = await signedIn();
    expect(tab.convex.subscribers(QUERY)).toBe(1);
    const calls = server.calls.length;
    vi.useFakeTimers();
    await pushed(() => tab.convex.push(QUERY, { sessionId: server.session, live: false }));
    expect(shown(tab)).toBe("signed out");
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
    expect(await storage.getItem(KEY)).toBeNull();
    expect(server.calls.length).toBe(calls);
    expect(server.signOuts).toBe(0);
    // Signed out: the subscription is closed.
    expect(tab.convex.subscribers(QUERY)).toBe(0);
  });

  test("live: true, null, and live: false for another session keep the user signed in", async () => {
    const { server, storage, tab } = await signedIn();
    const before = await storage.getItem(KEY);
    await pushed(() => tab.convex.push(QUERY, { sessionId: server.session, live: true }));
    await pushed(() => tab.convex.push(QUERY, null));
    await pushed(() => tab.convex.push(QUERY, { sessionId: "someOtherSession", live: false }));
    await settle();
    expect(shown(tab)).toBe("signed in");
    expect(await storage.getItem(KEY)).toBe(before);
  });

  test("a late push about the session before a re-sign-in keeps the new one signed in", async () => {
    const { server, tab } = await signedIn();
    const old = server.session;
    await act(async () => {
      await tab.actions().signOut();
    });
    await settle();
    expect(tab.convex.subscribers(QUERY)).toBe(0);
    await act(async () => {
      await tab.actions().signIn("password", { flow: "signIn" });
    });
    await settle();
    expect(tab.convex.subscribers(QUERY)).toBe(1);
    expect(server.session).not.toBe(old);
    await pushed(() => tab.convex.push(QUERY, { sessionId: old, live: false }));
    await settle();
    expect(shown(tab)).toBe("signed in");
    await pushed(() => tab.convex.push(QUERY, { sessionId: server.session, live: false }));
    expect(shown(tab)).toBe("signed out");
  });

  test("a push about the old session arriving after a sign-in that replaced it (no sign-out between) is ignored", async () => {
    const { server, tab } = await signedIn();
    const old = server.session;
    // Signing in again while signed in: the subscription stays, the session changes.
    await act(async () => {
      await tab.actions().signIn("password", { flow: "signIn" });
    });
    await settle();
    expect(server.session).not.toBe(old);
    await pushed(() => tab.convex.push(QUERY, { sessionId: old, live: false }));
    await settle();
    expect(shown(tab)).toBe("signed in");
  });

  test("the other tabs sign out too", async () => {
    const { server, storage, tab } = await signedIn();
    const tabB = mount({ server, storage });
    await settle();
    expect(shown(tabB)).toBe("signed in");
    await pushed(() => tab.convex.push(QUERY, { sessionId: server.session, live: false }));
    expect(shown(tab)).toBe("signed out");
    expect(shown(tabB)).toBe("signed out");
    expect(server.signOuts).toBe(0);
  });

  test("a missing sessionState query warns once and keeps the user signed in", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const missing = new Error("[CONVEX Q(auth:sessionState)] Server Error Could not find public function for 'auth:sessionState'");
    const convex = new FakeConvexClient();
    convex.fail(QUERY, missing); // already failing when the provider subscribes
    const { tab } = await signedIn({ convex });
    tab.convex.fail(QUERY, missing);
    tab.convex.fail(QUERY, missing);
    await settle();
    expect(shown(tab)).toBe("signed in");
    // Signing out and in again subscribes again: still one warning.
    await act(async () => {
      await tab.actions().signOut();
    });
    await act(async () => {
      await tab.actions().signIn("password", { flow: "signIn" });
    });
    await settle();
    expect(shown(tab)).toBe("signed in");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("export const { signIn, signOut, sessionState } = auth;");
    expect(String(warn.mock.calls[0][0])).toContain("convex/auth.ts");
  });

  test("api.sessionState names the query", async () => {
    const { server, tab } = await signedIn({ props: { api: { sessionState: "myAuth:session" } } });
    expect(tab.convex.subscribers(QUERY)).toBe(0);
    expect(tab.convex.subscribers("myAuth:session")).toBe(1);
    await pushed(() => tab.convex.push("myAuth:session", { sessionId: server.session, live: false }));
    expect(shown(tab)).toBe("signed out");
  });

  test("watchSession={false} does not subscribe", async () => {
    const { server, tab } = await signedIn({ props: { watchSession: false } });
    expect(tab.convex.subscribers(QUERY)).toBe(0);
    await pushed(() => tab.convex.push(QUERY, { sessionId: server.session, live: false }));
    await settle();
    expect(shown(tab)).toBe("signed in");
  });

  test("a result already loaded when the provider subscribes counts", async () => {
    const server = new ScriptedServer();
    const storage = memoryStorage();
    await storage.setItem(KEY, JSON.stringify({ token: fakeJwt("s9"), refreshToken: "r9" }));
    const convex = new FakeConvexClient();
    convex.push(QUERY, { sessionId: "s9", live: false });
    const tab = mount({ server, storage, convex });
    await settle();
    expect(shown(tab)).toBe("signed out");
  });

  test("unmounting closes the subscription", async () => {
    const { tab } = await signedIn();
    expect(tab.convex.subscribers(QUERY)).toBe(1);
    tab.view.unmount();
    expect(tab.convex.subscribers(QUERY)).toBe(0);
  });
});
