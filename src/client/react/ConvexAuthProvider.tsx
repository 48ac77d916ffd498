import { ConvexProvider, ConvexProviderWithAuth, type ConvexReactClient } from "convex/react";
import { createContext, createElement, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import type { AuthErrorCode } from "../../shared/errors.js";
import { AuthClient, loadSteps, type AuthState } from "../authClient.js";
import { ConvexError } from "../errors.js";
import { claimsOf } from "../jwt.js";
import type { AuthTransport, PendingStep, SignInOutcome } from "../protocol.js";
import { browserStorage, type TokenStorage } from "../storage.js";
import { convexTransport, type AuthActionNames } from "../transport.js";

const AuthContext = createContext<AuthClient | null>(null);

/** Props of {@link ConvexAuthProvider}. */
export type ConvexAuthProviderProps = {
  client: ConvexReactClient;
  /** Token storage. Default `localStorage`, or memory where there is none. */
  storage?: TokenStorage;
  /** Keeps deployments apart in one storage. Default: the deployment URL. */
  storageNamespace?: string;
  /** Removes `?code=` after an OAuth return. Default: `history.replaceState`. */
  replaceURL?: (url: string) => void;
  /** Whether to finish an OAuth sign-in from `?code=` in the URL. Default true. */
  shouldHandleCode?: boolean | (() => boolean);
  /**
   * The app's auth function names, if not `auth:signIn` / `auth:signOut` /
   * `auth:sessionState`.
   */
  api?: AuthActionNames;
  /**
   * While signed in, watch the session through the `sessionState` query (one
   * subscription, no polling) and sign out as soon as the server ends it
   * (revoked from another device, signed out everywhere). Needs
   * `export const { signIn, signOut, sessionState } = auth;` in
   * `convex/auth.ts`. Default true.
   */
  watchSession?: boolean;
  /**
   * Moving off @convex-dev/auth (docs/migrating-from-convex-auth.md):
   * `"convex-dev-auth"` exchanges the refresh token its React client left
   * in `storage` (same `storageNamespace`, the deployment URL by default)
   * once on load for one of our sessions, so nobody is signed out, and
   * removes its keys. Needs the server's `exchange` mutation
   * (`authMigration:exchange`, or `api.exchangeLegacy`).
   */
  migrateFrom?: "convex-dev-auth";
  /** How to reach the server; default HTTP to `client.url`. For tests and other transports. */
  transport?: AuthTransport;
  /** First delay before retrying a failed refresh (doubles up to 30 s). Default 1 s. */
  refreshRetryMs?: number;
  /**
   * Called when finishing a sign-in from the URL fails: `?code=` that the
   * server refuses (e.g. `ACCOUNT_EXISTS`), or `?authError=CODE` from a failed
   * OAuth callback (as a `ConvexError({ code })`). Default: `console.error`.
   */
  onSignInError?: (error: unknown) => void;
  /**
   * Called with the outcome of a sign-in finished from the URL (an OAuth
   * return, a magic link): `signedIn`, `secondFactorRequired` (the step is
   * then pending: see `usePendingStep`), or `confirmationRequired` (see
   * `usePendingSignIn`).
   */
  onRedirectResult?: (outcome: SignInOutcome) => void;
  children: ReactNode;
};

/**
 * Signs users in for a Convex app: wrap the app in it instead of
 * `ConvexProvider`, and `useConvexAuth()`, `<Authenticated>`,
 * `<Unauthenticated>` and `<AuthLoading>` from `convex/react` work.
 *
 * @example
 * ```tsx
 * const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL);
 * root.render(
 *   <ConvexAuthProvider client={convex}>
 *     <App />
 *   </ConvexAuthProvider>,
 * );
 * ```
 */
export function ConvexAuthProvider(props: ConvexAuthProviderProps) {
  const { client, storage, storageNamespace, transport, api } = props;
  const auth = useMemo(
    () =>
      new AuthClient({
        transport: transport ?? convexTransport(client.url, api),
        // Where there is no localStorage, the client keeps the tokens in memory.
        storage: storage ?? browserStorage(),
        namespace: storageNamespace ?? client.url,
        retryMs: props.refreshRetryMs,
        migrateFrom: props.migrateFrom,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, storage, storageNamespace, transport],
  );
  useEffect(() => () => auth.stop(), [auth]);
  useOAuthReturn(auth, props.shouldHandleCode, props.replaceURL, props.onSignInError, props.onRedirectResult);
  useSessionWatch(auth, client, api?.sessionState, props.watchSession !== false);
  const useAuth = useMemo(() => () => useConvexAuthAdapter(auth), [auth]);
  const bridge = useMemo(() => authBridge(auth, client), [auth, client]);
  useEffect(() => auth.subscribe(bridge.tokenChanged), [auth, bridge]);
  // The app's components get the client itself, not the bridge. (`createElement`, not JSX: the bundle
  // then imports nothing of `react/jsx-runtime`.)
  return createElement(
    AuthContext.Provider,
    { value: auth },
    createElement(ConvexProviderWithAuth, { client: bridge, useAuth }, createElement(ConvexProvider, { client }, props.children)),
  );
}

/**
 * What `ConvexProviderWithAuth` calls `setAuth`/`clearAuth` on: passes them
 * to `client`, keeping the arguments of the last `setAuth`. When the token
 * changes owner while signed in (a new session of the same user, e.g. a TOTP
 * enrolment confirmed; another user signing in), `tokenChanged` calls
 * `setAuth` again with them: Convex re-authenticates with the new token while
 * `useConvexAuth()` stays authenticated, never loading. (A new
 * `fetchAccessToken` would make `ConvexProviderWithAuth` drop auth and show
 * loading, unmounting whatever sits under an auth gate.) A refresh of the
 * same session changes nothing here: Convex asked for it.
 */
function authBridge(auth: AuthClient, client: ConvexReactClient) {
  let config: Parameters<ConvexReactClient["setAuth"]> | null = null;
  let owner: unknown;
  const bridge = {
    setAuth(...args: Parameters<ConvexReactClient["setAuth"]>) {
      config = args;
      owner = claimsOf(auth.state.token)?.sub;
      client.setAuth(...args);
    },
    clearAuth() {
      config = null;
      client.clearAuth();
    },
    tokenChanged() {
      if (config && auth.state.status === "signedIn" && claimsOf(auth.state.token)?.sub !== owner) bridge.setAuth(...config);
    },
  };
  return bridge;
}

function useAuthState(auth: AuthClient): AuthState {
  return useSyncExternalStore(auth.subscribe, () => auth.state, () => auth.state);
}

/**
 * What `ConvexProviderWithAuth` needs. `fetchAccessToken` is one function per
 * client (it reads the current token when called): a new one, like a change
 * of `isLoading`/`isAuthenticated`, makes `ConvexProviderWithAuth` drop auth
 * and show loading, so only signing in or out may change what this returns.
 * A new token while signed in reaches Convex through `authBridge`.
 */
function useConvexAuthAdapter(auth: AuthClient) {
  const { status } = useAuthState(auth);
  return {
    isLoading: status === "loading",
    isAuthenticated: status === "signedIn",
    fetchAccessToken: auth.fetchAccessToken,
  };
}

/**
 * While signed in, watches the session (`sessionWatch.ts`, fetched then,
 * after the first render): reports `{ live: false }` from the
 * `sessionState` query `name` (default `auth:sessionState`, named in that
 * chunk) to `auth.sessionEnded`. Warns once per client if the query fails.
 * Should the chunk not load (offline, a redeployed app), a revoked session
 * signs out at the next refresh instead.
 */
function useSessionWatch(auth: AuthClient, client: ConvexReactClient, name: string | undefined, enabled: boolean) {
  const watching = useAuthState(auth).status === "signedIn" && enabled;
  useEffect(() => {
    if (!watching) return;
    let stop: (() => void) | undefined | null;
    import("./sessionWatch.js").then(
      // Not if the effect was cleaned up (`null`) while the chunk loaded.
      (module) => stop !== null && (stop = module.watchSession(auth, client, name)),
      () => undefined,
    );
    return () => {
      stop?.();
      stop = null;
    };
  }, [auth, client, name, watching]);
}

/**
 * Finishes a sign-in from the URL (`?code=`, `?authError=`): only a look at
 * the URL is here; the rest (`finishFromURL` in `steps.ts`, with the sign-in
 * code it needs, and the `shouldHandleCode` check) is fetched when the URL
 * has one.
 */
function useOAuthReturn(
  auth: AuthClient,
  should: ConvexAuthProviderProps["shouldHandleCode"],
  replaceURL?: (url: string) => void,
  onError: (error: unknown) => void = console.error,
  onResult?: (outcome: SignInOutcome) => void,
) {
  useEffect(() => {
    // A `code` or `authError` with a value (`finishFromURL` reads them properly, and asks `should`); no `location` in React Native.
    if (/[?&](code|authError)=[^&]/.test(globalThis.location?.search ?? "")) {
      loadSteps().then((steps) => steps.finishFromURL(auth, should, replaceURL, onError, onResult), onError);
    }
  }, [auth, should, replaceURL, onError, onResult]);
}

function useAuthClient(): AuthClient {
  const auth = useContext(AuthContext);
  // `authError` (src/shared/errors.ts) would import `convex/values` a second time into the bundle.
  if (!auth) throw new ConvexError({ code: "CONFIGURATION" satisfies AuthErrorCode, message: "Wrap your app in <ConvexAuthProvider>" });
  return auth;
}

/**
 * `signIn(provider, params)` and `signOut()`. `signIn` resolves to a
 * {@link SignInOutcome} to switch on. A second factor or a TOTP set-up stays
 * pending in the client (see `usePendingStep`), which sends its verifier
 * with the next `signIn` calls: pass a `verifier` only to override it.
 * `impersonate(userId)` / `stopImpersonating()` are an admin's (they send
 * the session's refresh token, which the app never handles).
 *
 * @example
 * ```tsx
 * const { signIn } = useAuthActions();
 * const outcome = await signIn("password", { flow: "signIn", email, password });
 * if (outcome.status === "secondFactorRequired") askForCode(outcome.methods);
 * // later, with the code the person typed:
 * await signIn("totp", { code });
 * ```
 */
export function useAuthActions(): {
  signIn: (provider: string, params?: Record<string, unknown>, verifier?: string) => Promise<SignInOutcome>;
  signOut: () => Promise<void>;
  /** Signs in with the sign-in link waiting for confirmation (see `usePendingSignIn`). */
  confirmSignIn: () => Promise<SignInOutcome>;
  /** Drops the sign-in waiting for the person: a link to confirm, a pending second factor or TOTP set-up. */
  cancelSignIn: () => Promise<void>;
  /** An admin acts as `userId` (at most an hour; the server's `Auth({ admin: { impersonation } })`). */
  impersonate: (userId: string) => Promise<SignInOutcome>;
  /** Ends the impersonation: the admin's own session again. */
  stopImpersonating: () => Promise<SignInOutcome>;
} {
  const auth = useAuthClient();
  // The client's own functions (they need no `this`).
  return useMemo(
    () => ({
      signIn: auth.signIn,
      signOut: auth.signOut,
      confirmSignIn: auth.confirmRedirect,
      cancelSignIn: auth.cancelSignIn,
      impersonate: auth.impersonate,
      stopImpersonating: () => auth.impersonate(null),
    }),
    [auth],
  );
}

/**
 * A sign-in link opened in this browser, which did not ask for it, waits
 * for the person to confirm the account it signs in to: `{ account }`, or
 * `null`. Show the account with a confirm button (`confirmSignIn()` from
 * `useAuthActions`): nothing happens until then, so a link someone else
 * sent cannot sign this browser into their account unnoticed.
 */
export function usePendingSignIn(): { account: string } | null {
  const auth = useAuthClient();
  return useSyncExternalStore(auth.subscribe, () => auth.pendingConfirmation(), () => null);
}

/**
 * The sign-in step waiting for the user, or `null` (see
 * `AuthClient.pendingStep`): `{ kind: "secondFactor", methods }` after a
 * first factor of a user with a second one (also after a reload, and in
 * other tabs), or `{ kind: "totpSetup" }` while an authenticator set-up
 * waits for its code. Show a prompt for each of `methods` and finish with
 * `signIn("totp", { code })`, `signIn("totp", { recoveryCode })` or
 * `signIn("passkey", { flow: "secondFactor" })`; no verifier needed.
 * `cancelSignIn()` drops it.
 */
export function usePendingStep(): PendingStep | null {
  const auth = useAuthClient();
  return useSyncExternalStore(auth.subscribe, () => auth.pendingStep(), () => null);
}

/** The current access token (a JWT), or `null` when signed out. */
export function useAuthToken(): string | null {
  return useAuthState(useAuthClient()).token;
}
