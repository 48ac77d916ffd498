// @vitest-environment node
/**
 * The Next.js App Router example (example-nextjs: convex-auth-kit/nextjs and
 * /nextjs/server), built with `next build` and served by `next start`
 * against the embedded dev backend, driven in Debian's Chromium: sign-up
 * and sign-in through the UI; the protected page's first HTML holds the
 * user (fetched with the browser's cookies) and redirects signed-out
 * visitors; the proxy refreshes an expired access token for the render;
 * a Server Action and a Route Handler run as the user; sign-out clears
 * both cookies; a cross-site POST to the auth route is refused; the cookie
 * flags come from the `Set-Cookie` headers; a session revoked from another
 * device stops rendering as signed in.
 */
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from "./app/browser.js";
import { freePort, startDevBackend, type DevBackend } from "./app/devApp.js";
import { buildNextExample, startNextExample } from "./app/nextApp.js";
import { CookieJar } from "../ssr/backend.js";

const TOKEN_TTL_MS = 15_000;
const PASSWORD = "correct horse battery staple";
const NETWORK = { timeout: 20_000 };

let backend: DevBackend;
let next: Awaited<ReturnType<typeof startNextExample>>;
let browser: Browser;

beforeAll(async () => {
  requireChromium();
  const port = await freePort();
  const [dev, built] = await Promise.all([
    startDevBackend({ appUrl: `http://localhost:${port}`, env: { EXAMPLE_ACCESS_TOKEN_TTL_MS: String(TOKEN_TTL_MS) } }),
    buildNextExample(),
  ]);
  backend = dev;
  console.log(`next build of example-nextjs: ${(built.ms / 1000).toFixed(1)} s`);
  next = await startNextExample(port, backend.convexUrl);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 10 * 60_000);
afterAll(async () => {
  await browser?.close();
  await next?.stop();
  await backend?.stop();
});

const revoke = makeFunctionReference<"mutation", { sessionId: string }, null>("sessions:revoke");
const sessionState = makeFunctionReference<"query", Record<string, never>, { live: boolean } | null>("auth:sessionState");
const sessionIdOf = (token: string) => String(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sub).split("|")[1]!;

async function device(path = "/signin"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(next.url + path);
  return { context, page };
}

async function signInThroughUi(page: Page, email: string, button: "Sign up" | "Sign in"): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.locator("#client-viewer", { hasText: `Client sees ${email}` }).waitFor(NETWORK);
}

async function appCookies(context: BrowserContext) {
  return new Map((await context.cookies(next.url)).map((cookie) => [cookie.name, cookie]));
}

/** The protected page as the browser fetches it, with its cookies, without following a redirect. */
async function fetchProtected(context: BrowserContext) {
  const response = await context.request.get(`${next.url}/protected`, { maxRedirects: 0 });
  return { status: response.status(), location: response.headers().location, html: await response.text(), response };
}

describe("the auth route", () => {
  test("sets HttpOnly; SameSite=Lax; Path=/ cookies (no Secure on http://localhost) and answers no refresh token", async () => {
    const jar = new CookieJar();
    const response = await fetch(`${next.url}/api/auth`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: next.url },
      body: JSON.stringify({ action: "signIn", provider: "password", params: { flow: "signUp", email: "route@example.com", password: PASSWORD } }),
    });
    expect(response.status).toBe(200);
    const lines = response.headers.getSetCookie();
    jar.apply(response);
    expect(lines.map((line) => line.split("=")[0]).sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    for (const line of lines) expect(line).toMatch(/^convexAuth\.(token|refresh)=[A-Za-z0-9._-]+; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    expect(await response.text()).not.toContain(jar.cookies.get("convexAuth.refresh")!);
    // Its first HTML: the user, from the server.
    const page = await fetch(`${next.url}/protected`, { headers: { cookie: jar.header() } });
    expect(await page.text()).toContain("Signed in as <!-- -->route@example.com");
  });

  test("refuses a cross-site POST, writing nothing", async () => {
    const response = await fetch(`${next.url}/api/auth`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:1" },
      body: JSON.stringify({ action: "signIn", provider: "password", params: { flow: "signUp", email: "mallory@example.com", password: PASSWORD } }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("CROSS_SITE_REQUEST");
    expect(response.headers.getSetCookie()).toEqual([]);
    const byEmail = makeFunctionReference<"query", { email: string }, unknown>("users:byEmail");
    expect(await new ConvexHttpClient(backend.convexUrl).query(byEmail, { email: "mallory@example.com" })).toBeNull();
  });
});

describe("in Chromium", () => {
  test("sign up and sign in through the UI; the protected page's first HTML shows the user; signed out it redirects", async () => {
    const { context, page } = await device("/protected");
    // Signed out: the proxy sends the visitor to the sign-in page.
    await page.waitForURL(/\/signin\?redirectTo=%2Fprotected$/, NETWORK);
    await signInThroughUi(page, "ada@example.com", "Sign up");
    expect(new URL(page.url()).pathname).toBe("/protected");
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const cookies = await appCookies(context);
    expect([...cookies.keys()].sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    for (const cookie of cookies.values()) expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false });
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    for (const cookie of cookies.values()) expect(stored).not.toContain(cookie.value);
    // The first HTML, fetched with the browser's cookies: the server's and the client component's markup both show the user.
    const first = await fetchProtected(context);
    expect(first.status).toBe(200);
    expect(first.html).toContain("Signed in as <!-- -->ada@example.com");
    expect(first.html).toContain("Client sees ada@example.com");
    // Signed out, then in again through the UI.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/, NETWORK);
    await page.goto(`${next.url}/signin`);
    await signInThroughUi(page, "ada@example.com", "Sign in");
    await context.close();
  });

  test("the proxy refreshes an expired access token for the render; a Server Action and a Route Handler run as the user", async () => {
    const { context, page } = await device();
    await signInThroughUi(page, "grace@example.com", "Sign up");
    await page.getByLabel("Name").fill("Grace Hopper");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.locator("#client-viewer", { hasText: "(Grace Hopper)" }).waitFor(NETWORK);
    const before = (await appCookies(context)).get("convexAuth.token")!.value;
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_MS + 1000));
    const { status, html, response } = await fetchProtected(context);
    expect(status).toBe(200);
    expect(html).toContain("Signed in as <!-- -->grace@example.com");
    const setCookies = response.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie");
    expect(setCookies.map((h) => h.value.split("=")[0]).sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    expect((await appCookies(context)).get("convexAuth.token")!.value).not.toBe(before);
    const me = (await (await context.request.get(`${next.url}/api/me`)).json()) as { viewer: { email: string; name: string } };
    expect(me.viewer).toMatchObject({ email: "grace@example.com", name: "Grace Hopper" });
    await context.close();
  }, 90_000);

  test("sign-out clears both cookies and ends the session", async () => {
    const { context, page } = await device();
    await signInThroughUi(page, "edsger@example.com", "Sign up");
    const token = (await appCookies(context)).get("convexAuth.token")!.value;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin/, NETWORK);
    expect(await context.cookies(next.url)).toEqual([]);
    expect((await fetchProtected(context)).status).toBe(307);
    const convex = new ConvexHttpClient(backend.convexUrl);
    convex.setAuth(token);
    expect(await convex.query(sessionState, {})).toMatchObject({ live: false });
    await context.close();
  });

  test("a session revoked from another device stops rendering as signed in", async () => {
    const a = await device();
    await signInThroughUi(a.page, "barbara@example.com", "Sign up");
    const aToken = (await appCookies(a.context)).get("convexAuth.token")!.value;
    const stale = await a.context.storageState();
    const b = await device();
    await signInThroughUi(b.page, "barbara@example.com", "Sign in");
    const convex = new ConvexHttpClient(backend.convexUrl);
    convex.setAuth((await appCookies(b.context)).get("convexAuth.token")!.value);
    await convex.mutation(revoke, { sessionId: sessionIdOf(aToken) });
    // The open page hears it and forgets its cookies.
    await expect.poll(async () => (await a.context.cookies(next.url)).length, NETWORK).toBe(0);
    // A copy of the old cookies (a tab closed before) no longer gets the protected page.
    const copy = await browser.newContext({ storageState: stale });
    const fetched = await fetchProtected(copy);
    expect(fetched.status).toBe(307);
    expect(fetched.location).toMatch(/\/signin\?redirectTo=(%2F|\/)protected$/);
    // The other device is unaffected.
    expect((await fetchProtected(b.context)).html).toContain("Signed in as <!-- -->barbara@example.com");
    await copy.close();
    await a.context.close();
    await b.context.close();
  });
});
