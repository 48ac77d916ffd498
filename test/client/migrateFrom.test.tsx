// @vitest-environment happy-dom
/**
 * The client's `migrateFrom: "convex-dev-auth"`: a refresh token that
 * @convex-dev/auth's React client left in storage is exchanged once on
 * load (also with two tabs loading at once), its keys removed, and the
 * person never shown signed out; a refusal removes the keys, a network
 * failure keeps them for the next load. The React provider passes the
 * option through. A scripted transport stands in for the server (its
 * side: test/migration/).
 */
import { cleanup, render, within } from "@testing-library/react";
import type { ConvexReactClient } from "convex/react";
import { ConvexError } from "convex/values";
import { afterEach, describe, expect, test } from "vitest";
import { AuthClient } from "../../src/client/authClient.js";
import type { Lock } from "../../src/client/lock.js";
import type { AuthTransport, SignInResult } from "../../src/client/protocol.js";
import { ConvexAuthProvider } from "../../src/client/react/index.js";
import { memoryStorage, type TokenStorage } from "../../src/client/storage.js";
import { FakeConvexClient, Status } from "./harness.js";

afterEach(() => cleanup());

const NAMESPACE = "https://happy-otter-123.convex.cloud";
/** The keys @convex-dev/auth's React client uses for this namespace. */
const SUFFIX = "httpshappyotter123convexcloud";
const LEGACY = {
  refreshToken: `__convexAuthRefreshToken_${SUFFIX}`,
  jwt: `__convexAuthJWT_${SUFFIX}`,
  verifier: `__convexAuthOAuthVerifier_${SUFFIX}`,
  fetched: `__convexAuthServerStateFetchTime_${SUFFIX}`,
};
const OURS = `convexAuth:${NAMESPACE}:tokens`;

/** A JWT-shaped token expiring in an hour; the client only reads `exp` and `sub`. */
function fakeJwt(sub = "user|session") {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "none" })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600, iat: Math.floor(Date.now() / 1000), sub })}.x`;
}
const OUR_TOKENS = { token: fakeJwt(), refreshToken: "r".repeat(43) };

/** Storage as @convex-dev/auth's React client left it. */
async function v1Storage(): Promise<TokenStorage> {
  const storage = memoryStorage();
  await storage.setItem(LEGACY.refreshToken, "k17abc|j57def");
  await storage.setItem(LEGACY.jwt, "v1.jwt.token");
  await storage.setItem(LEGACY.verifier, "v1-verifier");
  await storage.setItem(LEGACY.fetched, "1700000000000");
  return storage;
}

/** A transport whose `exchangeLegacy` answers `answer` (a result, or an error to throw) and counts its calls. */
function server(answer: () => SignInResult | Error): AuthTransport & { exchanged: string[] } {
  const exchanged: string[] = [];
  return {
    exchanged,
    async signIn() {
      throw new Error("not expected");
    },
    async signOut() {},
    async exchangeLegacy(refreshToken) {
      exchanged.push(refreshToken);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const result = answer();
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

/** One lock for the "tabs" of a test, as Web Locks are for a browser's. */
function sharedLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return (_name, task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function load(transport: AuthTransport, storage: TokenStorage, lock?: Lock) {
  const client = new AuthClient({ transport, storage, namespace: NAMESPACE, migrateFrom: "convex-dev-auth", ...(lock ? { lock } : {}) });
  const statuses: string[] = [];
  client.subscribe(() => statuses.push(client.state.status));
  const token = await client.fetchAccessToken({ forceRefreshToken: false });
  return { client, statuses, token };
}

async function legacyKeysLeft(storage: TokenStorage) {
  const left = [];
  for (const key of Object.values(LEGACY)) if ((await storage.getItem(key)) !== null) left.push(key);
  return left;
}

describe("migrateFrom: convex-dev-auth", () => {
  test("exchanges the v1 refresh token once, keeps our tokens, removes every v1 key, never signed out", async () => {
    const storage = await v1Storage();
    const transport = server(() => ({ tokens: OUR_TOKENS }));
    const { token, statuses } = await load(transport, storage);
    expect(token).toBe(OUR_TOKENS.token);
    expect(transport.exchanged).toEqual(["k17abc|j57def"]);
    expect(statuses).toEqual(["signedIn"]);
    expect(JSON.parse((await storage.getItem(OURS))!)).toEqual(OUR_TOKENS);
    expect(await legacyKeysLeft(storage)).toEqual([]);
    // The next load finds nothing of v1's: no exchange.
    await load(transport, storage);
    expect(transport.exchanged).toHaveLength(1);
  });

  test("two tabs loading at once exchange once, and both are signed in", async () => {
    const storage = await v1Storage();
    const transport = server(() => ({ tokens: OUR_TOKENS }));
    const lock = sharedLock();
    const [a, b] = await Promise.all([load(transport, storage, lock), load(transport, storage, lock)]);
    expect(transport.exchanged).toHaveLength(1);
    expect([a.token, b.token]).toEqual([OUR_TOKENS.token, OUR_TOKENS.token]);
  });

  test("a refused token ({ tokens: null }, or a coded error) removes the v1 keys: signed out", async () => {
    for (const answer of [() => ({ tokens: null }), () => new ConvexError({ code: "USER_BANNED", message: "banned" })]) {
      const storage = await v1Storage();
      const { token, client } = await load(server(answer as () => SignInResult | Error), storage);
      expect(token).toBeNull();
      expect(client.state.status).toBe("signedOut");
      expect(await legacyKeysLeft(storage)).toEqual([]);
    }
  });

  test("a network failure keeps the v1 keys, and the next load exchanges them", async () => {
    const storage = await v1Storage();
    const first = await load(server(() => new TypeError("Failed to fetch")), storage);
    expect(first.token).toBeNull();
    expect(await legacyKeysLeft(storage)).toHaveLength(4);
    const transport = server(() => ({ tokens: OUR_TOKENS }));
    expect((await load(transport, storage)).token).toBe(OUR_TOKENS.token);
    expect(await legacyKeysLeft(storage)).toEqual([]);
  });

  test("already signed in with us: no exchange, the v1 keys go, our tokens stay", async () => {
    const storage = await v1Storage();
    await storage.setItem(OURS, JSON.stringify(OUR_TOKENS));
    const transport = server(() => ({ tokens: { token: fakeJwt("other|session"), refreshToken: "s".repeat(43) } }));
    expect((await load(transport, storage)).token).toBe(OUR_TOKENS.token);
    expect(transport.exchanged).toEqual([]);
    expect(await legacyKeysLeft(storage)).toEqual([]);
  });

  test("a user with a second factor since: the step is kept pending", async () => {
    const storage = await v1Storage();
    const { client } = await load(server(() => ({ secondFactor: { methods: ["totp"] }, verifier: "step-verifier" })), storage);
    expect(client.state.status).toBe("signedOut");
    expect(client.pendingStep()).toEqual({ kind: "secondFactor", methods: ["totp"] });
    expect(await legacyKeysLeft(storage)).toEqual([]);
  });

  test("without migrateFrom, v1's keys are left alone", async () => {
    const storage = await v1Storage();
    const transport = server(() => ({ tokens: OUR_TOKENS }));
    const client = new AuthClient({ transport, storage, namespace: NAMESPACE });
    expect(await client.fetchAccessToken({ forceRefreshToken: false })).toBeNull();
    expect(transport.exchanged).toEqual([]);
    expect(await legacyKeysLeft(storage)).toHaveLength(4);
  });

  test("ConvexAuthProvider migrateFrom: the page goes from loading to signed in", async () => {
    const storage = await v1Storage();
    const transport = server(() => ({ tokens: OUR_TOKENS }));
    const convex = new FakeConvexClient();
    Object.assign(convex, { url: NAMESPACE });
    const seen = new Set<string>();
    const view = render(
      <ConvexAuthProvider client={convex as unknown as ConvexReactClient} storage={storage} transport={transport} migrateFrom="convex-dev-auth" watchSession={false}>
        <Status />
      </ConvexAuthProvider>,
    );
    const observer = new MutationObserver(() => {
      for (const text of ["loading", "signed in", "signed out"]) if (within(view.container).queryByText(text)) seen.add(text);
    });
    observer.observe(view.container, { childList: true, subtree: true, characterData: true });
    expect(await within(view.container).findByText("signed in", {}, { timeout: 3000 })).toBeTruthy();
    observer.disconnect();
    expect(seen.has("signed out")).toBe(false);
    expect(transport.exchanged).toEqual(["k17abc|j57def"]);
  });
});
