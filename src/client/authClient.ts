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
import { msLeft, refreshDue, sessionIdOf } from "./jwt.js";
import { crossTabLock, type Lock } from "./lock.js";
import type { AuthTransport, PendingStep, SignInOutcome, Tokens } from "./protocol.js";
import { memoryStorage, type TokenStorage } from "./storage.js";

/** The sign-in code (`steps.ts`), fetched when needed (also by the React binding): one place names its chunk. */
export const loadSteps = () => import("./steps.js");

/** The functions of `steps.ts` that `AuthClient` methods hand their arguments to (after the core). */
type StepName = "signIn" | "impersonate" | "finishRedirect" | "confirmRedirect";
type StepArgs<Name extends StepName> = Parameters<Awaited<ReturnType<typeof loadSteps>>[Name]> extends [Core, ...infer Rest] ? Rest : never;

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
   * one of our sessions and its keys removed (`migrate.ts`, fetched on each
   * load with this option, before the stored tokens are read).
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

/**
 * The client. Its state lives in the constructor, as plain variables that
 * the methods (assigned there too) close over: a minified bundle names them
 * in a letter each, where private fields keep their names.
 */
export class AuthClient {
  /** Where the client stands; {@link subscribe}'s listeners hear when it changes. */
  state: AuthState = { status: "loading", token: null };

  /** Calls `listener` on every state change; returns the unsubscriber. */
  declare subscribe: (listener: () => void) => () => void;

  /** Stops watching storage and pending retries. */
  declare stop: () => void;

  /**
   * The access token for Convex (`ConvexReactClient.setAuth`'s fetcher):
   * the current one, or a refreshed one when asked or close to expiry.
   */
  declare fetchAccessToken: (args: { forceRefreshToken: boolean }) => Promise<string | null>;

  /**
   * Signs in with `provider`, running any browser step (WebAuthn ceremony,
   * OAuth redirect) and returning what the UI must do next. Without a
   * `verifier`, sends the pending step's (see {@link pendingStep}): after
   * `secondFactorRequired`, `signIn("totp", { code })` finishes the sign-in;
   * after `totpSetup`, `signIn("totp", { flow: "confirm", code })`.
   */
  declare signIn: (provider: string | undefined, params?: Record<string, unknown>, verifier?: string) => Promise<SignInOutcome>;

  /**
   * The sign-in step waiting for the user, or `null`: a second factor (one
   * of `methods`: `"totp"`, `"recoveryCode"`, `"passkey"`) or a TOTP set-up
   * to confirm. Kept in storage, so it is still there after a reload and in
   * other tabs; {@link subscribe} hears when it changes. It ends when a
   * `signIn` signs in or starts another step, on {@link signOut} and
   * {@link cancelSignIn}, and when the server answers `NOT_FOUND` (expired).
   */
  declare pendingStep: () => PendingStep | null;

  /**
   * An admin starts impersonating `userId` (`signIn("impersonate")` with
   * this session's refresh token, which proves it): on `signedIn` the
   * client holds the impersonation's tokens, in every tab. `null` stops it
   * and brings the admin's own session back. Needs
   * `Auth({ admin: { impersonation } })` on the server.
   */
  declare impersonate: (userId: string | null) => Promise<SignInOutcome>;

  /** Drops any sign-in waiting for the user: the pending step and a link waiting for confirmation. */
  declare cancelSignIn: () => Promise<void>;

  /**
   * Finishes a redirect sign-in (an OAuth return, a magic link) with the
   * `code` it brought back. A link opened in a browser that did not ask for
   * it resolves to `confirmationRequired`: see {@link confirmRedirect}.
   */
  declare finishRedirect: (code: string) => Promise<SignInOutcome>;

  /** The sign-in link waiting for the person's confirmation, if any: the account it signs in to. */
  declare pendingConfirmation: () => { account: string } | null;

  /**
   * Signs in with the link waiting for confirmation (the person agreed to its
   * account); `failed` without one. (Only `finishRedirect`, which has loaded
   * the sign-in code, leaves a link waiting.)
   */
  declare confirmRedirect: () => Promise<SignInOutcome>;

  /** Drops the link waiting for confirmation. */
  declare cancelRedirect: () => void;

  /** Ends the session on the server (best effort) and here, and in other tabs. */
  declare signOut: () => Promise<void>;

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
  declare sessionEnded: (sessionId: string) => Promise<boolean>;

  constructor(options: AuthClientOptions) {
    const client = this;
    const storage = options.storage ?? memoryStorage();
    const lock = options.lock ?? crossTabLock(storage);
    const key = `convexAuth:${options.namespace}`;
    let tokens: Tokens | null | undefined;
    let inflight: Promise<string | null> | null | undefined;
    const listeners = new Set<() => void>();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    /** Ends the wait between refresh attempts early: back online, or another tab stored tokens. */
    let wake = (): void => {};
    /** The pending step as stored (raw JSON) and as shown, kept in step so `pendingStep()` is stable. */
    let stepRaw: string | null = null;
    let step: PendingStep | null = null;
    /** Token writes and `sessionEnded` checks, one at a time: each sees what the one before wrote. */
    let queue: Promise<unknown> = Promise.resolve();
    /** Sessions reported ended here: tokens for them (a refresh that was in flight) are not taken back. */
    const ended = new Set<string>();

    const notify = (): void => {
      for (const listener of [...listeners]) listener();
    };

    /** Shows the stored step `raw` without its verifier (a new object only when it changed); returns it parsed. */
    const showStep = (raw: string | null = null): StoredStep | null => {
      let parsed = parseJSON(raw) as StoredStep | null;
      // Anything unreadable is no step.
      if (typeof parsed?.verifier !== "string") parsed = null;
      if (raw !== stepRaw) {
        stepRaw = raw;
        const { verifier: _, ...shown } = parsed ?? {};
        step = parsed && (shown as PendingStep);
        notify();
      }
      return parsed;
    };

    /** The stored step (read afresh: another tab may have changed it), also shown. */
    const readStep = async (): Promise<StoredStep | null> => showStep(await storage.getItem(`${key}:step`));

    /** Keeps the step `raw` (`JSON.stringify`'d), or none, in storage, where a reload and other tabs find it. */
    const setStep = async (raw: string | null): Promise<void> => {
      await (raw ? storage.setItem(`${key}:step`, raw) : storage.removeItem(`${key}:step`));
      showStep(raw);
    };

    const read = async (): Promise<Tokens | null> => parseJSON(await storage.getItem(`${key}:tokens`));

    /** `t`, unless they belong to a session reported ended here. */
    const live = (t: Tokens | null): Tokens | null => (ended.has(sessionIdOf(t?.token)!) ? null : t);

    const apply = async (t: Tokens | null): Promise<void> => {
      tokens = t = live(t);
      const status = t ? "signedIn" : "signedOut";
      const token = t?.token ?? null;
      if (status !== client.state.status || token !== client.state.token) {
        client.state = { status, token };
        // Signed out: a sign-in may follow, so fetch its steps now (from the
        // deployment this page came from, not a later one).
        if (!t) loadSteps().catch(() => undefined);
        notify();
      }
    };

    const load = async (): Promise<void> => apply(await read());

    /** Runs `task` after the queued ones. */
    const run = <T>(task: () => Promise<T>): Promise<T> => {
      const done = queue.then(task);
      queue = done.catch(() => undefined);
      return done;
    };

    /** Writes the tokens (or their absence) to storage, where other tabs see them; returns what it kept. */
    const write = async (t: Tokens | null): Promise<Tokens | null> => {
      t = live(t);
      if (t) await storage.setItem(`${key}:tokens`, JSON.stringify(t));
      else await storage.removeItem(`${key}:tokens`);
      await apply(t);
      return t;
    };

    /** `write`, in turn with the other token writes. */
    const save = (t: Tokens | null): Promise<Tokens | null> => run(() => write(t));

    const retryMs = options.retryMs ?? 1000;

    /**
     * One attempt: the token to use (a string, or `null` signed out), or
     * (offline, with an expired token) the tokens to retry with.
     */
    const exchange = async (seen: Tokens): Promise<string | null | Tokens> => {
      const stored = await read();
      if (!stored || (stored.refreshToken !== seen.refreshToken && !refreshDue(stored.token, options.refreshAheadMs))) {
        // Signed out, or another tab refreshed while we waited for the lock.
        await apply(stored);
        return stored?.token ?? null;
      }
      try {
        const result = await Promise.race([
          options.transport.signIn({ refreshToken: stored.refreshToken }),
          // No answer in time: the catch below takes it as a failed attempt (the rejection never leaves here).
          new Promise<never>((_, reject) => setTimeout(reject, options.refreshTimeoutMs ?? 8000)),
        ]);
        const kept = await run(async () => {
          // Another tab stored tokens while the request was out (its lock may
          // have expired): theirs are newer than this answer, which is dropped.
          const now = await read();
          if (now?.refreshToken !== stored.refreshToken) {
            await apply(now);
            return tokens;
          }
          return await write("tokens" in result ? result.tokens : null);
        });
        return kept?.token ?? null;
      } catch {
        // Transient: keep the tokens. While the access token still works,
        // hand it out and retry in the background; once it has expired,
        // keep the caller waiting until a retry gets through.
        if (msLeft(stored.token) > 0) {
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => {
            if (tokens?.refreshToken === stored.refreshToken) void refresh(stored).catch(() => undefined);
          }, retryMs);
          return stored.token;
        }
        return stored;
      }
    };

    /**
     * One refresh at a time in this tab, each attempt under the cross-tab
     * lock; the wait between attempts is outside it, so an offline tab never
     * holds up the others.
     */
    const refresh = (seen: Tokens): Promise<string | null> =>
      (inflight ??= (async () => {
        let delay = retryMs;
        for (;;) {
          const attempt = await lock(`${key}:refresh`, () => exchange(seen));
          if (typeof attempt !== "object" || !attempt) return attempt;
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, delay);
          });
          delay = Math.min(delay * 2, options.maxRetryMs ?? 30_000);
          seen = attempt;
        }
      })().finally(() => {
        inflight = null;
      }));

    const core: Core = { options, storage, key, client, msLeft, save, refreshToken: () => tokens?.refreshToken, readStep, setStep, notify, lock };

    const ready = options.migrateFrom
      ? // Whatever goes wrong, what is stored of ours is loaded next; a legacy token waits for the next load.
        import("./migrate.js")
          .then((module) => module.migrateFromConvexAuth(core))
          .catch(() => undefined)
          .then(load)
      : load();
    void readStep();
    const online = () => wake();
    globalThis.addEventListener?.("online", online);
    const unsubscribe = storage.subscribe?.((changed) => {
      if (changed === null || changed === `${key}:tokens`) void load().then(online);
      if (changed === null || changed === `${key}:step`) void readStep();
    });

    /** A method that calls `steps.ts`'s function `name` with the core and its own arguments. */
    const later =
      <Name extends StepName>(name: Name) =>
      (...args: StepArgs<Name>) =>
        loadSteps().then((steps) => (steps[name] as unknown as (core: Core, ...rest: StepArgs<Name>) => Promise<SignInOutcome>)(core, ...args));
    const cancelRedirect = (): void => {
      if (core.confirmation) {
        core.confirmation = null;
        notify();
      }
    };

    Object.assign(this, {
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      stop() {
        unsubscribe?.();
        globalThis.removeEventListener?.("online", online);
        clearTimeout(retryTimer);
      },
      fetchAccessToken: async ({ forceRefreshToken }) => {
        await ready;
        const current = tokens;
        if (!current) return null;
        if (!forceRefreshToken && !refreshDue(current.token, options.refreshAheadMs)) return current.token;
        return await refresh(current);
      },
      signIn: later("signIn"),
      pendingStep: () => step,
      impersonate: later("impersonate"),
      async cancelSignIn() {
        cancelRedirect();
        await setStep(null);
      },
      finishRedirect: later("finishRedirect"),
      pendingConfirmation: () => core.confirmation?.shown ?? null,
      confirmRedirect: later("confirmRedirect"),
      cancelRedirect,
      async signOut() {
        try {
          if (tokens) await options.transport.signOut(tokens.token);
        } catch {
          // Offline: the session ends on the server when it expires.
        }
        await setStep(null);
        await save(null);
      },
      async sessionEnded(sessionId) {
        await core.replacing;
        // Queued behind any sign-in or refresh being written, which decides first.
        return run(async () => {
          await ready;
          // Another tab may have signed in again since we last loaded: storage decides.
          const stored = await read();
          if (sessionIdOf(tokens?.token) !== sessionId) return false;
          if (stored && sessionIdOf(stored.token) !== sessionId) {
            await apply(stored);
            return false;
          }
          ended.add(sessionId);
          clearTimeout(retryTimer);
          await write(null);
          return true;
        });
      },
    } satisfies Omit<AuthClient, "state">);
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
