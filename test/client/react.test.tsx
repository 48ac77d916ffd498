// @vitest-environment happy-dom
/**
 * The React client against the real server code (convex-test), with only the
 * network and Convex's WebSocket client stood in for (see harness.tsx).
 */
import { act, cleanup, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import { useConvexAuth } from "convex/react";
import { useEffect, useState } from "react";
import { api } from "../../example/convex/_generated/api.js";
import type { SignInOutcome } from "../../src/client/protocol.js";
import { memoryStorage } from "../../src/client/storage.js";
import * as OTPAuth from "otpauth";
import { authErrorCode, useAuthActions, useAuthToken, usePendingStep } from "../../src/client/react/index.js";
import { as, claimsOf, probe } from "../harness/auth.js";
import { Status, TestNetwork, makeAuthTest, mountTab, settle } from "./harness.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

afterEach(() => cleanup());

type Actions = ReturnType<typeof useAuthActions>;
/** Exposes the hooks' actions to the test. */
function Controls({ onReady }: { onReady: (actions: Actions) => void }) {
  const actions = useAuthActions();
  useEffect(() => {
    onReady(actions);
  }, [actions, onReady]);
  return null;
}

/** Waits until the tab shows `text` (state changes arrive asynchronously). */
async function shows(tab: { view: { container: HTMLElement } }, text: string) {
  expect(await within(tab.view.container).findByText(text, {}, { timeout: 3000 })).toBeTruthy();
}

function stateOf(container: HTMLElement) {
  return JSON.parse(container.querySelector("[data-testid=state]")!.textContent!) as {
    isAuthenticated: boolean;
    isLoading: boolean;
    hasToken: boolean;
  };
}

async function signedUpTab(networkOptions: { viaSignIn?: boolean } = {}) {
  const t = makeAuthTest();
  const network = new TestNetwork(t, networkOptions);
  const storage = memoryStorage();
  let actions!: Actions;
  const tab = mountTab({
    t,
    network,
    storage,
    children: (
      <>
        <Controls onReady={(a) => (actions = a)} />
        <Status />
      </>
    ),
  });
  await settle();
  const outcome = await actions.signIn("password", { flow: "signUp", email: EMAIL, password: PW });
  await settle();
  return { t, network, storage, tab, actions, outcome };
}

describe("ConvexAuthProvider", () => {
  test("sign-up renders the signed-in state, with a token Convex accepts", async () => {
    const { tab, outcome } = await signedUpTab();
    expect(outcome).toEqual({ status: "signedIn" });
    await shows(tab, "signed in");
    expect(stateOf(tab.view.container)).toEqual({ isAuthenticated: true, isLoading: false, hasToken: true });
  });

  test("a signed-in page shows the user, read with the provider's token", async () => {
    const t = makeAuthTest();
    const network = new TestNetwork(t);
    let actions!: Actions;
    function Viewer() {
      const token = useAuthToken();
      const [email, setEmail] = useState<string | null>(null);
      useEffect(() => {
        if (token) void as(t, token).query(api.users.viewer, {}).then((user) => setEmail(user?.email ?? null));
      }, [token]);
      return <p data-testid="viewer">{email ?? "nobody"}</p>;
    }
    const tab = mountTab({
      t,
      network,
      storage: memoryStorage(),
      children: (
        <>
          <Controls onReady={(a) => (actions = a)} />
          <Viewer />
        </>
      ),
    });
    await settle();
    expect(within(tab.view.container).getByTestId("viewer").textContent).toBe("nobody");
    await actions.signIn("password", { flow: "signUp", email: EMAIL, password: PW, name: "Ada" });
    await waitFor(() => expect(within(tab.view.container).getByTestId("viewer").textContent).toBe(EMAIL));
  });

  test("starts signed out, and wrong credentials keep it so", async () => {
    const t = makeAuthTest();
    let actions!: Actions;
    const tab = mountTab({ t, network: new TestNetwork(t), storage: memoryStorage(), children: <><Controls onReady={(a) => (actions = a)} /><Status /></> });
    await settle();
    await shows(tab, "signed out");
    await expect(actions.signIn("password", { flow: "signIn", email: EMAIL, password: PW })).rejects.toThrow();
    await settle();
    await shows(tab, "signed out");
  });

  test("a reload restores the session from storage without signing in again", async () => {
    const { t, network, storage, tab } = await signedUpTab();
    tab.view.unmount();
    const callsBefore = network.calls.length;
    const reloaded = mountTab({ t, network, storage });
    await settle();
    await shows(reloaded, "signed in");
    expect(network.calls.length).toBe(callsBefore);
  });

  test("two tabs refreshing at once make one refresh call and both stay signed in", async () => {
    const { t, network, storage, tab: tabA } = await signedUpTab();
    const tabB = mountTab({ t, network, storage });
    await settle();
    await shows(tabB, "signed in");
    const before = network.refreshCalls;
    const [tokenA, tokenB] = await Promise.all([tabA.convex.refresh(), tabB.convex.refresh()]);
    await settle();
    expect(network.refreshCalls - before).toBe(1);
    expect(tokenA).toBe(tokenB);
    await shows(tabA, "signed in");
    await shows(tabB, "signed in");
    // The rotated refresh token still works afterwards (nobody reused an old one).
    expect(await tabA.convex.refresh()).toBeTruthy();
  });

  test("a refresh that fails with a network error keeps the user signed in and retries", async () => {
    const { network, tab } = await signedUpTab();
    const before = network.refreshCalls;
    network.failNext = 1;
    const token = await tab.convex.refresh();
    expect(token).toBeTruthy();
    await shows(tab, "signed in");
    await settle(100);
    // The first attempt failed; the retry went through.
    expect(network.refreshCalls - before).toBe(2);
    await shows(tab, "signed in");
  });

  test("against a server without the refresh mutation, refreshes go through signIn: single flight and retries alike", async () => {
    const { t, network, storage, tab: tabA } = await signedUpTab({ viaSignIn: true });
    const tabB = mountTab({ t, network, storage });
    await settle();
    await shows(tabB, "signed in");
    const before = network.refreshCalls;
    const [tokenA, tokenB] = await Promise.all([tabA.convex.refresh(), tabB.convex.refresh()]);
    expect(network.refreshCalls - before).toBe(1);
    expect(tokenA).toBe(tokenB);
    network.failNext = 1;
    expect(await tabA.convex.refresh()).toBeTruthy();
    await settle(100);
    expect(network.refreshCalls - before).toBe(3);
    await shows(tabA, "signed in");
    await shows(tabB, "signed in");
  });

  test("a revoked session signs the user out at the next refresh", async () => {
    const { t, network, tab, actions } = await signedUpTab();
    void actions;
    const [session] = await t.query(probe.rows, { table: "sessions" });
    const other = await t.action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: EMAIL, password: PW } });
    const otherToken = (other as { tokens: { token: string } }).tokens.token;
    expect(claimsOf(otherToken).sessionId).not.toBe(session._id);
    await as(t, otherToken).mutation(api.sessions.revoke, { sessionId: String(session._id) });
    expect(await tab.convex.refresh()).toBeNull();
    await settle();
    await shows(tab, "signed out");
    void network;
  });

  test("sign-out in one tab signs the other out", async () => {
    const { t, network, storage, tab: tabA, actions } = await signedUpTab();
    const tabB = mountTab({ t, network, storage });
    await settle();
    await shows(tabB, "signed in");
    await actions.signOut();
    await settle();
    await shows(tabA, "signed out");
    await shows(tabB, "signed out");
    expect(await t.query(probe.rows, { table: "sessions" })).toEqual([]);
  });

  test("sign-in in one tab signs the other in", async () => {
    const t = makeAuthTest();
    const network = new TestNetwork(t);
    const storage = memoryStorage();
    let actions!: Actions;
    const tabA = mountTab({ t, network, storage, children: <><Controls onReady={(a) => (actions = a)} /><Status /></> });
    const tabB = mountTab({ t, network, storage });
    await settle();
    await shows(tabB, "signed out");
    await actions.signIn("password", { flow: "signUp", email: EMAIL, password: PW });
    await settle();
    await shows(tabA, "signed in");
    await shows(tabB, "signed in");
  });

  test("a failed OAuth return is reported and removed from the URL", async () => {
    const t = makeAuthTest();
    const errors: unknown[] = [];
    window.history.replaceState(null, "", "/app?authError=OAUTH_FAILED&tab=1");
    mountTab({ t, network: new TestNetwork(t), storage: memoryStorage(), onSignInError: (e) => errors.push(e) });
    await settle();
    expect(window.location.search).toBe("?tab=1");
    expect(errors.map((e) => authErrorCode(e))).toEqual(["OAUTH_FAILED"]);
  });

  test("a magic link opened in a browser that did not ask waits for confirmation, and says so", async () => {
    const t = makeAuthTest();
    const saved = process.env.SITE_URL;
    process.env.SITE_URL = "https://app.example.test";
    try {
      await t.action(api.auth.signIn, { provider: "email", params: { email: "ada@example.com", method: "link" } });
      const link = await t.query(api.outbox.latest, { to: "ada@example.com" });
      const code = new URL(link!.code).searchParams.get("code")!;
      window.history.replaceState(null, "", "/app?code=" + code);
      const outcomes: SignInOutcome[] = [];
      const tab = mountTab({
        t,
        network: new TestNetwork(t),
        storage: memoryStorage(),
        onSignInError: (e) => {
          throw e;
        },
        onRedirectResult: (outcome) => outcomes.push(outcome),
      });
      await waitFor(() => expect(outcomes).toEqual([{ status: "confirmationRequired", account: "ada@example.com" }]));
      await shows(tab, "signed out");
    } finally {
      if (saved === undefined) delete process.env.SITE_URL;
      else process.env.SITE_URL = saved;
    }
  });

  test("a refused ?code= is reported, the URL cleaned, and the user stays signed out", async () => {
    const t = makeAuthTest();
    const errors: unknown[] = [];
    window.history.replaceState(null, "", "/app?code=" + "x".repeat(43));
    const tab = mountTab({ t, network: new TestNetwork(t), storage: memoryStorage(), onSignInError: (e) => errors.push(e) });
    await waitFor(() => expect(errors).toHaveLength(1));
    expect(window.location.search).toBe("");
    await shows(tab, "signed out");
  });
});

/** Shows the pending sign-in step, as a second-factor page would. */
function Step() {
  const step = usePendingStep();
  return <p data-testid="step">{step === null ? "no step" : step.kind === "secondFactor" ? `second factor: ${step.methods.join(",")}` : step.kind}</p>;
}

describe("a second factor through the React client (the client keeps the step's verifier)", () => {
  test("set-up and confirm, then password, a reload on the code prompt, and the code: no verifier in the app", async () => {
    const { t, network, storage, tab, actions } = await signedUpTab();
    const setup = await actions.signIn("totp", { flow: "setup" });
    if (setup.status !== "totpSetup") throw new Error(`unexpected ${setup.status}`);
    expect(setup).not.toHaveProperty("verifier");
    const otp = OTPAuth.URI.parse(setup.uri) as OTPAuth.TOTP;
    expect(await actions.signIn("totp", { flow: "confirm", code: otp.generate() })).toEqual({ status: "signedIn" });
    await actions.signOut();
    await settle();

    const outcome = await actions.signIn("password", { flow: "signIn", email: EMAIL, password: PW });
    expect(outcome.status).toBe("secondFactorRequired");
    if (outcome.status !== "secondFactorRequired") return;
    expect(outcome.methods).toContain("totp");
    tab.view.unmount();

    // The page reloads on the code prompt: the step is still there.
    let reloadedActions!: Actions;
    const reloaded = mountTab({
      t,
      network,
      storage,
      children: (
        <>
          <Controls onReady={(a) => (reloadedActions = a)} />
          <Step />
          <Status />
        </>
      ),
    });
    await settle();
    await shows(reloaded, `second factor: ${outcome.methods.join(",")}`);
    // The code of the next time step (within the accepted drift): the confirming one is used up.
    const code = otp.generate({ timestamp: Date.now() + 30_000 });
    expect(await reloadedActions.signIn("totp", { code })).toEqual({ status: "signedIn" });
    await shows(reloaded, "signed in");
    await shows(reloaded, "no step");
  });
});

describe("a new session for the same user while signed in (TOTP confirm replaces the session)", () => {
  test("confirming a TOTP set-up never shows loading, keeps the gated page mounted, and Convex gets the new token", async () => {
    const t = makeAuthTest();
    const network = new TestNetwork(t);
    let actions!: Actions;
    let confirm!: (code: string) => Promise<void>;
    let mounts = 0;
    let token: string | null = null;
    const seen: { isLoading: boolean; isAuthenticated: boolean }[] = [];

    /** Like the example's TOTP page: its own state, and a message once the confirm resolves. */
    function Enrolment() {
      const { signIn } = useAuthActions();
      const [message, setMessage] = useState("waiting for the code");
      useEffect(() => {
        mounts += 1;
      }, []);
      confirm = async (code) => {
        const outcome = await signIn("totp", { flow: "confirm", code });
        if (outcome.status === "signedIn") setMessage("Authenticator added");
      };
      return <p data-testid="enrolment">{message}</p>;
    }
    /** Like the example's `AuthGate`: a line while loading, the page once signed in. */
    function Gate() {
      const state = useConvexAuth();
      seen.push({ isLoading: state.isLoading, isAuthenticated: state.isAuthenticated });
      token = useAuthToken();
      if (state.isLoading) return <p>Signing you in…</p>;
      if (!state.isAuthenticated) return <p>signed out</p>;
      return <Enrolment />;
    }
    const tab = mountTab({
      t,
      network,
      storage: memoryStorage(),
      children: (
        <>
          <Controls onReady={(a) => (actions = a)} />
          <Gate />
        </>
      ),
    });
    await settle();
    await actions.signIn("password", { flow: "signUp", email: EMAIL, password: PW });
    await shows(tab, "waiting for the code");
    const before = token!;
    const fetcher = tab.convex.fetchToken;
    expect(tab.convex.authenticatedWith.at(-1)).toBe(before);

    const setup = await actions.signIn("totp", { flow: "setup" });
    if (setup.status !== "totpSetup") throw new Error(`unexpected ${setup.status}`);
    const otp = OTPAuth.URI.parse(setup.uri) as OTPAuth.TOTP;
    seen.length = 0;
    await act(() => confirm(otp.generate()));
    await settle();

    // A new session of the same user: new tokens, another `sub`.
    const after = token as string | null;
    expect(after).not.toBeNull();
    expect(claimsOf(after!).userId).toBe(claimsOf(before).userId);
    expect(claimsOf(after!).sessionId).not.toBe(claimsOf(before).sessionId);
    // Never loading, never signed out: the page under the gate stayed mounted, with its state.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.isLoading || !s.isAuthenticated)).toEqual([]);
    expect(mounts).toBe(1);
    await shows(tab, "Authenticator added");
    // Convex kept the same fetcher, and authenticated with the new session's token.
    expect(tab.convex.fetchToken).toBe(fetcher);
    // (Convex's client fetches the token asynchronously: wait for it, a loaded machine is slow.)
    await expect.poll(() => tab.convex.authenticatedWith.at(-1)).toBe(after);
    expect(await tab.convex.fetchToken!({ forceRefreshToken: false })).toBe(after);
  });
});
