import { ConvexProvider, ConvexProviderWithAuth, type ConvexReactClient, type Watch } from "convex/react";
import { createContext, useContext, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from "react";
import { authError } from "../../shared/errors.js";
import { AuthClient, loadSteps, type AuthState } from "../authClient.js";
import { claimsOf } from "../jwt.js";
import type { AuthTransport, PendingStep, SessionState, SignInOutcome } from "../protocol.js";
import { browserStorage, type TokenStorage } from "../storage.js";
import { convexTransport, makeFunctionReference, type AuthActionNames } from "../transport.js";

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
  useSessionWatch(auth, client, api?.sessionState ?? "auth:sessionState", props.watchSession !== false);
  const useAuth = useMemo(() => () => useConvexAuthAdapter(auth), [auth]);
  const bridge = useMemo(() => authBridge(auth, client), [auth, client]);
  useEffect(() => auth.subscribe(bridge.tokenChanged), [auth, bridge]);
  return (
    <AuthContext.Provider value={auth}>
      <ConvexProviderWithAuth client={bridge} useAuth={useAuth}>
        {/* The app's components get the client itself, not the bridge. */}
        <ConvexProvider client={client}>{props.children}</ConvexProvider>
      </ConvexProviderWithAuth>
    </AuthContext.Provider>
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
  return {
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
      const sub = claimsOf(auth.state.token)?.sub;
      if (config && auth.state.status === "signedIn" && sub !== owner) {
        owner = sub;
        client.setAuth(...config);
      }
    },
  };
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
 * While signed in, subscribes to the `sessionState` query `name` and reports
 * `{ live: false }` to `auth.sessionEnded`, which ignores any session but the
 * current one. A failing query (most likely not exported) warns once
 * (`sessionWarning.ts`, loaded then).
 */
function useSessionWatch(auth: AuthClient, client: ConvexReactClient, name: string, enabled: boolean) {
  const warned = useRef(false);
  const watching = useAuthState(auth).status === "signedIn" && enabled;
  useEffect(() => {
    if (!watching) return;
    let watch: Watch<SessionState> | undefined;
    const check = () => {
      try {
        watch ??= client.watchQuery(makeFunctionReference<"query", Record<string, never>, SessionState>(name), {});
        const state = watch.localQueryResult();
        if (state?.live === false && typeof state.sessionId === "string") {
          auth.sessionEnded(state.sessionId).catch(() => undefined);
        }
      } catch (error) {
        // Most likely the app does not export the query (the warning's text is fetched only then).
        if (!warned.current) {
          import("./sessionWarning.js").then((module) => module.warnSessionWatch(name, error), () => undefined);
        }
        warned.current = true;
      }
    };
    check();
    return watch?.onUpdate(check);
  }, [auth, client, name, watching]);
}

/**
 * Finishes a sign-in from the URL (`?code=`, `?authError=`): only the check
 * is here; the rest (`finishFromURL` in `steps.ts`, with the sign-in code it
 * needs) is fetched when the URL has one.
 */
function useOAuthReturn(
  auth: AuthClient,
  should: ConvexAuthProviderProps["shouldHandleCode"],
  replaceURL?: (url: string) => void,
  onError: (error: unknown) => void = console.error,
  onResult?: (outcome: SignInOutcome) => void,
) {
  useEffect(() => {
    if (typeof window === "undefined") return;
    const enabled = typeof should === "function" ? should() : should !== false;
    const params = new URL(window.location.href).searchParams;
    if (enabled && (params.get("code") || params.get("authError"))) {
      loadSteps().then((steps) => steps.finishFromURL(auth, replaceURL, onError, onResult), onError);
    }
  }, [auth, should, replaceURL, onError, onResult]);
}

function useAuthClient(): AuthClient {
  const auth = useContext(AuthContext);
  if (!auth) throw authError("CONFIGURATION", "Wrap your app in <ConvexAuthProvider>");
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
export function useAuthActions() {
  const auth = useAuthClient();
  return useMemo(
    () => ({
      signIn: (provider: string, params?: Record<string, unknown>, verifier?: string) =>
        auth.signIn(provider, params, verifier),
      signOut: () => auth.signOut(),
      /** Signs in with the sign-in link waiting for confirmation (see `usePendingSignIn`). */
      confirmSignIn: () => auth.confirmRedirect(),
      /** Drops the sign-in waiting for the person: a link to confirm, a pending second factor or TOTP set-up. */
      cancelSignIn: () => auth.cancelSignIn(),
      /** An admin acts as `userId` (at most an hour; the server's `Auth({ admin: { impersonation } })`). */
      impersonate: (userId: string) => auth.impersonate(userId),
      /** Ends the impersonation: the admin's own session again. */
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
