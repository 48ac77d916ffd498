/**
 * The app's auth functions for the SSR tests without a network: the
 * example app on convex-test behind the `AuthTransport` the server side of
 * a cookie session calls (`backend` option), counting every call, and the
 * requests a browser would send to the auth route.
 */
import type { SignInArgs } from "../../src/client/protocol.js";
import type { AuthBackend } from "../../src/ssr/options.js";
import type { RouteRequest } from "../../src/client/ssr/routeProtocol.js";
import { api } from "../../example/convex/_generated/api.js";
import { as, makeAuthTest, type AuthTest } from "../harness/auth.js";

/** The app's `signIn` / `refresh` / `signOut` on convex-test, as `convexTransport` calls them; `calls` records each. */
export class ConvexTestBackend implements AuthBackend {
  calls: { fn: "signIn" | "refresh" | "signOut" | "sessionState"; args?: SignInArgs; token?: string }[] = [];
  /** Fail every call like an unreachable deployment. */
  down = false;
  constructor(readonly t: AuthTest = makeAuthTest()) {}
  async signIn(args: SignInArgs, token?: string) {
    const refresh = args.refreshToken !== undefined;
    this.calls.push({ fn: refresh ? "refresh" : "signIn", args, ...(token ? { token } : {}) });
    if (this.down) throw new TypeError("fetch failed");
    if (refresh) return await this.t.mutation(api.auth.refresh, { refreshToken: args.refreshToken! });
    return await (token ? as(this.t, token) : this.t).action(api.auth.signIn, args);
  }
  async sessionState(token: string) {
    this.calls.push({ fn: "sessionState", token });
    if (this.down) throw new TypeError("fetch failed");
    return await as(this.t, token).query(api.auth.sessionState, {});
  }
  async signOut(token: string) {
    this.calls.push({ fn: "signOut", token });
    if (this.down) throw new TypeError("fetch failed");
    await as(this.t, token).action(api.auth.signOut, {});
  }
}

/** The app's origin in these tests. */
export const APP = "https://app.example.com";

/** A POST to the auth route at `base` as a page of `origin` sends it, with `cookie` (a `Cookie` header). */
export function routeRequest(
  body: RouteRequest | string,
  options: { origin?: string | null; cookie?: string; base?: string; headers?: Record<string, string> } = {},
): Request {
  const base = options.base ?? APP;
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  const origin = options.origin === undefined ? new URL(base).origin : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.cookie) headers.cookie = options.cookie;
  return new Request(`${base}/api/auth`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** A page request (GET) with `cookie`. */
export function pageRequest(cookie?: string, base = APP): Request {
  return new Request(`${base}/dashboard`, { headers: cookie ? { cookie } : {} });
}

/** A browser's cookie jar, enough for these tests: applies `Set-Cookie` (a `Max-Age=0` deletes) and gives the `Cookie` header. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  apply(response: Response): this {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      if (/;\s*Max-Age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(at + 1));
    }
    return this;
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}
