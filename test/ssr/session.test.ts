/**
 * The access token of a request for a server render (convex-auth-kit/ssr):
 * `tokenFromRequest` reads the cookie and calls nothing; `authenticateRequest`
 * refreshes a missing or expiring token once (the cookies to send back),
 * clears dead cookies, and rides out an unreachable Convex.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { handleAuthRequest } from "../../src/ssr/route.js";
import { authenticateRequest, tokenFromRequest } from "../../src/ssr/session.js";
import { advance, useClock } from "../harness/clock.js";
import { as } from "../harness/auth.js";
import { ConvexTestBackend, CookieJar, pageRequest, routeRequest } from "./backend.js";

async function signedIn(backend: ConvexTestBackend, base?: string) {
  const jar = new CookieJar();
  const response = await handleAuthRequest(
    routeRequest({ action: "signIn", provider: "password", params: { flow: "signUp", email: "ada@example.com", password: "correct horse battery staple" } }, { base }),
    { backend },
  );
  jar.apply(response);
  const { tokens } = (await response.json()) as { tokens: { token: string } };
  return { jar, token: tokens.token };
}

describe("tokenFromRequest", () => {
  test("the cookie's token while it lives, with no call to Convex; null once expired or absent", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    const calls = backend.calls.length;
    expect(tokenFromRequest(pageRequest(jar.header()))).toBe(token);
    expect(tokenFromRequest(pageRequest())).toBeNull();
    advance(15 * 60_000 + 1000);
    expect(tokenFromRequest(pageRequest(jar.header()))).toBeNull();
    expect(backend.calls.length).toBe(calls);
  });

  test("on https only the __Host- cookie counts (another subdomain cannot plant one); on http://localhost only the plain one", async () => {
    const backend = new ConvexTestBackend();
    const { token } = await signedIn(backend);
    expect(tokenFromRequest(pageRequest(`convexAuth.token=${token}`))).toBeNull();
    expect(tokenFromRequest(pageRequest(`__Host-convexAuth.token=${token}`))).toBe(token);
    expect(tokenFromRequest(pageRequest(`convexAuth.token=${token}`, "http://localhost:3000"))).toBe(token);
    expect(tokenFromRequest(pageRequest(`__Host-convexAuth.token=${token}`, "http://localhost:3000"))).toBeNull();
  });
});

describe("authenticateRequest", () => {
  test("a fresh token: no call, no cookie", async () => {
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    const calls = backend.calls.length;
    expect(await authenticateRequest(pageRequest(jar.header()), { backend })).toMatchObject({ token, setCookies: [], cookies: [] });
    expect(backend.calls.length).toBe(calls);
  });

  test("an expired token is refreshed in one call: the render gets a working token and the response new cookies", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    advance(20 * 60_000);
    const calls = backend.calls.length;
    const { token: renewed, setCookies } = await authenticateRequest(pageRequest(jar.header()), { backend });
    expect(renewed).not.toBe(token);
    expect(backend.calls.slice(calls).map((c) => c.fn)).toEqual(["refresh"]);
    expect(setCookies.map((line) => line.split("=")[0]).sort()).toEqual(["__Host-convexAuth.refresh", "__Host-convexAuth.token"]);
    const viewer = await as(backend.t, renewed!).query(api.users.viewer, {});
    expect(viewer?.email).toBe("ada@example.com");
  });

  test("a dead refresh token signs the request out and clears the cookies", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar } = await signedIn(backend);
    // What a second tab of the device, not reloaded since, still sends after the first signed out.
    const stale = jar.header();
    await handleAuthRequest(routeRequest({ action: "signOut" }, { cookie: stale }), { backend });
    advance(20 * 60_000);
    const result = await authenticateRequest(pageRequest(stale), { backend });
    expect(result.token).toBeNull();
    expect(result.setCookies).toHaveLength(2);
    expect(result.setCookies.every((line) => /Max-Age=0/.test(line))).toBe(true);
  });

  test("Convex unreachable: an unexpired token is still used and the cookies stay; an expired one renders signed out", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    advance(15 * 60_000 - 20_000); // about to expire: a refresh is due
    backend.down = true;
    expect(await authenticateRequest(pageRequest(jar.header()), { backend })).toMatchObject({ token, setCookies: [], cookies: [] });
    advance(60_000);
    expect(await authenticateRequest(pageRequest(jar.header()), { backend })).toMatchObject({ token: null, setCookies: [], cookies: [] });
  });

  test("live: a session revoked from another device renders signed out at once (one query), its cookies cleared", async () => {
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    const calls = backend.calls.length;
    expect(await authenticateRequest(pageRequest(jar.header()), { backend, live: true })).toMatchObject({ token, setCookies: [], cookies: [] });
    expect(backend.calls.slice(calls).map((c) => c.fn)).toEqual(["sessionState"]);
    const sessionId = String(JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub).split("|")[1]!;
    await as(backend.t, token).mutation(api.sessions.revoke, { sessionId });
    // Without `live`, the token is trusted until it expires (no call); with it, the revocation counts now.
    expect((await authenticateRequest(pageRequest(jar.header()), { backend })).token).toBe(token);
    const revoked = await authenticateRequest(pageRequest(jar.header()), { backend, live: true });
    expect(revoked.token).toBeNull();
    expect(revoked.setCookies.every((line) => /Max-Age=0/.test(line))).toBe(true);
  });

  test("live with Convex unreachable uses the token", async () => {
    const backend = new ConvexTestBackend();
    const { jar, token } = await signedIn(backend);
    backend.down = true;
    expect(await authenticateRequest(pageRequest(jar.header()), { backend, live: true })).toMatchObject({ token, setCookies: [], cookies: [] });
  });

  test("no cookies: signed out, nothing called", async () => {
    const backend = new ConvexTestBackend();
    expect(await authenticateRequest(pageRequest(), { backend })).toMatchObject({ token: null, setCookies: [], cookies: [] });
    expect(backend.calls).toEqual([]);
  });
});
