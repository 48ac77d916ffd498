/**
 * OAuth end to end against real OAuth/OIDC servers (oauth2-mock-server on
 * 127.0.0.1): the app's signIn action, our /api/auth/signin and
 * /api/auth/callback routes (t.fetch), the provider's authorize endpoint
 * (real HTTP), and the client's code exchange.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import {
  componentsGeneric,
  makeFunctionReference,
  type AnyComponents,
  type FunctionReference,
} from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { as, claimsOf, probe, tokensOf } from "../harness/auth.js";
import { TEST_SITE_URL } from "../harness/env.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";
import { useOAuthMocks } from "../harness/oauthMocks.js";

const modules = import.meta.glob(["../fixtures/oauth/**/*.ts", "!../fixtures/oauth/**/*.*.ts"]);
const signIn = makeFunctionReference<"action">("auth:signIn");
const users = (componentsGeneric() as AnyComponents).auth.users;
const createUser = users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;
const getUser = users.get as FunctionReference<"query", "internal", { userId: string }, Record<string, any> | null>;

const SITE = "https://app.example.test";
const mocks = useOAuthMocks(SITE);


type App = ReturnType<typeof makeTestOf>;
const app = () => makeTestOf(modules, {
  componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
});

/** Step 1: the client's `signIn(provider)`. */
async function start(t: App, provider: string, params: Record<string, unknown> = {}, token?: string) {
  const result = (await (token ? as(t, token) : t).action(signIn, { provider, params })) as {
    redirect: string;
    verifier: string;
  };
  expect(result).toEqual({ redirect: expect.any(String), verifier: expect.stringMatching(/^[\w-]{43}$/) });
  return result;
}

/** Step 2: the app's page posts our sign-in URL and is sent to the provider with a binding cookie. */
async function open(t: App, redirect: string) {
  const url = new URL(redirect);
  const response = await t.fetch(url.pathname + url.search, { method: "POST", headers: { origin: SITE } });
  expect(response.status).toBe(302);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { authorize: new URL(response.headers.get("location")!), cookie: setCookie.split(";")[0], setCookie };
}

/** The provider authenticates the user and sends the browser back: our callback URL. */
async function authorize(authorizeUrl: URL): Promise<URL> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** Step 3: the browser arrives at our callback. */
async function callback(t: App, back: URL, cookie?: string) {
  const response = await t.fetch(back.pathname + back.search, cookie ? { headers: { cookie } } : undefined);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** Steps 1 to 3; returns where the browser lands and the client's verifier. */
async function throughCallback(t: App, provider: string, params: Record<string, unknown> = {}, token?: string) {
  const { redirect, verifier } = await start(t, provider, params, token);
  const { authorize: authorizeUrl, cookie } = await open(t, redirect);
  const back = await authorize(authorizeUrl);
  const landed = await callback(t, back, cookie);
  return { landed, verifier, back, cookie };
}

/** Step 4: the client exchanges the code. */
const exchange = (t: App, code: string, verifier?: string, token?: string) =>
  (token ? as(t, token) : t).action(signIn, { params: { code }, ...(verifier ? { verifier } : {}) });

/** A full sign-in; returns the tokens. */
async function signInWith(t: App, provider: string, params: Record<string, unknown> = {}, token?: string) {
  const { landed, verifier } = await throughCallback(t, provider, params, token);
  expect(landed.searchParams.get("authError")).toBeNull();
  return tokensOf(await exchange(t, landed.searchParams.get("code")!, verifier, token));
}

const rows = (t: App, table: string) => t.query(probe.rows, { table });

describe("OIDC end to end", () => {
  test("the redirect carries PKCE S256, state and nonce; the callback returns to SITE_URL with a code the client exchanges", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-ada", email: "Ada@Example.com", emailVerified: true, name: "Ada" });
    const { redirect, verifier } = await start(t, "mock", { redirectTo: "/welcome" });
    expect(redirect).toMatch(new RegExp(`^${TEST_SITE_URL}/api/auth/signin/mock\\?state=[\\w-]{43}$`));

    const { authorize: authorizeUrl, cookie, setCookie } = await open(t, redirect);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${mocks.oidc.issuer}/authorize`);
    const q = authorizeUrl.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe("mock-client");
    expect(q.get("redirect_uri")).toBe(`${TEST_SITE_URL}/api/auth/callback/mock`);
    expect(q.get("scope")).toBe("openid profile email");
    expect(q.get("state")).toBe(new URL(redirect).searchParams.get("state"));
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(q.get("nonce")).toMatch(/^[\w-]{20,}$/);
    // The challenge is S256 of the verifier the flow keeps server-side.
    const [flow] = (await rows(t, "verifiers")).filter((r) => r.kind === "oauth_flow");
    const codeVerifier = (flow.data as { codeVerifier: string }).codeVerifier;
    expect(q.get("code_challenge")).toBe(encodeBase64urlNoPadding(sha256(new TextEncoder().encode(codeVerifier))));
    // The browser is bound by a host-only, HttpOnly, Secure, Lax cookie.
    expect(setCookie).toMatch(/^__Host-authkit-oauth-[\w-]{16}=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=600$/);

    const back = await authorize(authorizeUrl);
    expect(back.origin + back.pathname).toBe(`${TEST_SITE_URL}/api/auth/callback/mock`);
    const landed = await callback(t, back, cookie);
    expect(landed.origin + landed.pathname).toBe(`${SITE}/welcome`);
    const code = landed.searchParams.get("code")!;
    expect(code).toMatch(/^[\w-]{43}$/);
    // Stored only as a hash.
    expect(JSON.stringify(await rows(t, "verifiers"))).not.toContain(code);

    const tokens = tokensOf(await exchange(t, code, verifier));
    const user = await t.query(getUser, { userId: claimsOf(tokens.token).userId });
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada", emailVerificationTime: expect.any(Number) });
    expect(await rows(t, "accounts")).toEqual([
      expect.objectContaining({ provider: "mock", providerAccountId: "oidc-ada", emailVerified: true }),
    ]);
    // Nothing of the flow is left.
    expect(await rows(t, "verifiers")).toEqual([]);

    // Signing in again finds the same user.
    const again = await signInWith(t, "mock");
    expect(claimsOf(again.token).userId).toBe(claimsOf(tokens.token).userId);
  });

  test("a replayed callback is refused", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-replay" });
    const { landed, back, cookie } = await throughCallback(t, "mock");
    expect(landed.searchParams.get("code")).not.toBeNull();
    const replay = await callback(t, back, cookie);
    expect(replay.searchParams.get("code")).toBeNull();
    expect(replay.searchParams.get("authError")).toBe("OAUTH_FAILED");
  });

  test("a tampered state is refused", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-tamper" });
    const { redirect } = await start(t, "mock");
    const { authorize: authorizeUrl, cookie } = await open(t, redirect);
    const back = await authorize(authorizeUrl);
    const state = back.searchParams.get("state")!;
    back.searchParams.set("state", (state[0] === "A" ? "B" : "A") + state.slice(1));
    const landed = await callback(t, back, cookie);
    expect(landed.href).toBe(`${SITE}/?authError=OAUTH_FAILED`);
    expect(await rows(t, "users")).toEqual([]);
  });

  test("an ID token with the wrong nonce is refused", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-nonce", email: "n@example.com", emailVerified: true });
    mocks.oidc.forgeNonce("not-the-nonce-we-sent");
    try {
      const { landed } = await throughCallback(t, "mock");
      expect(landed.searchParams.get("code")).toBeNull();
      expect(landed.searchParams.get("authError")).toBe("OAUTH_FAILED");
    } finally {
      mocks.oidc.forgeNonce(undefined);
    }
    expect(await rows(t, "users")).toEqual([]);
    expect(await rows(t, "verifiers")).toEqual([]);
  });

  test("a redirect to another origin is refused before anything is stored", async () => {
    const t = app();
    for (const redirectTo of [
      "https://evil.example/welcome",
      "//evil.example",
      "/\\evil.example",
      "https://app.example.test@evil.example/",
      "http://app.example.test/",
      "javascript:alert(1)",
    ]) {
      await expectAuthError(t.action(signIn, { provider: "mock", params: { redirectTo } }), "INVALID_REDIRECT");
    }
    expect(await rows(t, "verifiers")).toEqual([]);
  });

  test("a callback from another browser (no binding cookie) is refused", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-cookie" });
    const { redirect } = await start(t, "mock");
    const { authorize: authorizeUrl, cookie } = await open(t, redirect);
    const back = await authorize(authorizeUrl);
    expect((await callback(t, back)).searchParams.get("authError")).toBe("OAUTH_FAILED");
    // ... and the flow is spent: the right browser cannot finish it either.
    expect((await callback(t, back, cookie)).searchParams.get("authError")).toBe("OAUTH_FAILED");
  });

  test("the sign-in URL binds one browser only", async () => {
    const t = app();
    const { redirect } = await start(t, "mock");
    await open(t, redirect);
    const url = new URL(redirect);
    const second = await t.fetch(url.pathname + url.search, { method: "POST", headers: { origin: SITE } });
    expect(new URL(second.headers.get("location")!).searchParams.get("authError")).toBe("OAUTH_FAILED");
  });

  test("the code works only once and only with the verifier of the client that started", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-verifier" });
    const first = await throughCallback(t, "mock");
    const code = first.landed.searchParams.get("code")!;
    const other = await start(t, "mock");
    await expectAuthError(exchange(t, code, other.verifier), "INVALID_CODE");
    // A wrong verifier spends the code.
    await expectAuthError(exchange(t, code, first.verifier), "INVALID_CODE");

    const second = await throughCallback(t, "mock");
    await expectAuthError(exchange(t, second.landed.searchParams.get("code")!), "INVALID_CODE");

    const third = await throughCallback(t, "mock");
    const thirdCode = third.landed.searchParams.get("code")!;
    tokensOf(await exchange(t, thirdCode, third.verifier));
    await expectAuthError(exchange(t, thirdCode, third.verifier), "INVALID_CODE");
  });

  test("an error from the provider returns to the app with authError", async () => {
    const t = app();
    const { redirect } = await start(t, "mock", { redirectTo: "/#/account" });
    const { authorize: authorizeUrl, cookie } = await open(t, redirect);
    const back = await authorize(authorizeUrl);
    back.searchParams.delete("code");
    back.searchParams.set("error", "access_denied");
    const landed = await callback(t, back, cookie);
    expect(landed.href).toBe(`${SITE}/?authError=OAUTH_FAILED#/account`);
  });
});

describe("account linking", () => {
  test("a verified email links to the user who verified it", async () => {
    const t = app();
    const userId = await t.mutation(createUser, { email: "grace@example.com", emailVerificationTime: Date.now() });
    mocks.oidc.who({ sub: "oidc-grace", email: "grace@example.com", emailVerified: true });
    const tokens = await signInWith(t, "mock");
    expect(claimsOf(tokens.token).userId).toBe(userId);
    expect(await rows(t, "users")).toHaveLength(1);
  });

  test("an unverified email never links: ACCOUNT_EXISTS when a user holds it", async () => {
    const t = app();
    await t.mutation(createUser, { email: "linus@example.com", emailVerificationTime: Date.now() });
    mocks.oidc.who({ sub: "oidc-linus", email: "linus@example.com", emailVerified: false });
    const { landed, verifier } = await throughCallback(t, "mock");
    await expectAuthError(exchange(t, landed.searchParams.get("code")!, verifier), "ACCOUNT_EXISTS");
    expect(await rows(t, "accounts")).toEqual([]);
  });

  test("a verified email does not link to a user whose email is unverified", async () => {
    const t = app();
    await t.mutation(createUser, { email: "mallory@example.com" });
    mocks.oidc.who({ sub: "oidc-victim", email: "mallory@example.com", emailVerified: true });
    const { landed, verifier } = await throughCallback(t, "mock");
    await expectAuthError(exchange(t, landed.searchParams.get("code")!, verifier), "ACCOUNT_EXISTS");
  });

  test("an unverified email nobody holds makes a new user whose email is unverified", async () => {
    const t = app();
    mocks.oidc.who({ sub: "oidc-new", email: "new@example.com", emailVerified: false });
    const tokens = await signInWith(t, "mock");
    const user = await t.query(getUser, { userId: claimsOf(tokens.token).userId });
    expect(user).toMatchObject({ email: "new@example.com" });
    expect(user!.emailVerificationTime).toBeUndefined();
  });

  test("a guest signing in with OAuth keeps their id and stops being anonymous", async () => {
    const t = app();
    const guest = tokensOf(await t.action(signIn, { provider: "anonymous" }));
    const { userId } = claimsOf(guest.token);
    mocks.oidc.who({ sub: "oidc-guest", email: "guest@example.com", emailVerified: true, name: "Guest" });
    const tokens = await signInWith(t, "mock", {}, guest.token);
    expect(claimsOf(tokens.token).userId).toBe(userId);
    const user = await t.query(getUser, { userId });
    expect(user).toMatchObject({ email: "guest@example.com", name: "Guest" });
    expect(user!.isAnonymous).toBeUndefined();
  });
});

describe("GitHub (@auth/core's provider against a GitHub look-alike)", () => {
  test("signs in with the profile from /user and a verified email from /user/emails", async () => {
    const t = app();
    mocks.github.who({ sub: "4242", name: "Octo Cat", email: "octo@example.com", emailVerified: true, publicEmail: null });
    const { redirect, verifier } = await start(t, "github");
    const { authorize: authorizeUrl, cookie } = await open(t, redirect);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${mocks.github.base}/login/oauth/authorize`);
    expect(authorizeUrl.searchParams.get("scope")).toBe("read:user user:email");
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizeUrl.searchParams.get("nonce")).toBeNull();
    const landed = await callback(t, await authorize(authorizeUrl), cookie);
    const tokens = tokensOf(await exchange(t, landed.searchParams.get("code")!, verifier));
    const user = await t.query(getUser, { userId: claimsOf(tokens.token).userId });
    expect(user).toMatchObject({
      name: "Octo Cat",
      email: "octo@example.com",
      emailVerificationTime: expect.any(Number),
      extend: { login: "user4242" },
    });
    expect(await rows(t, "accounts")).toEqual([
      expect.objectContaining({ provider: "github", providerAccountId: "4242", emailVerified: true }),
    ]);
  });

  test("an email GitHub does not list as verified never links", async () => {
    const t = app();
    await t.mutation(createUser, { email: "ghost@example.com", emailVerificationTime: Date.now() });
    mocks.github.who({ sub: "77", email: "ghost@example.com", emailVerified: false });
    const { landed, verifier } = await throughCallback(t, "github");
    await expectAuthError(exchange(t, landed.searchParams.get("code")!, verifier), "ACCOUNT_EXISTS");
  });
});

describe("attack: a start link forwarded to another browser", () => {
  const bound = async (t: App) => (await rows(t, "verifiers")).filter((v) => v.kind === "oauth_flow" && v.challenge !== undefined);

  test("opened as a link (GET), from another site's form, or without an Origin, it binds nothing", async () => {
    const t = app();
    const { redirect } = await start(t, "mock");
    const url = new URL(redirect);
    const attempts: RequestInit[] = [
      {},
      { method: "POST", headers: { origin: "https://evil.example" } },
      { method: "POST" },
      { method: "POST", headers: { origin: "null" } },
    ];
    for (const init of attempts) {
      const response = await t.fetch(url.pathname + url.search, init);
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get("location")!).searchParams.get("authError")).toBe("OAUTH_FAILED");
      expect(response.headers.get("set-cookie") ?? "").not.toMatch(/authkit-oauth-[^=]+=[\w-]{43}/);
    }
    expect(await bound(t)).toEqual([]);
    // The app's own page still can.
    const { authorize: authorizeUrl } = await open(t, redirect);
    expect(authorizeUrl.origin).toBe(new URL(mocks.oidc.issuer).origin);
    expect(await bound(t)).toHaveLength(1);
  });

  test("the sign-in URL works only within 60 s of the start: posted later it binds nothing and leads to no code", async () => {
    const t = app();
    const { redirect } = await start(t, "mock");
    const startedAt = Date.now();
    const { vi } = await import("vitest");
    vi.useFakeTimers({ now: startedAt + 61_000, toFake: ["Date"] });
    try {
      const url = new URL(redirect);
      const response = await t.fetch(url.pathname + url.search, { method: "POST", headers: { origin: SITE } });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location")!);
      expect(location.searchParams.get("authError")).toBe("OAUTH_FAILED");
      expect(response.headers.get("set-cookie") ?? "").not.toMatch(/authkit-oauth-[^=]+=[\w-]{43}/);
      expect(await bound(t)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
