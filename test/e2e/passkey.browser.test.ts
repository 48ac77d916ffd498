// @vitest-environment node
/**
 * Passkeys against a real browser: Debian's Chromium, headless, driven by
 * playwright-core, with a Chrome DevTools virtual authenticator (CTAP2,
 * internal transport, resident keys, user verification). A page served from
 * http://localhost:<port> runs this package's client (test/e2e/passkeyPage.ts);
 * the browser makes the credentials and the assertions, and the server code
 * on convex-test (the example app's `signIn`) verifies them. Chromium's
 * authenticator makes Ed25519 keys, since the options list EdDSA first.
 * Covered: sign-up, usernameless and email-hint sign-in (a JWT whose `sub`
 * is the user, verified as Convex would), excludeCredentials, adding a
 * passkey, a passkey as the second factor after a password, a wrong origin.
 *
 * Nothing here is skipped: without Chromium the test fails, saying how to
 * install it (`apt-get install -y chromium`; CHROMIUM_PATH overrides the path).
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import esbuild from "esbuild";
import { chromium, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { ConvexError } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { as, makeAuthTest, probe, verifiedAsConvex, type AuthTest } from "../harness/auth.js";
import { addVirtualAuthenticator, CHROMIUM, CHROMIUM_ARGS, requireChromium } from "./app/browser.js";

const here = path.dirname(fileURLToPath(import.meta.url));

let t: AuthTest;
let server: http.Server;
let origin: string;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let profileDir: string;
let savedSiteUrl: string | undefined;

/** Serves the page, its script, and `POST /signIn` (the example app's signIn on convex-test). */
function startServer(script: string): Promise<http.Server> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>passkey e2e</title></head>
<body><script type="module" src="/app.js"></script></body></html>`;
  const app = http.createServer(async (request, response) => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    if (request.method === "GET" && request.url === "/") return send(200, "text/html", html);
    if (request.method === "GET" && request.url === "/app.js") return send(200, "text/javascript", script);
    if (request.method === "POST" && request.url === "/signIn") {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const { args, token } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      try {
        const result = await (token ? as(t, token) : t).action(api.auth.signIn, args);
        return send(200, "application/json", JSON.stringify({ result }));
      } catch (error) {
        const data = error instanceof ConvexError ? (error.data as { code: string; message: string }) : null;
        const body = data ?? { code: "SERVER_ERROR", message: String(error) };
        return send(400, "application/json", JSON.stringify({ error: body }));
      }
    }
    send(404, "text/plain", "not found");
  });
  return new Promise((resolve) => app.listen(0, "127.0.0.1", () => resolve(app)));
}

/** A fresh virtual authenticator (the previous one, if any, is removed). */
let authenticatorId: string | undefined;
async function newAuthenticator(): Promise<void> {
  if (authenticatorId) await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
  authenticatorId = await addVirtualAuthenticator(cdp);
}

type PageResult = { outcome?: { status: string; verifier?: string }; token?: string | null; error?: string };
type PageApi = { signIn(p: string, q: unknown, v?: string): Promise<PageResult> };
async function signIn(provider: string, params: Record<string, unknown>, verifier?: string): Promise<PageResult> {
  return await page.evaluate(
    ([p, q, v]) => (window as unknown as { e2e: PageApi }).e2e.signIn(p, q, v ?? undefined),
    [provider, params, verifier ?? null] as const,
  );
}
async function newClient(): Promise<void> {
  await page.evaluate(() => (window as unknown as { e2e: { newClient(): void } }).e2e.newClient());
}

/** Verifies an access token as Convex would (the app's auth.config.ts), and returns its subject. */
async function verifiedSubject(token: string | null | undefined): Promise<{ userId: string; sessionId: string }> {
  expect(token, "expected an access token").toEqual(expect.any(String));
  const payload = await verifiedAsConvex(t, token!);
  const [userId, sessionId] = String(payload.sub).split("|");
  return { userId: userId!, sessionId: sessionId! };
}
const verifiedUserId = async (token: string | null | undefined) => (await verifiedSubject(token)).userId;

beforeAll(async () => {
  requireChromium();
  const bundle = await esbuild.build({
    entryPoints: [path.join(here, "passkeyPage.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@convex-dev/component-source"],
    logLevel: "silent",
  });
  server = await startServer(bundle.outputFiles[0]!.text);
  const { port } = server.address() as { port: number };
  origin = `http://localhost:${port}`;
  savedSiteUrl = process.env.SITE_URL;
  process.env.SITE_URL = origin; // the Passkey provider's origin and RP ID ("localhost")
  t = makeAuthTest();

  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "passkey-e2e-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  cdp = await context.newCDPSession(page);
  await newAuthenticator();
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached" });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  if (savedSiteUrl === undefined) delete process.env.SITE_URL;
  else process.env.SITE_URL = savedSiteUrl;
});

describe("passkeys in Chromium with a virtual authenticator", () => {
  test("sign up, sign in without a username, with an email, add a second passkey", { timeout: 120_000 }, async () => {
    // Sign up: the browser creates a discoverable credential; the server verifies and stores it.
    const signedUp = await signIn("passkey", { flow: "signUp", email: "ada@example.com", name: "Ada" });
    expect(signedUp.error).toBeUndefined();
    expect(signedUp.outcome).toEqual({ status: "signedIn" });
    const userId = await verifiedUserId(signedUp.token);
    const [stored] = await t.query(probe.rows, { table: "passkeys" });
    expect(stored).toMatchObject({ userId, algorithm: -8, transports: ["internal"], name: "Passkey 1" });
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId: authenticatorId! });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });

    // A usernameless sign-in from a client that holds nothing: a JWT whose sub is that user.
    await newClient();
    const usernameless = await signIn("passkey", {});
    expect(usernameless.error).toBeUndefined();
    expect(await verifiedUserId(usernameless.token)).toBe(userId);

    // With an email hint (allowCredentials).
    await newClient();
    const hinted = await signIn("passkey", { email: "ada@example.com" });
    expect(await verifiedUserId(hinted.token)).toBe(userId);
    const [afterTwo] = await t.query(probe.rows, { table: "passkeys" });
    expect(afterTwo!.counter).toBeGreaterThan(0);

    // Adding a passkey on the same authenticator: excludeCredentials makes the browser refuse.
    const duplicate = await signIn("passkey", { flow: "register" });
    expect(duplicate.error).toMatch(/InvalidStateError|registered/i);
    expect(await t.query(probe.rows, { table: "passkeys" })).toHaveLength(1);

    // On another authenticator it is added to the signed-in user, in the same session.
    await newAuthenticator();
    const added = await signIn("passkey", { flow: "register", passkeyName: "Security key" });
    expect(added.error).toBeUndefined();
    expect(await verifiedSubject(added.token)).toEqual(await verifiedSubject(hinted.token));
    const names = (await as(t, added.token!).query(api.passkeys.list, {})).map((p) => p.name);
    expect(names).toEqual(["Passkey 1", "Security key"]);

    // And the new authenticator signs in too.
    await newClient();
    const second = await signIn("passkey", {});
    expect(await verifiedUserId(second.token)).toBe(userId);
  });

  test("a passkey as the second factor after a password", { timeout: 60_000 }, async () => {
    await newAuthenticator();
    await newClient();
    const signedUp = await signIn("password", { flow: "signUp", email: "bob@example.com", password: "correct horse battery" });
    const bobId = await verifiedUserId(signedUp.token);
    const added = await signIn("passkey", { flow: "register", passkeyName: "Phone", secondFactor: true });
    expect(added.error).toBeUndefined();

    await newClient();
    const first = await signIn("password", { flow: "signIn", email: "bob@example.com", password: "correct horse battery" });
    expect(first.outcome).toEqual({ status: "secondFactorRequired", methods: ["passkey"] });
    expect(first.token).toBeNull();
    // The client kept the step's verifier: the app passes none.
    const second = await signIn("passkey", { flow: "secondFactor" });
    expect(second.error).toBeUndefined();
    expect(await verifiedUserId(second.token)).toBe(bobId);
  });

  test("a response for another origin's page is refused and leaves no session", { timeout: 60_000 }, async () => {
    // The server expects another origin: the browser's honest response must not verify.
    const sessionsBefore = (await t.query(probe.rows, { table: "sessions" })).length;
    process.env.SITE_URL = "http://localhost:1";
    try {
      await newClient();
      const result = await signIn("passkey", {});
      expect(result.error).toMatch(/^Error: PASSKEY_INVALID: .*origin/);
    } finally {
      process.env.SITE_URL = origin;
    }
    expect((await t.query(probe.rows, { table: "sessions" })).length).toBe(sessionsBefore);
  });
});
