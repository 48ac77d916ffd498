/**
 * The example app as a user meets it, for the browser tests: the embedded
 * dev backend (scripts/dev-backend, a child process) serving example/convex
 * and the component, the example UI built by Vite and served from
 * http://localhost:<port>, and Debian's Chromium (playwright-core), one
 * fresh profile per "device".
 *
 * Nothing is skipped: without Chromium the tests fail, saying how to install
 * it (`apt-get install -y chromium`; CHROMIUM_PATH overrides the path).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type CDPSession, type Page } from "playwright-core";
import { build } from "vite";
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from "./browser.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
/** Where screenshots go (a CI artifact; not committed). */
export const SCREENSHOT_DIR = path.join(repoRoot, "test-results/screenshots");

/** A browser profile: one user's device. */
export type Device = {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** URLs of the app's own origin that answered 404 (a missing asset, e.g. a favicon). */
  notFound: string[];
  close(): Promise<void>;
};

export type DevApp = {
  /** The example UI (SITE_URL). */
  appUrl: string;
  /** The deployment URL the UI talks to (VITE_CONVEX_URL). */
  convexUrl: string;
  /** The HTTP actions' origin (CONVEX_SITE_URL). */
  siteUrl: string;
  /** A fresh browser profile, with the app open at `hash` (default `#/account`). */
  device(hash?: string): Promise<Device>;
  /** Stops the backend and starts it again: data starts empty, secrets stay. */
  restartBackend(): Promise<void>;
  /** Saves a screenshot of `page` as test-results/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  /** What the backend printed so far (for failure messages). */
  backendLog(): string;
  stop(): Promise<void>;
};

/** A free TCP port on the loopback address. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Serves `dir` (a built single-page app) on both loopback addresses. */
async function serveStatic(dir: string, port: number): Promise<http.Server[]> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
  const handler: http.RequestListener = (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = path.join(dir, path.normalize(pathname));
    const missing = !file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory();
    if (missing && path.extname(pathname) !== "") return void response.writeHead(404).end("not found");
    if (missing) file = path.join(dir, "index.html");
    response.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  };
  const servers: http.Server[] = [];
  for (const host of ["127.0.0.1", "::1"]) {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => {
      server.once("error", () => resolve()); // no IPv6 here: 127.0.0.1 is enough
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
  }
  return servers;
}

type Backend = { child: ChildProcess; log: string[] };

/** Starts scripts/dev-backend and waits until it listens. */
async function startBackend(args: string[], env: Record<string, string>, log: string[]): Promise<Backend> {
  const child = spawn(process.execPath, [path.join(repoRoot, "scripts/dev-backend/launch.mjs"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev backend did not start:\n${log.join("")}`)), 30_000);
    const onData = (chunk: Buffer) => {
      log.push(String(chunk));
      if (log.join("").includes("ready in")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => log.push(String(chunk)));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dev backend exited (${code}) before it was ready:\n${log.join("")}`));
    });
  });
  return { child, log };
}

async function stopBackend(backend: Backend): Promise<void> {
  if (backend.child.exitCode !== null) return;
  const exited = new Promise((resolve) => backend.child.once("exit", resolve));
  backend.child.kill("SIGTERM");
  await exited;
}

export type DevBackend = {
  convexUrl: string;
  siteUrl: string;
  /** Stops the backend and starts it again: data starts empty, secrets stay. */
  restart(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
};

/**
 * Starts the dev backend alone on free ports (secrets in `stateDir`, a fresh
 * temporary directory by default). `siteUrl` is the app's SITE_URL.
 */
export async function startDevBackend(
  options: { env?: Record<string, string>; appUrl?: string; stateDir?: string } = {},
): Promise<DevBackend> {
  const [port, sitePort] = [await freePort(), await freePort()];
  const stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "dev-backend-"));
  const args = ["--port", String(port), "--site-port", String(sitePort), "--state-dir", stateDir];
  if (options.appUrl) args.push("--site-url", options.appUrl);
  const log: string[] = [];
  let backend = await startBackend(args, options.env ?? {}, log);
  return {
    convexUrl: `http://localhost:${port}`,
    siteUrl: `http://localhost:${sitePort}`,
    async restart() {
      await stopBackend(backend);
      backend = await startBackend(args, options.env ?? {}, log);
    },
    log: () => log.join(""),
    async stop() {
      await stopBackend(backend);
      if (options.stateDir === undefined) fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the backend and the built UI. `env` reaches the backend's functions
 * (e.g. `ADMIN_EMAILS`).
 */
export async function startDevApp(options: { env?: Record<string, string> } = {}): Promise<DevApp> {
  requireChromium();
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "example-e2e-"));
  const backend = await startDevBackend({ env: options.env, appUrl, stateDir: path.join(work, "state") });
  const { convexUrl, siteUrl } = backend;

  // The example, built as `npm run build:example` does, pointed at this backend.
  const outDir = path.join(work, "dist");
  await build({
    configFile: path.join(repoRoot, "example/vite.config.ts"),
    logLevel: "error",
    cacheDir: path.join(work, "vite-cache"),
    define: {
      "import.meta.env.VITE_CONVEX_URL": JSON.stringify(convexUrl),
      "import.meta.env.VITE_CONVEX_SITE_URL": JSON.stringify(siteUrl),
    },
    build: { outDir, emptyOutDir: true },
  });
  const staticServers = await serveStatic(outDir, appPort);
  const devices: Device[] = [];

  return {
    appUrl,
    convexUrl,
    siteUrl,
    async device(hash = "#/account") {
      const profile = fs.mkdtempSync(path.join(work, "profile-"));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      const notFound: string[] = [];
      context.on("response", (response) => {
        if (response.status() === 404 && response.url().startsWith(appUrl)) notFound.push(response.url());
      });
      await page.goto(`${appUrl}/${hash}`);
      const device: Device = {
        context,
        page,
        cdp,
        notFound,
        close: async () => {
          await context.close();
          devices.splice(devices.indexOf(device), 1);
        },
      };
      devices.push(device);
      return device;
    },
    restartBackend: () => backend.restart(),
    async screenshot(page, name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    backendLog: () => backend.log(),
    async stop() {
      for (const device of [...devices]) await device.close();
      await backend.stop();
      for (const server of staticServers) server.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
