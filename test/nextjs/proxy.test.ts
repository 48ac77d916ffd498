// @vitest-environment node
/**
 * The Next.js proxy (`convexAuthProxy`, convex-auth-kit/nextjs/server) on
 * Next's own `NextRequest`/`NextResponse`, against the example app's auth
 * functions on convex-test: a fresh token passes with no call, an expired
 * one is refreshed once and handed to the render in the same request,
 * protected paths send signed-out visitors to the sign-in page, the auth
 * route is left alone; and the route matchers.
 */
import { NextRequest } from "next/server";
import { describe, expect, test } from "vitest";
import { convexAuthProxy } from "../../src/nextjs/server/proxy.js";
import { matchesRoute } from "../../src/nextjs/server/matchers.js";
import { handleAuthRequest } from "../../src/ssr/route.js";
import { advance, useClock } from "../harness/clock.js";
import { APP, ConvexTestBackend, CookieJar, routeRequest } from "../ssr/backend.js";

async function signedIn(backend: ConvexTestBackend) {
  const jar = new CookieJar();
  const response = await handleAuthRequest(
    routeRequest({ action: "signIn", provider: "password", params: { flow: "signUp", email: "ada@example.com", password: "correct horse battery staple" } }),
    { backend },
  );
  jar.apply(response);
  return jar;
}

const request = (path: string, cookie?: string) => new NextRequest(`${APP}${path}`, { headers: cookie ? { cookie } : {} });

describe("convexAuthProxy", () => {
  test("a fresh token: passes through, no call, no cookie", async () => {
    const backend = new ConvexTestBackend();
    const jar = await signedIn(backend);
    const calls = backend.calls.length;
    const response = await convexAuthProxy({ backend, protect: ["/dashboard"] })(request("/dashboard", jar.header()));
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(backend.calls.length).toBe(calls);
  });

  test("an expired token is refreshed once: the render gets the new cookies in this request, the browser with the response", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const jar = await signedIn(backend);
    const old = jar.cookies.get("__Host-convexAuth.token")!;
    advance(20 * 60_000);
    const calls = backend.calls.length;
    const response = await convexAuthProxy({ backend, protect: ["/dashboard"] })(request("/dashboard", `theme=dark; ${jar.header()}`));
    expect(backend.calls.slice(calls).map((c) => c.fn)).toEqual(["refresh"]);
    expect(response.headers.get("x-middleware-next")).toBe("1");
    const forwarded = response.headers.get("x-middleware-request-cookie") ?? "";
    jar.apply(response);
    const fresh = jar.cookies.get("__Host-convexAuth.token")!;
    expect(fresh).not.toBe(old);
    expect(forwarded).toContain(`__Host-convexAuth.token=${fresh}`);
    expect(forwarded).toContain("theme=dark");
    expect(forwarded).not.toContain(old);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  test("signed out on a protected path: to the sign-in page with redirectTo; elsewhere: through", async () => {
    const backend = new ConvexTestBackend();
    const proxy = convexAuthProxy({ backend, protect: ["/dashboard", /^\/admin/], signInPage: "/login" });
    const redirected = await proxy(request("/dashboard/settings?tab=2"));
    expect(redirected.status).toBe(307);
    const target = new URL(redirected.headers.get("location")!);
    expect(target.pathname).toBe("/login");
    expect(target.searchParams.get("redirectTo")).toBe("/dashboard/settings?tab=2");
    expect((await proxy(request("/admin-panel"))).status).toBe(307);
    for (const path of ["/", "/dashboards", "/login"]) expect((await proxy(request(path))).headers.get("x-middleware-next"), path).toBe("1");
  });

  test("a dead refresh token on a protected path: redirected, and the cookies cleared", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const jar = await signedIn(backend);
    const stale = jar.header();
    await handleAuthRequest(routeRequest({ action: "signOut" }, { cookie: stale }), { backend });
    advance(20 * 60_000);
    const response = await convexAuthProxy({ backend, protect: ["/dashboard"] })(request("/dashboard", stale));
    expect(response.status).toBe(307);
    expect(response.headers.getSetCookie().map((line) => /Max-Age=0/.test(line))).toEqual([true, true]);
  });

  test("the auth route is left to its handler", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const jar = await signedIn(backend);
    advance(20 * 60_000);
    const calls = backend.calls.length;
    const response = await convexAuthProxy({ backend, protect: () => true })(request("/api/auth", jar.header()));
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(backend.calls.length).toBe(calls);
  });
});

describe("matchesRoute", () => {
  const at = (path: string) => new Request(`${APP}${path}`);
  test("a path matches itself and what lies under it; regular expressions and functions as given", () => {
    expect(matchesRoute("/dashboard", at("/dashboard"))).toBe(true);
    expect(matchesRoute("/dashboard/", at("/dashboard/a/b"))).toBe(true);
    expect(matchesRoute("/dashboard", at("/dashboards"))).toBe(false);
    expect(matchesRoute(["/a", /^\/b\d$/], at("/b1"))).toBe(true);
    expect(matchesRoute(["/a", /^\/b\d$/], at("/b12"))).toBe(false);
    expect(matchesRoute((r) => new URL(r.url).search === "?x", at("/?x"))).toBe(true);
    expect(matchesRoute(undefined, at("/"))).toBe(false);
  });
});
