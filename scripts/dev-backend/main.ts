/**
 * The embedded development backend: the example app and the auth component
 * on convex-test, behind a deployment's client protocols, on two ports:
 * - the cloud origin (`--port`, default 3210): the WebSocket sync protocol
 *   for `ConvexReactClient` and the HTTP API for `ConvexHttpClient`;
 * - the site origin (`--site-port`, default 3211): the app's HTTP actions.
 * Data lives in memory and starts empty on every start. Tokens are signed
 * with the deployment's key (convex-test's, new on every start), served at
 * the cloud origin's `/.well-known/jwks.json`. The deployment's secrets
 * (`AUTH_CODE_SECRET`, the TOTP key) are generated once and kept in
 * `--state-dir` (default `.dev-backend/`). A `JWT_PRIVATE_KEY` and `JWKS`
 * from the shell sign with that key instead. See README.md beside this file.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";
import { loadDeployment } from "./functions.js";
import { apiHandler, siteHandler } from "./http.js";
import { tokenVerifier } from "./identity.js";
import { syncServer } from "./sync.js";

// From the launcher's start, so the build counts.
const startedAt = Number(process.env.DEV_BACKEND_STARTED_AT ?? Date.now());
const log = (line: string) => console.log(`[dev-backend] ${line}`);

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "3210" },
    "site-port": { type: "string", default: "3211" },
    "site-url": { type: "string", default: "http://localhost:5173" },
    "state-dir": { type: "string", default: path.join(process.env.DEV_BACKEND_REPO_ROOT ?? ".", ".dev-backend") },
  },
});
const port = Number(options.port);
const sitePort = Number(options["site-port"]);
const cloudUrl = `http://localhost:${port}`;
const siteOrigin = `http://localhost:${sitePort}`;

/** The deployment's secrets, generated on first start and kept in the state directory. */
const SECRETS = ["AUTH_CODE_SECRET", "TOTP_ENCRYPTION_KEY"] as const;

/**
 * The deployment's secrets (`AUTH_CODE_SECRET`, `TOTP_ENCRYPTION_KEY`),
 * generated on first start and kept in the state directory. Signing keys are
 * not among them: tokens are signed with the deployment's key. (A state
 * directory from before keeps its other secrets; its RS256 pair is not used.)
 */
function secrets(stateDir: string): Record<string, string> {
  const file = path.join(stateDir, "secrets.json");
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    stored = {};
  }
  const kept = Object.fromEntries(SECRETS.filter((name) => stored[name]).map((name) => [name, stored[name]!]));
  if (Object.keys(kept).length === SECRETS.length && Object.keys(stored).length === SECRETS.length) return kept;
  const created = { ...kept };
  for (const name of SECRETS) created[name] ??= Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  log(`generated development secrets in ${file}`);
  return created;
}

Object.assign(process.env, secrets(options["state-dir"]), {
  CONVEX_CLOUD_URL: cloudUrl,
  CONVEX_SITE_URL: siteOrigin,
  SITE_URL: options["site-url"],
  // The example's development helpers (outbox, directory) answer here.
  EXAMPLE_DEV_TOOLS: "1",
  // The example's lifecycle callbacks run (the test harness turns them off for its own tests).
  EXAMPLE_CALLBACKS: "1",
});

let sync: ReturnType<typeof syncServer> | undefined;
const deployment = await loadDeployment(() => sync?.written());
const verify = tokenVerifier(deployment.authConfig.providers, async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return await response.json();
});
sync = syncServer(deployment, verify, log);
const stopCrons = deployment.startCrons(log);

const api = apiHandler(deployment, verify);
const site = siteHandler(deployment);
const sockets = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
const servers: http.Server[] = [];

/** Serves `handler` on `port` of both loopback addresses (browsers resolve localhost to either). */
async function listen(handler: http.RequestListener, onPort: number, upgrades: boolean): Promise<void> {
  for (const host of ["127.0.0.1", "::1"]) {
    const server = http.createServer((request, response) => {
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        log(`${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`);
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
        response.end("dev backend error");
      });
    });
    if (upgrades) {
      server.on("upgrade", (request, socket, head) => {
        if (!new URL(request.url ?? "/", cloudUrl).pathname.endsWith("/sync")) return socket.destroy();
        sockets.handleUpgrade(request, socket, head, (ws) => sync!.accept(ws, request));
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        // A machine without IPv6 has no ::1; 127.0.0.1 is then enough.
        if (host === "::1" && (error.code === "EADDRNOTAVAIL" || error.code === "EAFNOSUPPORT")) resolve();
        else reject(error);
      });
      server.listen(onPort, host, () => resolve());
    });
    servers.push(server);
  }
}

try {
  await listen(api, port, true);
  await listen(site, sitePort, false);
} catch (error) {
  log(`could not listen: ${(error as Error).message}`);
  process.exit(1);
}

log(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (data in memory; it starts empty on every start)`);
log(`  Convex URL (VITE_CONVEX_URL): ${cloudUrl}`);
log(`  HTTP actions (CONVEX_SITE_URL): ${siteOrigin}`);
log(
  process.env.JWT_PRIVATE_KEY
    ? `  tokens: signed with JWT_PRIVATE_KEY (issuer ${siteOrigin})`
    : `  tokens: signed with the deployment's key (JWKS at ${cloudUrl}/.well-known/jwks.json)`,
);
log(`  app pages (SITE_URL): ${options["site-url"]}`);

function stop(code: number): void {
  log("stopping");
  stopCrons();
  sync?.stop();
  for (const client of sockets.clients) client.close(1001, "dev backend stopping");
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
  process.exit(code);
}
process.on("SIGINT", () => stop(130));
process.on("SIGTERM", () => stop(143));
process.on("SIGHUP", () => stop(129));
