/**
 * A stopgap session for the example UI: keeps the sign-in tokens, feeds the
 * access token to the Convex client and rotates it with the refresh token.
 * All token handling lives in this one file so the real React client
 * (`ConvexAuthProvider` / `useAuthActions` from `convex-auth-kit/react`)
 * can replace it without touching the pages.
 */
import { createContext, useContext, useSyncExternalStore } from "react";
import { ConvexHttpClient } from "convex/browser";
import type { ConvexReactClient } from "convex/react";
import { api } from "../convex/_generated/api";

type Tokens = { token: string; refreshToken: string };

/**
 * - `loading`: tokens are stored and the deployment has not confirmed them yet.
 * - `signedIn`: the deployment accepted the access token.
 * - `signedOut`: no tokens.
 * - `stalled`: tokens are stored but could not be refreshed (e.g. offline);
 *   `problem` says why. `retry()` tries again, `forget()` drops them.
 */
export type SessionStatus = "loading" | "signedIn" | "signedOut" | "stalled";
export type SessionSnapshot = { status: SessionStatus; problem: unknown };

/** Refresh an access token this many seconds before it expires. */
const EXPIRY_LEEWAY_SECONDS = 60;

/** Seconds since the epoch at which a JWT expires; null when unreadable. */
function jwtExpiry(token: string): number | null {
  try {
    const payload = token.split(".")[1];
    if (payload === undefined) return null;
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const { exp } = JSON.parse(atob(padded)) as { exp?: unknown };
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

function isTokens(value: unknown): value is Tokens {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Tokens).token === "string" &&
    typeof (value as Tokens).refreshToken === "string"
  );
}

export class Session {
  private readonly storageKey: string;
  /**
   * `signIn` calls go over HTTP: while the Convex client fetches a token
   * (our `fetchToken`) it pauses its WebSocket, so a refresh sent through
   * `client.action` would wait for itself.
   */
  private readonly http: ConvexHttpClient;
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<string | null> | null = null;
  /** Why the last refresh failed, when it failed without signing out. */
  private refreshProblem: unknown = null;

  constructor(private readonly client: ConvexReactClient) {
    this.storageKey = `convex-auth-kit-example:tokens:${client.url}`;
    this.http = new ConvexHttpClient(client.url);
    const stored = this.read();
    this.snapshot = { status: stored ? "loading" : "signedOut", problem: null };
    if (stored) this.connect();
    // Another tab signed in, rotated or signed out: follow it.
    window.addEventListener("storage", (event) => {
      if (event.key !== this.storageKey) return;
      const now = this.read();
      if (now === null && this.snapshot.status !== "signedOut") this.end();
      else if (now !== null && this.snapshot.status === "signedOut") this.connect();
    });
  }

  // --- store for useSyncExternalStore ---

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  private set(status: SessionStatus, problem: unknown = null): void {
    if (this.snapshot.status === status && this.snapshot.problem === problem) return;
    this.snapshot = { status, problem };
    for (const listener of this.listeners) listener();
  }

  // --- storage ---

  private read(): Tokens | null {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.storageKey) ?? "null");
      return isTokens(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  private write(tokens: Tokens | null): void {
    if (tokens === null) localStorage.removeItem(this.storageKey);
    else localStorage.setItem(this.storageKey, JSON.stringify(tokens));
  }

  // --- wiring to the Convex client ---

  /** Hands the Convex client our token fetcher. */
  private connect(): void {
    this.set("loading");
    this.client.setAuth(this.fetchToken, (isAuthenticated) => {
      if (isAuthenticated) this.set("signedIn");
      // Not accepted and nothing stored: signed out for good. With tokens
      // still stored the refresh failed for another reason (offline).
      else if (this.read() === null) this.end();
      else this.set("stalled", this.refreshProblem);
    });
  }

  /** Signed out: nothing stored, no auth on the client. */
  private end(): void {
    this.write(null);
    this.client.clearAuth();
    this.set("signedOut");
  }

  /** Called by the Convex client. Must not throw (it would stall the socket). */
  private fetchToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }): Promise<string | null> => {
    const stored = this.read();
    if (stored === null) return null;
    const exp = jwtExpiry(stored.token);
    const expiring = exp === null || exp - EXPIRY_LEEWAY_SECONDS <= Date.now() / 1000;
    if (!forceRefreshToken && !expiring) return stored.token;
    // One exchange at a time: a refresh token works once.
    this.refreshing ??= this.refresh(stored.refreshToken).finally(() => {
      this.refreshing = null;
    });
    return await this.refreshing;
  };

  private async refresh(refreshToken: string): Promise<string | null> {
    this.refreshProblem = null;
    try {
      const result = await this.http.action(api.auth.signIn, { refreshToken });
      if (!("tokens" in result) || result.tokens === null) {
        // Expired, revoked, or already used: signed out for good.
        this.write(null);
        return null;
      }
      this.write(result.tokens);
      return result.tokens.token;
    } catch (error) {
      // Keep the tokens: a later retry may work.
      this.refreshProblem = error;
      return null;
    }
  }

  // --- actions for the UI ---

  /**
   * Runs a Password flow (`{ flow: "signUp" | "signIn" | "reset" | ... }`).
   * `"signedIn"` when it produced tokens, `"started"` when a code was sent.
   */
  async signIn(params: Record<string, unknown>): Promise<"signedIn" | "started"> {
    const result = await this.http.action(api.auth.signIn, { provider: "password", params });
    if ("started" in result) return "started";
    if (result.tokens === null) throw new Error("The deployment did not sign you in.");
    this.write(result.tokens);
    this.connect();
    return "signedIn";
  }

  /** Ends this device's session on the deployment, then forgets the tokens. */
  async signOut(): Promise<void> {
    try {
      await this.client.action(api.auth.signOut, {});
    } finally {
      this.end();
    }
  }

  /** Forgets the tokens without telling the deployment (e.g. the account is gone). */
  forget(): void {
    this.end();
  }

  /** After `stalled`: try the stored tokens again. */
  retry(): void {
    if (this.read() === null) this.end();
    else this.connect();
  }
}

export const SessionContext = createContext<Session | null>(null);

/** The session and its current state. Needs `SessionContext` above it. */
export function useSession(): SessionSnapshot & { session: Session } {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession needs a SessionContext provider");
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { ...snapshot, session };
}
