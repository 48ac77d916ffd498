// @vitest-environment happy-dom
/**
 * The session watch is a chunk the provider fetches once signed in: the page
 * shows signed in without waiting for it, the watch starts when it arrives,
 * and a provider gone before then (unmounted, signed out) leaves no
 * subscription behind. The chunk is held back here as a slow network would.
 */
import { cleanup, render, within } from "@testing-library/react";
import type { ConvexReactClient } from "convex/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { AuthTransport } from "../../src/client/protocol.js";
import { ConvexAuthProvider } from "../../src/client/react/index.js";
import { memoryStorage } from "../../src/client/storage.js";
import { FakeConvexClient, Status, settle } from "./harness.js";

/** Opens the way for the session watch's chunk (the mock below waits for it). */
const chunk = vi.hoisted(() => {
  let open!: () => void;
  const arrived = new Promise<void>((resolve) => (open = resolve));
  return { open, arrived };
});

vi.mock("../../src/client/react/sessionWatch.js", async (importOriginal) => {
  await chunk.arrived;
  return await importOriginal();
});

afterEach(() => cleanup());

const QUERY = "auth:sessionState";
const KEY = "convexAuth:https://test-deployment.convex.cloud:tokens";

/** A JWT-shaped access token of session `s1`; the client reads only `exp` and `sub`. */
function fakeJwt() {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "none" })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, sub: "user1|s1" })}.x`;
}

/** A server that is never called: the stored token is fresh. */
const server: AuthTransport = {
  signIn: () => Promise.reject(new Error("not called")),
  signOut: async () => undefined,
};

/** A tab signed in on load (its tokens in storage). */
async function tab() {
  const storage = memoryStorage();
  await storage.setItem(KEY, JSON.stringify({ token: fakeJwt(), refreshToken: "r1" }));
  const convex = new FakeConvexClient();
  const view = render(
    <ConvexAuthProvider client={convex as unknown as ConvexReactClient} storage={storage} transport={server} shouldHandleCode={false}>
      <Status />
    </ConvexAuthProvider>,
  );
  return { convex, view };
}

describe("the session watch's chunk", () => {
  test("signed in shows before it arrives; a provider unmounted meanwhile never subscribes; once there, it watches", async () => {
    const gone = await tab();
    await settle();
    expect(within(gone.view.container).queryByText("signed in")).not.toBeNull();
    expect(gone.convex.subscribers(QUERY)).toBe(0);
    gone.view.unmount();
    chunk.open();
    await settle();
    expect(gone.convex.subscribers(QUERY)).toBe(0);

    const staying = await tab();
    await settle();
    expect(staying.convex.subscribers(QUERY)).toBe(1);
    // A push that the session ended signs the tab out.
    staying.convex.push(QUERY, { sessionId: "s1", live: false });
    await settle();
    expect(within(staying.view.container).queryByText("signed out")).not.toBeNull();
  });
});
