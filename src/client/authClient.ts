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
 *
 * Token writes and those checks run one at a time (a queue), so each sees
 * what the one before it wrote. Signing in (`signIn`, finishing a redirect,
 * and every result other than tokens: codes and links sent, OAuth, passkeys,
 * TOTP, a link to confirm) is `steps.ts`, loaded when the client is signed
 * out (a sign-in may follow) or when a sign-in starts, so a page load that
 * signs no one in does not fetch it.
 *
 * A step the user must finish (a second factor, a TOTP set-up) is kept in
 * storage with its verifier (`pendingStep()`), which every `signIn` without
 * a verifier of its own sends, so the UI never handles a verifier.
 */
import { msLeft, refreshAheadOf, sessionIdOf } from "./jwt.js";
import { crossTabLock, sleep, type Lock } from "./lock.js";
import type { AuthTransport, PendingStep, SignInOutcome, Tokens } from "./protocol.js";
import { memoryStorage, type TokenStorage } from "./storage.js";

/** The sign-in code (`steps.ts`), fetched when needed (also by the React binding): one place names its chunk. */
export const loadSteps = () => import("./steps.js");

/** Where the client stands. */
export type AuthState = { status: "loading" | "signedIn" | "signedOut"; token: string | null };

/** Options of {@link AuthClient}. */
export type AuthClientOptions = {
  transport: AuthTransport;
  /** Default: in-memory (the React provider passes `localStorage`). */
  storage?: TokenStorage;
  /** Keeps deployments apart in one storage: the deployment URL by default. */
  namespace: string;
  /** Refresh when the access token has less than this left. Default: a quarter of its lifetime, at most 60 s. */
  refreshAheadMs?: number;
  /** First retry delay after a failed refresh, doubling up to `maxRetryMs`. Default 1 s / 30 s. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * A refresh not answered within this long counts as failed (and is
   * retried): the cross-tab lock is never held longer. Default 8 s, under the
   * storage lock's 10 s lifetime.
   */
  refreshTimeoutMs?: number;
  /** Cross-tab lock. Default: Web Locks, or a storage lock. */
  lock?: Lock;
  /** Runs a WebAuthn ceremony for `{ options }` results (loaded on demand by default). */
  webauthn?: (options: Record<string, unknown>) => Promise<unknown>;
  /**
   * Leaves for an OAuth provider. Default: a form POST to the URL from this
   * page (the server accepts the start only from the app's own origin).
   */
  navigate?: (url: string) => void;
  /**
   * `"convex-dev-auth"`: on load, a refresh token @convex-dev/auth's React
   * client left in `storage` (under this `namespace`) is exchanged once for
   * one of our sessions and its keys removed (`migrate.ts`, loaded only then).
   */
  migrateFrom?: "convex-dev-auth";
};

/** A sign-in link waiting for the person to confirm its account (`shown`: what the app may see). */
export type Confirmation = { shown: { account: string }; code: string; verifier: string } | null;

/** A pending step as storage keeps it: what the app sees, and the verifier it never handles. */
export type StoredStep = PendingStep & { verifier: string };

/** What the sign-in code (`steps.ts`) reaches of a client: its parts, and its private steps as functions. */
export type Core = {
  options: AuthClientOptions;
  storage: TokenStorage;
  /** The storage key prefix (`convexAuth:<namespace>`). */
  key: string;
  client: AuthClient;
  /** `jwt.ts`'s, so that the chunk does not share a module with the entry. */
  msLeft: (token: string) => number;
  /** Writes tokens (or their absence) in turn with the other token writes. */
  save(tokens: Tokens | null): Promise<unknown>;
  /** The current refresh token, for the calls that prove the session with it (impersonation). */
  refreshToken(): string | undefined;
  /** The stored step, read afresh (also shown). */
  readStep(): Promise<StoredStep | null>;
  /** Keeps a step (`JSON.stringify`'d), or none. */
  setStep(raw: string | null): Promise<void>;
  /** The link waiting for confirmation, kept here by the sign-in code (`pendingConfirmation()` reads it). */
  confirmation?: Confirmation;
  /** Tells the listeners that something changed. */
  notify(): void;
  /** The cross-tab lock. */
  lock: Lock;
  /**
   * Settles once the sign-ins sent while signed in have, or after 15 s (each
   * may replace the session: see `sessionEnded`); kept by `steps.ts`.
   */
  replacing?: Promise<unknown>;
};

export class AuthClient {
  state: AuthState = { status: "loading", token: null };
  #tokens?: Tokens | null;
  #inflight?: Promise<string | null> | null;
  #listeners = new Set<() => void>();
  readonly #storage: TokenStorage;
  readonly #lock: Lock;
  readonly #key: string;
  #unsubscribe?: () => void;
  #ready: Promise<void>;
  #retryTimer?: ReturnType<typeof setTimeout>;
  /** Ends the wait between refresh attempts early: back online, or another tab stored tokens. */
  #wake = (): void => {};
  /**
   * The sign-in code, once `finishRedirect` has loaded it: a link waits for
   * confirmation only after that, so `confirmRedirect`/`cancelRedirect` find it here.
   */
  #redirects?: typeof import("./steps.js");
  /** The pending step as stored (raw JSON) and as shown, kept in step so `pendingStep()` is stable. */
  #stepRaw: string | null = null;
  #step: PendingStep | null = null;
  /** Token writes and `sessionEnded` checks, one at a time: each sees what the one before wrote. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Sessions reported ended here: tokens for them (a refresh that was in flight) are not taken back. */
  readonly #ended = new Set<string>();
  readonly #options: AuthClientOptions;
  readonly #core: Core;

  constructor(options: AuthClientOptions) {
    this.#options = options;
    const storage = (this.#storage = options.storage ?? memoryStorage());
    this.#lock = options.lock ?? crossTabLock(storage);
    const key = (this.#key = `convexAuth:${options.namespace}`);
    this.#core = {
      options,
      storage,
      key,
      client: this,
      msLeft,
      save: this.#save,
      refreshToken: () => this.#tokens?.refreshToken,
      readStep: this.#readStep,
      setStep: this.#setStep,
      notify: this.#notify,
      lock: this.#lock,
    };
    this.#ready = options.migrateFrom ? this.#migrate().then(() => this.#load()) : this.#load();
    void this.#readStep();
    const online = () => this.#wake();
    globalThis.addEventListener?.("online", online);
    const unsubscribe = storage.subscribe?.((changed) => {
      if (changed === null || changed === `${key}:tokens`) void this.#load().then(online);
      if (changed === null || changed === `${key}:step`) void this.#readStep();
    });
    this.#unsubscribe = () => {
      unsubscribe?.();
      globalThis.removeEventListener?.("online", online);
    };
  }

  /** Calls `listener` on every state change; returns the unsubscriber. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Stops watching storage and pending retries. */
  stop(): void {
    this.#unsubscribe?.();
    clearTimeout(this.#retryTimer);
  }

  /**
   * The access token for Convex (`ConvexReactClient.setAuth`'s fetcher):
   * the current one, or a refreshed one when asked or close to expiry.
   */
  fetchAccessToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }): Promise<string | null> => {
    await this.#ready;
    const tokens = this.#tokens;
    if (!tokens) return null;
    if (!forceRefreshToken && !this.#expiresSoon(tokens.token)) return tokens.token;
    return await this.#refresh(tokens);
  };

  /**
   * Signs in with `provider`, running any browser step (WebAuthn ceremony,
   * OAuth redirect) and returning what the UI must do next. Without a
   * `verifier`, sends the pending step's (see {@link pendingStep}): after
   * `secondFactorRequired`, `signIn("totp", { code })` finishes the sign-in;
   * after `totpSetup`, `signIn("totp", { flow: "confirm", code })`.
   */
  signIn(provider: string | undefined, params?: Record<string, unknown>, verifier?: string): Promise<SignInOutcome> {
    return loadSteps().then((steps) => steps.signIn(this.#core, provider, params, verifier));
  }

  /**
   * The sign-in step waiting for the user, or `null`: a second factor (one
   * of `methods`: `"totp"`, `"recoveryCode"`, `"passkey"`) or a TOTP set-up
   * to confirm. Kept in storage, so it is still there after a reload and in
   * other tabs; {@link subscribe} hears when it changes. It ends when a
   * `signIn` signs in or starts another step, on {@link signOut} and
   * {@link cancelSignIn}, and when the server answers `NOT_FOUND` (expired).
   */
  pendingStep(): PendingStep | null {
    return this.#step;
  }

  /**
   * An admin starts impersonating `userId` (`signIn("impersonate")` with
   * this session's refresh token, which proves it): on `signedIn` the
   * client holds the impersonation's tokens, in every tab. `null` stops it
   * and brings the admin's own session back. Needs
   * `Auth({ admin: { impersonation } })` on the server.
   */
  impersonate(userId: string | null): Promise<SignInOutcome> {
    return loadSteps().then((steps) => steps.impersonate(this.#core, userId));
  }

  /** Drops any sign-in waiting for the user: the pending step and a link waiting for confirmation. */
  async cancelSignIn(): Promise<void> {
    this.cancelRedirect();
    await this.#setStep(null);
  }

  /**
   * Finishes a redirect sign-in (an OAuth return, a magic link) with the
   * `code` it brought back. A link opened in a browser that did not ask for
   * it resolves to `confirmationRequired`: see {@link confirmRedirect}.
   */
  finishRedirect(code: string): Promise<SignInOutcome> {
    return loadSteps().then((steps) => (this.#redirects = steps).finishRedirect(this.#core, code));
  }

  /** The sign-in link waiting for the person's confirmation, if any: the account it signs in to. */
  pendingConfirmation(): { account: string } | null {
    return this.#core.confirmation?.shown ?? null;
  }

  /** Signs in with the link waiting for confirmation (the person agreed to its account). */
  async confirmRedirect(): Promise<SignInOutcome> {
    return this.#redirects?.confirmRedirect(this.#core) ?? { status: "failed" };
  }

  /** Drops the link waiting for confirmation. */
  cancelRedirect(): void {
    this.#redirects?.cancelRedirect(this.#core);
  }

  /** Ends the session on the server (best effort) and here, and in other tabs. */
  async signOut(): Promise<void> {
    const token = this.#tokens?.token;
    try {
      if (token) await this.#options.transport.signOut(token);
    } catch {
      // Offline: the session ends on the server when it expires.
    } finally {
      await this.#setStep(null);
      await this.#save(null);
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
   * that a refresh brings back later are dropped. A sign-in sent while
   * signed in and still in flight may be replacing this very session (a
   * TOTP confirmation ends the caller's session as it issues the next, and
   * the report can arrive first): the report waits for it (at most 15 s),
   * then decides. Resolves to whether it signed out.
   */
  async sessionEnded(sessionId: string): Promise<boolean> {
    await this.#core.replacing;
    // Queued behind any sign-in or refresh being written, which decides first.
    return this.#run(async () => {
      await this.#ready;
      // Another tab may have signed in again since we last loaded: storage decides.
      const stored = await this.#read();
      if (sessionIdOf(this.#tokens?.token) !== sessionId) return false;
      if (stored && sessionIdOf(stored.token) !== sessionId) {
        await this.#apply(stored);
        return false;
      }
      this.#ended.add(sessionId);
      clearTimeout(this.#retryTimer);
      await this.#write(null);
      return true;
    });
  }

  /** `migrateFrom`: exchanges @convex-dev/auth's stored refresh token, if there is one (its chunk loads only then). */
  async #migrate(): Promise<void> {
    const key = `__convexAuthRefreshToken_${this.#options.namespace.replace(/[^a-zA-Z0-9]/g, "")}`;
    try {
      if (await this.#storage.getItem(key)) await (await import("./migrate.js")).migrateFromConvexAuth(this.#core, key);
    } catch {
      // Whatever is stored of ours is loaded next; the legacy token waits for the next load.
    }
  }

  #notify = (): void => {
    for (const listener of [...this.#listeners]) listener();
  };

  /** The stored step (read afresh: another tab may have changed it), also shown. */
  #readStep = async (): Promise<StoredStep | null> => this.#showStep(await this.#storage.getItem(`${this.#key}:step`));

  /** Keeps the step `raw` (`JSON.stringify`'d), or none, in storage, where a reload and other tabs find it. */
  #setStep = async (raw: string | null): Promise<void> => {
    await (raw ? this.#storage.setItem(`${this.#key}:step`, raw) : this.#storage.removeItem(`${this.#key}:step`));
    this.#showStep(raw);
  };

  /** Shows the stored step `raw` without its verifier (a new object only when it changed); returns it parsed. */
  #showStep(raw: string | null = null): StoredStep | null {
    const step = parseStep(raw);
    if (raw !== this.#stepRaw) {
      this.#stepRaw = raw;
      const { verifier: _, ...shown } = step ?? {};
      this.#step = step && (shown as PendingStep);
      this.#notify();
    }
    return step;
  }

  #expiresSoon(token: string): boolean {
    return msLeft(token) < (this.#options.refreshAheadMs ?? refreshAheadOf(token));
  }

  /**
   * One refresh at a time in this tab, each attempt under the cross-tab
   * lock; the wait between attempts is outside it, so an offline tab never
   * holds up the others.
   */
  #refresh(seen: Tokens): Promise<string | null> {
    this.#inflight ??= (async () => {
      let delay = this.#options.retryMs ?? 1000;
      for (;;) {
        const attempt = await this.#lock(`${this.#key}:refresh`, () => this.#exchange(seen));
        if (!("retry" in attempt)) return attempt.token;
        await Promise.race([sleep(delay), new Promise<void>((wake) => (this.#wake = wake))]);
        delay = Math.min(delay * 2, this.#options.maxRetryMs ?? 30_000);
        seen = attempt.retry;
      }
    })().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** One attempt: the token to use, or (offline, with an expired token) what to retry with. */
  async #exchange(seen: Tokens): Promise<{ token: string | null } | { retry: Tokens }> {
    const stored = await this.#read();
    if (!stored) {
      await this.#apply(null);
      return { token: null };
    }
    if (stored.refreshToken !== seen.refreshToken && !this.#expiresSoon(stored.token)) {
      // Another tab refreshed while we waited for the lock.
      await this.#apply(stored);
      return { token: stored.token };
    }
    try {
      const result = await Promise.race([
        this.#options.transport.signIn({ refreshToken: stored.refreshToken }),
        sleep(this.#options.refreshTimeoutMs ?? 8000) as Promise<undefined>,
      ]);
      // Never leaves this method: the catch below takes it as a failed attempt.
      if (!result) throw new Error("refresh timed out");
      const tokens = await this.#run(async () => {
        // Another tab stored tokens while the request was out (its lock may
        // have expired): theirs are newer than this answer, which is dropped.
        const now = await this.#read();
        if (now?.refreshToken !== stored.refreshToken) {
          await this.#apply(now);
          return this.#tokens;
        }
        return await this.#write("tokens" in result ? result.tokens : null);
      });
      return { token: tokens?.token ?? null };
    } catch {
      // Transient: keep the tokens. While the access token still works,
      // hand it out and retry in the background; once it has expired,
      // keep the caller waiting until a retry gets through.
      if (msLeft(stored.token) > 0) {
        this.#retryLater(stored, this.#options.retryMs ?? 1000);
        return { token: stored.token };
      }
      return { retry: stored };
    }
  }

  #retryLater(seen: Tokens, delay: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (this.#tokens?.refreshToken === seen.refreshToken) {
        void this.#refresh(seen).catch(() => undefined);
      }
    }, delay);
  }

  async #read(): Promise<Tokens | null> {
    return parseJSON(await this.#storage.getItem(`${this.#key}:tokens`));
  }

  async #load(): Promise<void> {
    await this.#apply(await this.#read());
  }

  /** Runs `task` after the queued ones. */
  #run<T>(task: () => Promise<T>): Promise<T> {
    const done = this.#queue.then(task);
    this.#queue = done.catch(() => undefined);
    return done;
  }

  /** Writes the tokens (or their absence) to storage, where other tabs see them; returns what it kept. */
  #save = (tokens: Tokens | null): Promise<Tokens | null> => this.#run(() => this.#write(tokens));

  async #write(tokens: Tokens | null): Promise<Tokens | null> {
    tokens = this.#live(tokens);
    if (tokens) await this.#storage.setItem(`${this.#key}:tokens`, JSON.stringify(tokens));
    else await this.#storage.removeItem(`${this.#key}:tokens`);
    await this.#apply(tokens);
    return tokens;
  }

  /** `tokens`, unless they belong to a session reported ended here. */
  #live(tokens: Tokens | null): Tokens | null {
    return this.#ended.has(sessionIdOf(tokens?.token)!) ? null : tokens;
  }

  async #apply(tokens: Tokens | null): Promise<void> {
    this.#tokens = tokens = this.#live(tokens);
    const status = tokens ? "signedIn" : "signedOut";
    const token = tokens?.token ?? null;
    if (status !== this.state.status || token !== this.state.token) {
      this.state = { status, token };
      // Signed out: a sign-in may follow, so fetch its steps now (from the
      // deployment this page came from, not a later one).
      if (!tokens) loadSteps().catch(() => undefined);
      this.#notify();
    }
  }
}

/** `raw` parsed, or `null` for none (`null`, `undefined`, `""`) or what is not JSON. */
function parseJSON(raw: string | null | undefined) {
  try {
    return JSON.parse(raw!);
  } catch {
    return null;
  }
}

/** A stored step, or `null` for none (or anything unreadable). */
function parseStep(raw: string | null): StoredStep | null {
  const step = parseJSON(raw) as StoredStep | null;
  return typeof step?.verifier === "string" ? step : null;
}
