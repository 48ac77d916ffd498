/**
 * The two HTTP origins of a deployment:
 * - the cloud origin's HTTP API, as `ConvexHttpClient` calls it:
 *   `POST /api/query|mutation|action` with `{ path, args: [args] }` and
 *   `POST /api/function` with `{ path, args }`; results as
 *   `{ status: "success", value }`, function errors as status 560
 *   `{ status: "error", errorMessage, errorData }`, a refused token as 401;
 * - the site origin, which runs the app's HTTP actions (`http.ts`).
 * Both answer CORS preflights: the app's pages are on another origin (Vite).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONValue } from "convex/values";
import type { Caller, Deployment, FunctionKind, Outcome } from "./functions.js";
import type { Verified } from "./identity.js";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function cors(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader("access-control-allow-origin", request.headers.origin ?? "*");
  response.setHeader("access-control-allow-credentials", "true");
  response.setHeader("vary", "origin");
  response.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  response.setHeader("access-control-allow-headers", request.headers["access-control-request-headers"] ?? "*");
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The caller's IP and user agent, as a deployment passes them to functions. */
export function clientOf(request: IncomingMessage): Omit<Caller, "identity"> {
  const forwarded = request.headers["x-forwarded-for"];
  return {
    ip: (typeof forwarded === "string" ? forwarded.split(",")[0]!.trim() : request.socket.remoteAddress) ?? null,
    userAgent: request.headers["user-agent"] ?? null,
  };
}

const ROUTES: Record<string, FunctionKind | "any"> = {
  "/api/query": "query",
  "/api/mutation": "mutation",
  "/api/action": "action",
  "/api/function": "any",
};

/** Where a deployment serves the public keys of tokens signed with `ctx.auth.signJwt`. */
export const DEPLOYMENT_JWKS_PATH = "/.well-known/jwks.json";

/**
 * The cloud origin: the HTTP API (WebSocket upgrades are handled beside it),
 * and the deployment's JWKS at `/.well-known/jwks.json` (convex-test's key).
 */
export function apiHandler(deployment: Deployment, verify: (token: string) => Promise<Verified>) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    cors(request, response);
    if (request.method === "OPTIONS") return void response.writeHead(204).end();
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method === "GET" && pathname === DEPLOYMENT_JWKS_PATH) return json(response, 200, await deployment.jwks());
    const route = ROUTES[pathname];
    if (request.method !== "POST" || route === undefined) return json(response, 404, { code: "NotFound", message: "not found" });
    let body: { path?: unknown; args?: unknown };
    try {
      body = JSON.parse((await bodyOf(request)).toString("utf8")) as typeof body;
    } catch {
      return json(response, 400, { code: "BadJsonBody", message: "the body is not JSON" });
    }
    if (typeof body.path !== "string") return json(response, 400, { code: "BadRequest", message: "path is required" });
    const args = (route === "any" ? body.args : Array.isArray(body.args) ? body.args[0] : undefined) ?? {};
    const authorization = request.headers.authorization;
    let identity: Caller["identity"] = null;
    if (authorization?.startsWith("Bearer ")) {
      try {
        identity = (await verify(authorization.slice("Bearer ".length))).identity;
      } catch (error) {
        return json(response, 401, { code: "Unauthenticated", message: (error as Error).message });
      }
    }
    const outcome: Outcome = await deployment.call(route, body.path, args as JSONValue, { identity, ...clientOf(request) });
    if (outcome.success) return json(response, 200, { status: "success", value: outcome.value, logLines: [] });
    json(response, 560, { status: "error", errorMessage: outcome.errorMessage, errorData: outcome.errorData, logLines: [] });
  };
}

/** The site origin: every request goes to the app's HTTP router. */
export function siteHandler(deployment: Deployment) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await bodyOf(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    if (!headers.has("x-forwarded-for") && request.socket.remoteAddress) headers.set("x-forwarded-for", request.socket.remoteAddress);
    const method = request.method ?? "GET";
    const answer = await deployment.fetch(request.url ?? "/", {
      method,
      headers,
      body: method === "GET" || method === "HEAD" || body.length === 0 ? undefined : new Uint8Array(body),
    });
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "set-cookie") out[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    response.writeHead(answer.status, out);
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
}
