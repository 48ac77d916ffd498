/**
 * The framework-free auth client: holds the tokens, refreshes them, runs
 * multi-step sign-in. The React binding (`./react`) is a thin layer on top.
 *
 * Rules it keeps, so users are never signed out by mistake:
 * - one refresh at a time, in this tab (a shared promise) and across tabs (a
 *   lock; inside it the stored tokens are re-read, so a tab that finds them
 *   already refreshed by another adopts them instead of refreshing again);
 * - a failed refresh (network error, thrown action) keeps the tokens and
 *   retries with backoff; only `{ tokens: null }` from the server signs out;
 * - sign-in and sign-out are written to storage, which other tabs watch.
 */
import { expiresAt } from "./jwt.js";
import { crossTabLock, type Lock } from "./lock.js";
import type { AuthTransport, SignInOutcome, SignInResult, Tokens } from "./protocol.js";
import { memoryStorage, type TokenStorage } from "./storage.js";

/** Where the client stands. */
export type AuthState = { status: "loading" | "signedIn" | "signedOut"; token: string | null };

/** Options of {@link AuthClient}. */
export type AuthClientOptions = {
  transport: AuthTransport;
  /** Default: in-memory (the React provider passes `localStorage`). */
  storage?: TokenStorage;
  /** Keeps deployments apart in one storage: the deployment URL by default. */
  namespace: string;
  /** Refresh when the access token has less than this left. Default 60 s. */
  refreshAheadMs?: number;
  /** First retry delay after a failed refresh, doubling up to `maxRetryMs`. Default 1 s / 30 s. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Cross-tab lock. Default: Web Locks, or a storage lock. */
  lock?: Lock;
  /** Runs a WebAuthn ceremony for `{ options }` results (loaded on demand by default). */
  webauthn?: (options: Record<string, unknown>) => Promise<unknown>;
  /** Leaves for an OAuth provider. Default: `location.assign`. */
  navigate?: (url: string) => void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AuthClient {
  state: AuthState = { status: "loading", token: null };
  private tokens: Tokens | null = null;
  private inflight: Promise<string | null> | null = null;
  private listeners = new Set<() => void>();
  private readonly storage: TokenStorage;
  private readonly lock: Lock;
  private readonly key: string;
  private unsubscribe?: () => void;
  private ready: Promise<void>;
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: AuthClientOptions) {
    this.storage = options.storage ?? memoryStorage();
    this.lock = options.lock ?? crossTabLock(this.storage);
    this.key = `convexAuth:${options.namespace}`;
    this.ready = this.load();
    this.unsubscribe = this.storage.subscribe?.((key) => {
      if (key === null || key === `${this.key}:tokens`) void this.load();
    });
  }

  /** Calls `listener` on every state change; returns the unsubscriber. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Stops watching storage and pending retries. */
  stop(): void {
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
  }

  /**
   * The access token for Convex (`ConvexReactClient.setAuth`'s fetcher):
   * the current one, or a refreshed one when asked or close to expiry.
   */
  fetchAccessToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }): Promise<string | null> => {
    await this.ready;
    const tokens = this.tokens;
    if (tokens === null) return null;
    if (!forceRefreshToken && !this.expiresSoon(tokens.token)) return tokens.token;
    return await this.refresh(tokens);
  };

  /**
   * Signs in with `provider`, running any browser step (WebAuthn ceremony,
   * OAuth redirect) and returning what the UI must do next.
   */
  async signIn(provider: string | undefined, params: Record<string, unknown> = {}, verifier?: string): Promise<SignInOutcome> {
    const token = this.tokens?.token;
    const result = await this.options.transport.signIn(
      { ...(provider ? { provider } : {}), params, ...(verifier ? { verifier } : {}) },
      token && expiresAt(token) - Date.now() > 10_000 ? token : undefined,
    );
    return await this.handle(provider, result);
  }

  /** Finishes an OAuth sign-in with the `code` the provider's redirect brought back. */
  async finishRedirect(code: string): Promise<SignInOutcome> {
    const verifier = (await this.storage.getItem(`${this.key}:verifier`)) ?? undefined;
    await this.storage.removeItem(`${this.key}:verifier`);
    return await this.signIn(undefined, { code }, verifier);
  }

  /** Ends the session on the server (best effort) and here, and in other tabs. */
  async signOut(): Promise<void> {
    const token = this.tokens?.token;
    try {
      if (token) await this.options.transport.signOut(token);
    } catch {
      // Offline: the session ends on the server when it expires.
    } finally {
      await this.save(null);
    }
  }

  private async handle(provider: string | undefined, result: SignInResult): Promise<SignInOutcome> {
    if ("tokens" in result) {
      if (result.tokens === null) return { status: "failed" };
      await this.save(result.tokens);
      return { status: "signedIn" };
    }
    if ("started" in result) return { status: "codeSent" };
    if ("redirect" in result) {
      await this.storage.setItem(`${this.key}:verifier`, result.verifier);
      (this.options.navigate ?? ((url) => window.location.assign(url)))(result.redirect);
      return { status: "redirecting" };
    }
    if ("options" in result) {
      const ceremony = this.options.webauthn ?? (await import("./webauthn.js")).runCeremony;
      const response = await ceremony(result.options);
      return await this.signIn(provider, { response }, result.verifier);
    }
    if ("totpRequired" in result) return { status: "totpRequired", verifier: result.verifier };
    return { status: "totpSetup", ...result.totpSetup, verifier: result.verifier };
  }

  private expiresSoon(token: string): boolean {
    return expiresAt(token) - Date.now() < (this.options.refreshAheadMs ?? 60_000);
  }

  /** One refresh at a time in this tab; see `exchange` for the rest. */
  private refresh(seen: Tokens): Promise<string | null> {
    this.inflight ??= this.lock(`${this.key}:refresh`, () => this.exchange(seen)).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async exchange(seen: Tokens): Promise<string | null> {
    let delay = this.options.retryMs ?? 1000;
    for (;;) {
      const stored = await this.read();
      if (stored === null) {
        await this.apply(null);
        return null;
      }
      if (stored.refreshToken !== seen.refreshToken && !this.expiresSoon(stored.token)) {
        // Another tab refreshed while we waited for the lock.
        await this.apply(stored);
        return stored.token;
      }
      try {
        const result = await this.options.transport.signIn({ refreshToken: stored.refreshToken });
        const tokens = "tokens" in result ? result.tokens : null;
        await this.save(tokens);
        return tokens?.token ?? null;
      } catch {
        // Transient: keep the tokens. While the access token still works,
        // hand it out and retry in the background; once it has expired,
        // keep the caller waiting until a retry gets through.
        if (expiresAt(stored.token) > Date.now()) {
          this.retryLater(stored, delay);
          return stored.token;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, this.options.maxRetryMs ?? 30_000);
        seen = stored;
      }
    }
  }

  private retryLater(seen: Tokens, delay: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.tokens?.refreshToken === seen.refreshToken) {
        void this.refresh(seen).catch(() => undefined);
      }
    }, delay);
  }

  private async read(): Promise<Tokens | null> {
    const raw = await this.storage.getItem(`${this.key}:tokens`);
    try {
      return raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      return null;
    }
  }

  private async load(): Promise<void> {
    await this.apply(await this.read());
  }

  /** Writes the tokens (or their absence) to storage, where other tabs see them. */
  private async save(tokens: Tokens | null): Promise<void> {
    if (tokens) await this.storage.setItem(`${this.key}:tokens`, JSON.stringify(tokens));
    else await this.storage.removeItem(`${this.key}:tokens`);
    await this.apply(tokens);
  }

  private async apply(tokens: Tokens | null): Promise<void> {
    this.tokens = tokens;
    const status = tokens ? "signedIn" : "signedOut";
    if (status !== this.state.status || tokens?.token !== this.state.token) {
      this.state = { status, token: tokens?.token ?? null };
      for (const listener of [...this.listeners]) listener();
    }
  }
}
