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
 * - sign-in and sign-out are written to storage, which other tabs watch;
 * - a session the server reports ended (`sessionEnded`) signs out only if it
 *   is still the current one, so a late report about an old session cannot
 *   sign out a newer one.
 */
import { expiresAt, sessionIdOf } from "./jwt.js";
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
  private confirmation: { code: string; verifier: string; account: string } | null = null;
  /** The `save` under way, if any: tokens are changing. */
  private saving: Promise<unknown> | null = null;
  /** Sessions reported ended here: tokens for them (a refresh that was in flight) are not taken back. */
  private readonly ended = new Set<string>();

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

  /**
   * Finishes a redirect sign-in (an OAuth return, a magic link) with the
   * `code` it brought back. A link opened in a browser that did not ask for
   * it resolves to `confirmationRequired`: see {@link confirmRedirect}.
   */
  async finishRedirect(code: string): Promise<SignInOutcome> {
    const verifier = (await this.storage.getItem(`${this.key}:verifier`)) ?? undefined;
    await this.storage.removeItem(`${this.key}:verifier`);
    const token = this.tokens?.token;
    const result = await this.options.transport.signIn(
      { params: { code }, ...(verifier ? { verifier } : {}) },
      token && expiresAt(token) - Date.now() > 10_000 ? token : undefined,
    );
    if ("confirm" in result) {
      this.confirmation = { code, verifier: result.verifier, account: result.confirm.account };
      for (const listener of [...this.listeners]) listener();
      return { status: "confirmationRequired", account: result.confirm.account };
    }
    return await this.handle(undefined, result);
  }

  /** The sign-in link waiting for the person's confirmation, if any: the account it signs in to. */
  pendingConfirmation(): { account: string } | null {
    return this.confirmation === null ? null : { account: this.confirmation.account };
  }

  /** Signs in with the link waiting for confirmation (the person agreed to its account). */
  async confirmRedirect(): Promise<SignInOutcome> {
    const pending = this.confirmation;
    if (pending === null) return { status: "failed" };
    this.confirmation = null;
    for (const listener of [...this.listeners]) listener();
    return await this.signIn(undefined, { code: pending.code, confirm: true }, pending.verifier);
  }

  /** Drops the link waiting for confirmation. */
  cancelRedirect(): void {
    if (this.confirmation === null) return;
    this.confirmation = null;
    for (const listener of [...this.listeners]) listener();
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

  /**
   * The server reports `sessionId` ended (revoked, signed out elsewhere,
   * expired). If it is the session of the current tokens, clears them here and
   * in storage (so other tabs sign out too) without calling the server's
   * `signOut`: the session is already gone. A report about any other session
   * (an old one, after signing in again; one another tab has replaced in
   * storage) is ignored. A sign-in or refresh being written lands first and
   * the report is checked against its tokens; tokens of the ended session
   * that a refresh brings back later are dropped. Resolves to whether it
   * signed out.
   */
  async sessionEnded(sessionId: string): Promise<boolean> {
    await this.ready;
    for (;;) {
      // A sign-in or refresh being written decides first.
      while (this.saving) await this.saving.catch(() => undefined);
      if (sessionIdOf(this.tokens?.token) !== sessionId) return false;
      // Another tab may have signed in again since we last loaded: storage decides.
      const stored = await this.read();
      // Tokens changed here while we read: look again.
      if (this.saving || sessionIdOf(this.tokens?.token) !== sessionId) continue;
      if (stored !== null && sessionIdOf(stored.token) !== sessionId) {
        await this.apply(stored);
        return false;
      }
      break;
    }
    // No await from the checks above to the removal: nothing here can slip in between.
    this.ended.add(sessionId);
    clearTimeout(this.retryTimer);
    await this.save(null);
    return true;
  }

  private async handle(provider: string | undefined, result: SignInResult): Promise<SignInOutcome> {
    if ("tokens" in result) {
      if (result.tokens === null) return { status: "failed" };
      await this.save(result.tokens);
      return { status: "signedIn" };
    }
    if ("started" in result) {
      // A link was sent: this browser keeps the verifier that marks it as the one that asked.
      if (result.verifier !== undefined) await this.storage.setItem(`${this.key}:verifier`, result.verifier);
      return { status: "codeSent" };
    }
    if ("confirm" in result) return { status: "confirmationRequired", account: result.confirm.account };
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
        const tokens = await this.save("tokens" in result ? result.tokens : null);
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

  /** Writes the tokens (or their absence) to storage, where other tabs see them; returns what it kept. */
  private save(tokens: Tokens | null): Promise<Tokens | null> {
    const saving = this.write(tokens);
    this.saving = saving;
    const done = () => {
      if (this.saving === saving) this.saving = null;
    };
    saving.then(done, done);
    return saving;
  }

  private async write(tokens: Tokens | null): Promise<Tokens | null> {
    if (tokens && this.isEnded(tokens)) tokens = null;
    if (tokens) await this.storage.setItem(`${this.key}:tokens`, JSON.stringify(tokens));
    else await this.storage.removeItem(`${this.key}:tokens`);
    await this.apply(tokens);
    return tokens;
  }

  private isEnded(tokens: Tokens): boolean {
    const sessionId = sessionIdOf(tokens.token);
    return sessionId !== null && this.ended.has(sessionId);
  }

  private async apply(tokens: Tokens | null): Promise<void> {
    if (tokens && this.isEnded(tokens)) tokens = null;
    this.tokens = tokens;
    const status = tokens ? "signedIn" : "signedOut";
    if (status !== this.state.status || (tokens?.token ?? null) !== this.state.token) {
      this.state = { status, token: tokens?.token ?? null };
      for (const listener of [...this.listeners]) listener();
    }
  }
}
