/**
 * Reading the auth route's request: a JSON body of bounded size, checked
 * against the route's wire format (`RouteRequest`) field by field, so
 * nothing the format does not name (a `refreshToken`, above all) reaches
 * the app's functions.
 */
import { ROUTE_ACTIONS, type RouteRequest } from "../client/ssr/routeProtocol.js";

/** Why a body was refused: too large, or not a request of the format. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** The body's text, refused past `maxBytes` without reading the rest. */
async function boundedText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw new BodyError(413, `The body is over ${maxBytes} bytes`);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyError(413, `The body is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A string of 1..`max` characters, or `undefined` when absent; anything else refused. */
function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new BodyError(400, `${name} must be a string of 1 to ${max} characters`);
  }
  return value;
}

/** Refuses keys outside `allowed`. */
function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw new BodyError(400, `Unexpected field ${JSON.stringify(extra[0])}`);
}

/** The route request in `request`'s body; a {@link BodyError} when it is none. */
export async function readRouteRequest(request: Request, maxBytes: number): Promise<RouteRequest> {
  let body: unknown;
  try {
    body = JSON.parse(await boundedText(request, maxBytes));
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError(400, "The body is not JSON");
  }
  if (!isPlainObject(body)) throw new BodyError(400, "The body must be an object");
  switch (body.action) {
    case "signIn": {
      onlyKeys(body, ["action", "provider", "params", "verifier"]);
      const provider = optionalString(body, "provider", 256);
      const verifier = optionalString(body, "verifier", 1024);
      if (body.params !== undefined && !isPlainObject(body.params)) throw new BodyError(400, "params must be an object");
      const params = body.params as Record<string, unknown> | undefined;
      return {
        action: "signIn",
        ...(provider !== undefined ? { provider } : {}),
        ...(params !== undefined ? { params } : {}),
        ...(verifier !== undefined ? { verifier } : {}),
      };
    }
    case "refresh":
    case "session":
    case "signOut":
      onlyKeys(body, ["action"]);
      return { action: body.action };
    case "forget": {
      onlyKeys(body, ["action", "sessionId"]);
      const sessionId = optionalString(body, "sessionId", 256);
      if (sessionId === undefined) throw new BodyError(400, "forget needs a sessionId");
      return { action: "forget", sessionId };
    }
    default:
      throw new BodyError(400, `action must be one of ${ROUTE_ACTIONS.join(", ")}`);
  }
}
