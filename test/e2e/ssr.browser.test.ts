// @vitest-environment node
/**
 * The Fetch-API adapter (convex-auth-kit/ssr) end to end: a minimal app on
 * Node's `http` (test/fixtures/ssrApp) against the embedded dev backend,
 * driven by fetch and by Debian's Chromium. The cookie flags come from the
 * `Set-Cookie` headers; the first HTML shows the signed-in user; an OAuth
 * return is finished through the auth route; an expired
 * access token is refreshed by the server render; a cross-site POST is
 * refused and changes nothing; sign-out clears both cookies; a session
 * revoked from another device stops rendering as signed in.
 */
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from "./app/browser.js";
import { freePort, startDevBackend, type DevBackend } from "./app/devApp.js";
import { startGitHubOnLocalhost } from "./app/oauthMock.js";
import { startAttacker, startSsrApp } from "../fixtures/ssrApp/app.js";
import { CookieJar } from "../ssr/backend.js";

/** Access tokens live 15 s here, so a test can outlive one. */
const TOKEN_TTL_MS = 15_000;
const PASSWORD = "correct horse battery staple";
const NETWORK = { timeout: 20_000 };

let backend: DevBackend;
let app: Awaited<ReturnType<typeof startSsrApp>>;
let attacker: Awaited<ReturnType<typeof startAttacker>>;
let browser: Browser;
let github: Awaited<ReturnType<typeof startGitHubOnLocalhost>>;

beforeAll(async () => {
  requireChromium();
  const port = await freePort();
  github = await startGitHubOnLocalhost();
  backend = await startDevBackend({
    appUrl: `http://localhost:${port}`,
    env: {
      EXAMPLE_ACCESS_TOKEN_TTL_MS: String(TOKEN_TTL_MS),
      AUTH_GITHUB_ID: "gh-client",
      AUTH_GITHUB_SECRET: "gh-secret",
      AUTH_GITHUB_ENTERPRISE_URL: github.url,
    },
  });
  app = await startSsrApp(backend.convexUrl, port);
  attacker = await startAttacker(app.url, await freePort());
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await attacker?.stop();
  await app?.stop();
  await backend?.stop();
  await github?.stop();
});

const byEmail = makeFunctionReference<"query", { email: string }, { id: string } | null>("users:byEmail");
const revoke = makeFunctionReference<"mutation", { sessionId: string }, null>("sessions:revoke");
const sessionIdOf = (token: string) => String(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sub).split("|")[1]!;

/** A POST to the app's auth route from Node, as a page of `origin` would send it. */
async function post(body: unknown, jar: CookieJar, origin = app.url): Promise<Response> {
  const response = await fetch(`${app.url}/api/auth`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, cookie: jar.header() },
    body: JSON.stringify(body),
  });
  jar.apply(response);
  return response;
}

/** The app's page from Node with `cookie`. */
async function render(cookie: string): Promise<{ html: string; setCookies: string[] }> {
  const response = await fetch(`${app.url}/`, { headers: { cookie } });
  return { html: await response.text(), setCookies: response.headers.getSetCookie() };
}

/** A fresh browser profile with the app open. */
async function device(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(app.url);
  return { context, page };
}

async function signUpInBrowser(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await page.locator("#client-state", { hasText: `Client sees ${email}` }).waitFor(NETWORK);
}

async function signInInBrowser(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.locator("#client-state", { hasText: `Client sees ${email}` }).waitFor(NETWORK);
}

/** The app's cookies in `context`, by name. */
async function appCookies(context: BrowserContext) {
  return new Map((await context.cookies(app.url)).map((cookie) => [cookie.name, cookie]));
}

describe("driven by fetch", () => {
  test("a sign-up through the route sets HttpOnly; SameSite=Lax; Path=/ cookies (no Secure on http://localhost) and the first HTML shows the user", async () => {
    const jar = new CookieJar();
    const response = await post({ action: "signIn", provider: "password", params: { flow: "signUp", email: "fetch@example.com", password: PASSWORD } }, jar);
    expect(response.status).toBe(200);
    const lines = response.headers.getSetCookie();
    expect(lines.map((line) => line.split("=")[0]).sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    for (const line of lines) {
      expect(line).toMatch(/^convexAuth\.(token|refresh)=[A-Za-z0-9._-]+; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    }
    const body = await response.text();
    expect(body).not.toContain(jar.cookies.get("convexAuth.refresh")!);
    const { html } = await render(jar.header());
    expect(html).toContain('<p id="server-render" data-signed-in="true">Signed in as fetch@example.com</p>');
    expect(html).not.toContain(jar.cookies.get("convexAuth.refresh")!);
  });

  test("a cross-site POST is refused and writes nothing", async () => {
    const attempts = await Promise.all(
      [attacker.url, "http://127.0.0.1:1", "null"].map((origin, i) =>
        post({ action: "signIn", provider: "password", params: { flow: "signUp", email: `mallory${i}@example.com`, password: PASSWORD } }, new CookieJar(), origin),
      ),
    );
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("CROSS_SITE_REQUEST");
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const convex = new ConvexHttpClient(backend.convexUrl);
    for (const i of [0, 1, 2]) expect(await convex.query(byEmail, { email: `mallory${i}@example.com` })).toBeNull();
  });
});

describe("in Chromium", () => {
  test("sign up through the UI: the page's JavaScript sees no cookie and stores no token; the first HTML of the next page shows the user", async () => {
    const { context, page } = await device();
    await page.locator("#client-state", { hasText: "Client signed out" }).waitFor(NETWORK);
    await signUpInBrowser(page, "ada@example.com");
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    const cookies = await appCookies(context);
    expect([...cookies.keys()].sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    for (const cookie of cookies.values()) {
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false });
      expect(stored).not.toContain(cookie.value);
    }
    // The page as the browser fetches it, with its cookies: the user is in the markup.
    const fetched = await context.request.get(app.url);
    expect(await fetched.text()).toContain("Signed in as ada@example.com");
    const reloaded = await page.reload();
    expect(await reloaded!.text()).toContain('data-signed-in="true">Signed in as ada@example.com');
    await page.locator("#client-state", { hasText: "Client sees ada@example.com" }).waitFor(NETWORK);
    await context.close();
  });

  test("GitHub OAuth: the return (?code= on the page) is finished through the route, and the next render shows the user", async () => {
    github.who({ sub: "4242", email: "octo@example.com", emailVerified: true, name: "Octo Cat" });
    const { context, page } = await device();
    await page.getByRole("button", { name: "Sign in with GitHub" }).click();
    await page.locator("#client-state", { hasText: "Client sees octo@example.com" }).waitFor(NETWORK);
    expect(new URL(page.url()).searchParams.has("code")).toBe(false);
    expect([...(await appCookies(context)).keys()].sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    expect(await (await context.request.get(app.url)).text()).toContain("Signed in as octo@example.com");
    await context.close();
  });

  test("an expired access token is refreshed transparently: by the open page through the route, and by the server render", async () => {
    const { context, page } = await device();
    await signUpInBrowser(page, "grace@example.com");
    const first = (await appCookies(context)).get("convexAuth.token")!.value;
    // The open page outlives its token and stays signed in.
    await page.waitForTimeout(TOKEN_TTL_MS + 1500);
    await page.locator("#client-state", { hasText: "Client sees grace@example.com" }).waitFor(NETWORK);
    const second = (await appCookies(context)).get("convexAuth.token")!.value;
    expect(second).not.toBe(first);
    // Closed for longer than a token lives, the next page load refreshes on the server.
    await page.close();
    await new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_MS + 1000));
    const response = await context.request.get(app.url);
    expect(await response.text()).toContain("Signed in as grace@example.com");
    const setCookies = response.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie");
    expect(setCookies.map((h) => h.value.split("=")[0]).sort()).toEqual(["convexAuth.refresh", "convexAuth.token"]);
    expect((await appCookies(context)).get("convexAuth.token")!.value).not.toBe(second);
    await context.close();
  }, 90_000);

  test("a cross-site page cannot sign the user out (fetch or form POST): refused, the session and cookies intact", async () => {
    const { context, page } = await device();
    await signUpInBrowser(page, "alan@example.com");
    const before = await appCookies(context);
    const refused = app.log.length;
    const evil = await context.newPage();
    await evil.goto(attacker.url);
    await evil.locator("#result", { hasText: "sent" }).waitFor(NETWORK);
    await Promise.all([evil.waitForNavigation(), evil.evaluate(() => (document.getElementById("csrf") as HTMLFormElement).submit())]);
    const attempts = app.log.slice(refused).filter((entry) => entry.path === "/api/auth" && entry.origin === attacker.url);
    expect(attempts.map((entry) => entry.status)).toEqual([403, 403]);
    const after = await appCookies(context);
    expect(after.get("convexAuth.refresh")!.value).toBe(before.get("convexAuth.refresh")!.value);
    await page.reload();
    await page.locator("#client-state", { hasText: "Client sees alan@example.com" }).waitFor(NETWORK);
    await context.close();
  });

  test("sign-out clears both cookies, and the next render is signed out", async () => {
    const { context, page } = await device();
    await signUpInBrowser(page, "edsger@example.com");
    const token = (await appCookies(context)).get("convexAuth.token")!.value;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#client-state", { hasText: "Client signed out" }).waitFor(NETWORK);
    expect((await context.cookies(app.url)).length).toBe(0);
    expect(await (await context.request.get(app.url)).text()).toContain('data-signed-in="false">Signed out');
    const convex = new ConvexHttpClient(backend.convexUrl);
    convex.setAuth(token);
    expect(await convex.query(makeFunctionReference<"query">("auth:sessionState"), {})).toMatchObject({ live: false });
    await context.close();
  });

  test("a session revoked from another device stops rendering as signed in: the open page signs out and clears its cookies, and old cookies render signed out", async () => {
    const a = await device();
    await signUpInBrowser(a.page, "barbara@example.com");
    const aCookies = await appCookies(a.context);
    const stale = `convexAuth.token=${aCookies.get("convexAuth.token")!.value}; convexAuth.refresh=${aCookies.get("convexAuth.refresh")!.value}`;
    const b = await device();
    await signInInBrowser(b.page, "barbara@example.com");
    const bToken = (await appCookies(b.context)).get("convexAuth.token")!.value;
    const convex = new ConvexHttpClient(backend.convexUrl);
    convex.setAuth(bToken);
    await convex.mutation(revoke, { sessionId: sessionIdOf(aCookies.get("convexAuth.token")!.value) });
    // Device A's open page hears it (sessionState) and clears its cookies through the route.
    await a.page.locator("#client-state", { hasText: "Client signed out" }).waitFor(NETWORK);
    await expect.poll(async () => (await a.context.cookies(app.url)).length, NETWORK).toBe(0);
    // Cookies taken before (a closed tab, a copy) render signed out at once and are cleared.
    const { html, setCookies } = await render(stale);
    expect(html).toContain('data-signed-in="false">Signed out');
    expect(setCookies.every((line) => /Max-Age=0/.test(line))).toBe(true);
    // Device B is unaffected.
    expect(await (await b.context.request.get(app.url)).text()).toContain("Signed in as barbara@example.com");
    await a.context.close();
    await b.context.close();
  });
});
