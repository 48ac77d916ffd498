/**
 * The browser side of a cookie session (server-rendered apps): an
 * `AuthTransport` and a `TokenStorage` for `AuthClient` (and so for
 * `ConvexAuthProvider`) that reach the app's own auth route instead of
 * Convex. The refresh token lives in an HttpOnly cookie the route sets; the
 * page only ever holds the access token, in memory, shared with the app's
 * other tabs over a `BroadcastChannel`. Tokens are never written to
 * `localStorage` (only the sign-in steps' verifiers are, as without cookies).
 */
import { ConvexError } from "convex/values";
import { sessionIdOf } from "../jwt.js";
import type { AuthTransport, SignInResult, Tokens } from "../protocol.js";
import { browserStorage, memoryStorage, type TokenStorage } from "../storage.js";
import type { RouteRequest, RouteSignInResult, RouteTokenResult, RouteTokens } from "./routeProtocol.js";

/** Options of {@link cookieSession}. */
export type CookieSessionOptions = {
  /** The app's auth route (`handleAuthRequest`). Default `/api/auth`, on this page's origin. */
  url?: string;
  /**
   * The access token the server render had (`null`: it found nobody signed
   * in). Given, the page starts signed in (or out) without asking the
   * route; omitted, the first read asks the route (`session`).
   */
  initialToken?: string | null;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Where the sign-in steps keep their verifiers (a pending second factor,
   * an OAuth redirect's return). Default `localStorage` (memory where there
   * is none). Tokens never go there.
   */
  steps?: TokenStorage;
};

/** A cookie session: pass both to `AuthClient` (or spread them into `ConvexAuthProvider`'s props). */
export type CookieSession = { transport: AuthTransport; storage: TokenStorage };

/**
 * What the client keeps in place of the refresh token, which the page never
 * sees: a tag of the access token it came with, so two answers (two tabs'
 * refreshes) tell apart as two refresh tokens would.
 */
function tagOf(token: string): string {
  return `cookie:${token.slice(-24)}`;
}

/** `{ token }` from the route as the client's `Tokens`. */
function tokensOf(tokens: RouteTokens | null): Tokens | null {
  return tokens === null ? null : { token: tokens.token, refreshToken: tagOf(tokens.token) };
}

/**
 * A cookie session for a page of a server-rendered app, talking to the
 * app's auth route. Memoize it (one per page): a new one is a new client.
 *
 * @example
 * ```tsx
 * const session = useMemo(() => cookieSession({ initialToken }), [initialToken]);
 * <ConvexAuthProvider client={convex} transport={session.transport} storage={session.storage}>
 * ```
 */
export function cookieSession(options: CookieSessionOptions = {}): CookieSession {
  const url = options.url ?? "/api/auth";
  const request = async <T>(body: RouteRequest): Promise<T> => {
    const response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
    const answer = (await response.json().catch(() => null)) as (T & { error?: unknown }) | null;
    if (response.ok && answer !== null) return answer;
    const error = answer?.error as { code?: unknown } | undefined;
    // The server's error (a code to switch on) as the default transport would throw it; anything else is transient.
    if (typeof error?.code === "string") throw new ConvexError(error as Record<string, string>);
    throw new Error(`The auth route answered ${response.status}`);
  };

  /** The session the route just cleared the cookies of (sign-out, a dead refresh token): nothing to forget. */
  let cleared: string | null = null;
  const transport: AuthTransport = {
    async signIn(args): Promise<SignInResult> {
      if (args.refreshToken !== undefined) {
        const { tokens } = await request<RouteTokenResult>({ action: "refresh" });
        if (tokens === null) cleared = sessionIdOf(memory.get());
        return { tokens: tokensOf(tokens) };
      }
      const result = await request<RouteSignInResult>({
        action: "signIn",
        ...(args.provider !== undefined ? { provider: args.provider } : {}),
        ...(args.params !== undefined ? { params: args.params } : {}),
        ...(args.verifier !== undefined ? { verifier: args.verifier } : {}),
      });
      return "tokens" in result ? { tokens: tokensOf(result.tokens) } : result;
    },
    async signOut(token) {
      cleared = sessionIdOf(token);
      await request<null>({ action: "signOut" });
    },
  };

  // In a browser (or wherever a `fetch` was given), the first read without a token from the server render asks the
  // route, and other tabs hear of changes; a server rendering the page does neither (its channel would outlive the render).
  const inBrowser = typeof window !== "undefined" || options.fetch !== undefined;
  const memory = tokenMemory(url, options.initialToken, inBrowser ? () => request<RouteTokenResult>({ action: "session" }) : null, inBrowser);
  const steps = options.steps ?? browserStorage() ?? memoryStorage();
  const isTokens = (key: string) => key.endsWith(":tokens");
  const storage: TokenStorage = {
    getItem: (key) => (isTokens(key) ? memory.read(key) : steps.getItem(key)),
    setItem: (key, value) => (isTokens(key) ? memory.write(key, value) : steps.setItem(key, value)),
    async removeItem(key) {
      if (!isTokens(key)) return await steps.removeItem(key);
      const ended = sessionIdOf(memory.get());
      memory.write(key, null);
      // The page dropped a session the route did not end (reported ended by the server): clear its cookies too.
      if (ended !== null && ended !== cleared) await request<null>({ action: "forget", sessionId: ended }).catch(() => undefined);
    },
    subscribe(listener) {
      const fromSteps = steps.subscribe?.(listener);
      const fromTabs = memory.subscribe(listener);
      return () => {
        fromSteps?.();
        fromTabs();
      };
    },
  };
  return { transport, storage };
}

/**
 * The access token in memory, shared with this origin's other tabs (a
 * `BroadcastChannel` per route, in a browser only), first from the server
 * render or the route's `session` answer.
 */
function tokenMemory(url: string, initial: string | null | undefined, load: (() => Promise<RouteTokenResult>) | null, shared: boolean) {
  /** The stored value (`JSON.stringify`'d `Tokens`), `null` for none, `undefined` until known. */
  let value: string | null | undefined = initial === undefined ? undefined : initial === null ? null : JSON.stringify(tokensOf({ token: initial }));
  let loading: Promise<string | null> | undefined;
  const listeners = new Set<(key: string | null) => void>();
  const channel = shared && typeof BroadcastChannel === "function" ? new BroadcastChannel(`convexAuth:cookie:${url}`) : undefined;
  channel?.addEventListener("message", (event: MessageEvent) => {
    const data = event.data as { key?: unknown; value?: unknown } | null;
    if (typeof data?.key !== "string" || (typeof data.value !== "string" && data.value !== null)) return;
    value = data.value;
    for (const listener of [...listeners]) listener(data.key);
  });
  return {
    /** The current access token, or `null`. */
    get(): string | null {
      try {
        return value ? (JSON.parse(value) as Tokens).token : null;
      } catch {
        return null;
      }
    },
    async read(_key: string): Promise<string | null> {
      if (value !== undefined) return value;
      // Rendered without the server's token: ask the route, once (on the server itself, nobody is signed in yet).
      if (load === null) return null;
      loading ??= load().then(
        ({ tokens }) => (value === undefined ? (value = tokens === null ? null : JSON.stringify(tokensOf(tokens))) : value),
        () => null,
      );
      return await loading;
    },
    /** Keeps `next` and tells the other tabs (not this one's listeners: like `localStorage`). */
    write(key: string, next: string | null): void {
      value = next;
      channel?.postMessage({ key, value: next });
    },
    subscribe(listener: (key: string | null) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
