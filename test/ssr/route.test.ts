/**
 * The app's auth route (`handleAuthRequest`, convex-auth-kit/ssr) against
 * the example app's real auth functions on convex-test: the cookie model
 * (HttpOnly refresh token, flags, `Secure` only relaxed on
 * http://localhost), no refresh token in any body, the Origin check and
 * malformed input refused before anything is called or written, rotation,
 * stolen and raced refresh cookies, sign-out and `forget`.
 */
import { describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { handleAuthRequest } from "../../src/ssr/route.js";
import { advance, useClock } from "../harness/clock.js";
import { as, probe } from "../harness/auth.js";
import { APP, ConvexTestBackend, CookieJar, routeRequest } from "./backend.js";

const PASSWORD = "correct horse battery staple";
const signUp = (email: string) => ({ action: "signIn", provider: "password", params: { flow: "signUp", email, password: PASSWORD } }) as const;

/** Signs `email` up through the route; the jar holds the cookies. */
async function signedUp(backend: ConvexTestBackend, email = "ada@example.com", base = APP) {
  const jar = new CookieJar();
  const response = await handleAuthRequest(routeRequest(signUp(email), { base }), { backend });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { tokens: { token: string } };
  jar.apply(response);
  return { jar, response, body };
}

const users = (backend: ConvexTestBackend) => backend.t.query(probe.rows, { table: "users" });

describe("the cookie model", () => {
  test("a sign-in sets both cookies HttpOnly; Secure; SameSite=Lax; Path=/ with __Host- names, and the body has no refresh token", async () => {
    const backend = new ConvexTestBackend();
    const { response, body, jar } = await signedUp(backend);
    const lines = response.headers.getSetCookie();
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^__Host-convexAuth\.(token|refresh)=[A-Za-z0-9._-]+; /);
      const flags = line.split("; ").slice(1);
      expect(flags).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Secure", `Max-Age=${30 * 24 * 3600}`]));
      expect(line).not.toMatch(/Domain=/i);
    }
    const refresh = jar.cookies.get("__Host-convexAuth.refresh")!;
    expect(refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jar.cookies.get("__Host-convexAuth.token")).toBe(body.tokens.token);
    expect(Object.keys(body.tokens)).toEqual(["token"]);
    expect(JSON.stringify(body)).not.toContain(refresh);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // The page's token is Convex's: it reaches the user's data.
    const viewer = await as(backend.t, body.tokens.token).query(api.users.viewer, {});
    expect(viewer?.email).toBe("ada@example.com");
  });

  test("on http://localhost the cookies drop Secure (and the __Host- prefix); on any other http host they keep it", async () => {
    const local = await signedUp(new ConvexTestBackend(), "ada@example.com", "http://localhost:3000");
    for (const line of local.response.headers.getSetCookie()) {
      expect(line).toMatch(/^convexAuth\.(token|refresh)=/);
      expect(line).not.toMatch(/Secure/);
      expect(line).toMatch(/HttpOnly; SameSite=Lax/);
    }
    // Behind a TLS proxy the app may see http://: the browser sees https, so Secure stays.
    const proxied = await signedUp(new ConvexTestBackend(), "ada@example.com", "http://app.internal:3000");
    for (const line of proxied.response.headers.getSetCookie()) expect(line).toMatch(/^__Host-.*; Secure$/);
  });

  test("a refresh rotates the refresh cookie and hands the page only the new access token", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    const first = jar.cookies.get("__Host-convexAuth.refresh")!;
    advance(60_000);
    const response = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend });
    const text = await response.clone().text();
    jar.apply(response);
    const second = jar.cookies.get("__Host-convexAuth.refresh")!;
    expect(second).not.toBe(first);
    expect(text).not.toContain(second);
    expect(text).not.toContain(first);
    expect(JSON.parse(text).tokens.token).toBe(jar.cookies.get("__Host-convexAuth.token"));
  });

  test("session answers a fresh access token without calling Convex, and refreshes one about to expire", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    const before = backend.calls.length;
    const fresh = await handleAuthRequest(routeRequest({ action: "session" }, { cookie: jar.header() }), { backend });
    expect(((await fresh.json()) as { tokens: { token: string } }).tokens.token).toBe(body.tokens.token);
    expect(fresh.headers.getSetCookie()).toEqual([]);
    expect(backend.calls.length).toBe(before);
    advance(15 * 60_000 - 30_000); // 30 s left: less than a quarter of the lifetime
    const renewed = await handleAuthRequest(routeRequest({ action: "session" }, { cookie: jar.header() }), { backend });
    const token = ((await renewed.json()) as { tokens: { token: string } }).tokens.token;
    expect(token).not.toBe(body.tokens.token);
    expect(backend.calls.slice(before).map((c) => c.fn)).toEqual(["refresh"]);
    expect(renewed.headers.getSetCookie()).toHaveLength(2);
  });
});

describe("refused before anything is called or written", () => {
  test("cross-site requests: another origin, a look-alike, no Origin, Origin null, all at once", async () => {
    const backend = new ConvexTestBackend();
    const origins = ["https://evil.example", "https://app.example.com.evil.example", "http://app.example.com", "https://app.example.com:444", null, "null"];
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => handleAuthRequest(routeRequest(signUp(`mallory${i}@example.com`), { origin: origins[i % origins.length] }), { backend })),
    );
    for (const response of responses) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("CROSS_SITE_REQUEST");
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(backend.calls).toEqual([]);
    expect(await users(backend)).toEqual([]);
  });

  test("the app's own origin is also the one its Host (or a proxy's X-Forwarded-*) header names; an attacker's Origin is still refused", async () => {
    const backend = new ConvexTestBackend();
    // `next start -H ::` sees http://[::]:3000; the browser used http://localhost:3000.
    const behind = (origin: string, headers: Record<string, string>) =>
      handleAuthRequest(routeRequest(signUp(`u${Math.random()}@example.com`), { base: "http://[::]:3000", origin, headers }), { backend });
    const local = await behind("http://localhost:3000", { host: "localhost:3000" });
    expect(local.status).toBe(200);
    // Cookies are judged by the browser's origin: localhost, so no Secure.
    expect(local.headers.getSetCookie()[0]).toMatch(/^convexAuth\.token=.*SameSite=Lax$/);
    const proxied = await behind("https://app.example.com", { host: "10.0.0.5:3000", "x-forwarded-host": "app.example.com", "x-forwarded-proto": "https" });
    expect(proxied.status).toBe(200);
    expect(proxied.headers.getSetCookie()[0]).toMatch(/^__Host-convexAuth\.token=.*; Secure$/);
    for (const [origin, headers] of [
      ["https://evil.example", { host: "localhost:3000" }],
      ["http://localhost:3000", { host: "evil.example" }],
      ["http://app.example.com", { "x-forwarded-host": "app.example.com", "x-forwarded-proto": "https" }],
    ] as const) {
      expect((await behind(origin, headers)).status, `${origin} ${JSON.stringify(headers)}`).toBe(403);
    }
  });

  test("allowedOrigins: previews matched by a pattern are served, look-alikes refused", async () => {
    const backend = new ConvexTestBackend();
    const allowedOrigins = ["https://app.example.com", "https://*.preview.example.com"];
    const preview = "https://pr-3.preview.example.com";
    const served = await handleAuthRequest(routeRequest(signUp("ada@example.com"), { base: preview }), { backend, allowedOrigins });
    expect(served.status).toBe(200);
    for (const origin of [
      "https://pr-3.preview.example.com.evil.example",
      "https://a.b.preview.example.com",
      "https://preview.example.com",
      "http://pr-3.preview.example.com",
      "https://pr-3.preview.example.com/",
    ]) {
      const response = await handleAuthRequest(routeRequest(signUp("mallory@example.com"), { base: preview, origin }), { backend, allowedOrigins });
      expect(response.status, origin).toBe(403);
    }
    expect((await users(backend)).map((u) => u.email)).toEqual(["ada@example.com"]);
    // A pattern that could match another registrable domain is a configuration error, not a silent allow.
    await expect(handleAuthRequest(routeRequest(signUp("x@example.com")), { backend, allowedOrigins: "https://app.example.com, https://*.vercel.app" })).rejects.toThrow(
      /registrable domain/,
    );
  });

  test("a cross-site sign-out cannot end the victim's session or clear its cookies", async () => {
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    const response = await handleAuthRequest(routeRequest({ action: "signOut" }, { origin: "https://evil.example", cookie: jar.header() }), { backend });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await as(backend.t, body.tokens.token).query(api.auth.sessionState, {})).toMatchObject({ live: true });
  });

  test("malformed input: wrong method, content type, JSON, fields, oversized bodies", async () => {
    const backend = new ConvexTestBackend();
    const cases: [Request, number][] = [
      [new Request(`${APP}/api/auth`, { method: "GET", headers: { origin: APP } }), 405],
      [routeRequest(JSON.stringify(signUp("a@example.com")), { headers: { "content-type": "text/plain" } }), 415],
      [routeRequest(JSON.stringify(signUp("a@example.com")), { headers: { "content-type": "application/x-www-form-urlencoded" } }), 415],
      [routeRequest("{not json"), 400],
      [routeRequest("[]"), 400],
      [routeRequest(JSON.stringify({ action: "steal" })), 400],
      [routeRequest(JSON.stringify({ action: "refresh", refreshToken: "x".repeat(43) })), 400],
      [routeRequest(JSON.stringify({ ...signUp("a@example.com"), refreshToken: "x".repeat(43) })), 400],
      [routeRequest(JSON.stringify({ action: "signIn", provider: 7 })), 400],
      [routeRequest(JSON.stringify({ action: "signIn", provider: "password", params: ["x"] })), 400],
      [routeRequest(JSON.stringify({ action: "signIn", verifier: "v".repeat(5000) })), 400],
      [routeRequest(JSON.stringify({ action: "forget" })), 400],
      [routeRequest(JSON.stringify({ ...signUp("a@example.com"), pad: "x".repeat(70_000) })), 413],
    ];
    for (const [i, [request, status]] of cases.entries()) {
      const response = await handleAuthRequest(request, { backend });
      expect(response.status, `case ${i}`).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INVALID_ARGUMENT");
    }
    // A body without Content-Length is cut off as it streams in.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(" ".repeat(16_384)));
      },
    });
    const streamed = new Request(`${APP}/api/auth`, {
      method: "POST",
      headers: { origin: APP, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await handleAuthRequest(streamed, { backend, maxBodyBytes: 4096 })).status).toBe(413);
    expect(backend.calls).toEqual([]);
    expect(await users(backend)).toEqual([]);
  });

  test("a server error comes back with its code, and sets no cookie", async () => {
    const backend = new ConvexTestBackend();
    await signedUp(backend);
    const again = await handleAuthRequest(routeRequest(signUp("ada@example.com")), { backend });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("ACCOUNT_EXISTS");
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  test("an unreachable Convex is a 502 that keeps the cookies", async () => {
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    backend.down = true;
    const response = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend });
    expect(response.status).toBe(502);
    expect(await response.json()).not.toHaveProperty("error");
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe("stolen and raced refresh cookies", () => {
  test("a page and its prefetches refreshing at once share one exchange: the session lives on", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    advance(16 * 60_000);
    const cookie = jar.header();
    // More than the 3 exchanges of one token the server allows before it calls it theft.
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => handleAuthRequest(routeRequest({ action: "refresh" }, { cookie }), { backend })),
    );
    const tokens = await Promise.all(responses.map(async (r) => ((await r.clone().json()) as { tokens: { token: string } }).tokens.token));
    expect(new Set(tokens).size).toBe(1);
    expect(backend.calls.filter((c) => c.fn === "refresh")).toHaveLength(1);
    jar.apply(responses[7]!);
    advance(60_000);
    const next = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend });
    expect(((await next.json()) as { tokens: unknown }).tokens).not.toBeNull();
  });

  test("two servers refreshing one cookie at once both get tokens; the cookie that lands keeps working", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    advance(60_000);
    // Two processes share nothing: call the backend directly, as each would.
    const refreshToken = jar.cookies.get("__Host-convexAuth.refresh")!;
    const results = await Promise.all([backend.signIn({ refreshToken }), backend.signIn({ refreshToken })]);
    const refreshed = results.map((r) => (r as { tokens: { token: string; refreshToken: string } }).tokens);
    for (const tokens of refreshed) expect(tokens).not.toBeNull();
    // The browser keeps whichever answer it processed last.
    jar.cookies.set("__Host-convexAuth.refresh", refreshed[1]!.refreshToken);
    advance(60_000);
    const next = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend });
    expect(((await next.json()) as { tokens: unknown }).tokens).not.toBeNull();
  });

  test("a refresh cookie replayed after its successor was used ends the session and clears the cookies", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    const stolen = jar.header();
    advance(60_000);
    jar.apply(await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend }));
    advance(60_000);
    jar.apply(await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend }));
    advance(60_000);
    const replay = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: stolen }), { backend });
    expect(await replay.json()).toEqual({ tokens: null });
    expect(replay.headers.getSetCookie().every((line) => /Max-Age=0/.test(line))).toBe(true);
    // The victim's chain is ended too (reuse is theft).
    const victim = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie: jar.header() }), { backend });
    expect(await victim.json()).toEqual({ tokens: null });
  });

  test("a refresh cookie of the wrong shape or name reads as absent", async () => {
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    const refresh = jar.cookies.get("__Host-convexAuth.refresh")!;
    for (const cookie of [`__Host-convexAuth.refresh=${refresh}"`, `convexAuth.refresh=${refresh}`, `__Host-convexAuth.refresh=a%20b`]) {
      const response = await handleAuthRequest(routeRequest({ action: "refresh" }, { cookie }), { backend });
      expect(await response.json()).toEqual({ tokens: null });
    }
    expect(backend.calls.filter((c) => c.fn === "refresh")).toEqual([]);
  });
});

describe("signing in while signed in, and signing out", () => {
  test("a sign-in sent with the session's cookies goes to Convex as the signed-in user", async () => {
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    await handleAuthRequest(routeRequest({ action: "signIn", provider: "totp", params: { flow: "setup" } }, { cookie: jar.header() }), { backend });
    expect(backend.calls.at(-1)).toMatchObject({ fn: "signIn", token: body.tokens.token });
  });

  test("sign-out ends the session on Convex and clears both cookies", async () => {
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    const response = await handleAuthRequest(routeRequest({ action: "signOut" }, { cookie: jar.header() }), { backend });
    expect(await response.json()).toBeNull();
    const lines = response.headers.getSetCookie();
    expect(lines.map((line) => line.split("=")[0]).sort()).toEqual(["__Host-convexAuth.refresh", "__Host-convexAuth.token"]);
    for (const line of lines) expect(line).toMatch(/^[^=]+=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$/);
    expect(await as(backend.t, body.tokens.token).query(api.auth.sessionState, {})).toMatchObject({ live: false });
  });

  test("sign-out with an expired access token refreshes to find the session, then ends it", async () => {
    useClock();
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    advance(16 * 60_000);
    const response = await handleAuthRequest(routeRequest({ action: "signOut" }, { cookie: jar.header() }), { backend });
    expect(response.headers.getSetCookie()).toHaveLength(2);
    expect(backend.calls.slice(-2).map((c) => c.fn)).toEqual(["refresh", "signOut"]);
    const claims = JSON.parse(atob(body.tokens.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    const sessions = await backend.t.query(probe.rows, { table: "sessions" });
    expect(sessions.map((s) => s._id)).not.toContain(String(claims.sub).split("|")[1]);
  });

  test("sign-out clears the cookies even when Convex cannot be reached", async () => {
    const backend = new ConvexTestBackend();
    const { jar } = await signedUp(backend);
    backend.down = true;
    const response = await handleAuthRequest(routeRequest({ action: "signOut" }, { cookie: jar.header() }), { backend });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie().every((line) => /Max-Age=0/.test(line))).toBe(true);
  });

  test("forget clears the cookies only when they hold the session it names", async () => {
    const backend = new ConvexTestBackend();
    const { jar, body } = await signedUp(backend);
    const sessionId = String(JSON.parse(atob(body.tokens.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub).split("|")[1]!;
    const other = await handleAuthRequest(routeRequest({ action: "forget", sessionId: "an-older-session" }, { cookie: jar.header() }), { backend });
    expect(other.headers.getSetCookie()).toEqual([]);
    const mine = await handleAuthRequest(routeRequest({ action: "forget", sessionId }, { cookie: jar.header() }), { backend });
    expect(mine.headers.getSetCookie().every((line) => /Max-Age=0/.test(line))).toBe(true);
    expect(backend.calls.filter((c) => c.fn !== "signIn")).toEqual([]);
  });
});
