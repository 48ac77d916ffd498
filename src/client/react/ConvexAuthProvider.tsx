import { ConvexProviderWithAuth, type ConvexReactClient } from "convex/react";
import { ConvexError } from "convex/values";
import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { AuthClient, type AuthState } from "../authClient.js";
import type { AuthTransport } from "../protocol.js";
import { browserStorage, memoryStorage, type TokenStorage } from "../storage.js";
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
  /** The app's auth action names, if not `auth:signIn` / `auth:signOut`. */
  api?: AuthActionNames;
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
        storage: storage ?? browserStorage() ?? memoryStorage(),
        namespace: storageNamespace ?? client.url,
        retryMs: props.refreshRetryMs,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, storage, storageNamespace, transport],
  );
  useEffect(() => () => auth.stop(), [auth]);
  useOAuthReturn(auth, props.shouldHandleCode, props.replaceURL, props.onSignInError);
  const useAuth = useMemo(() => () => useConvexAuthAdapter(auth), [auth]);
  return (
    <AuthContext.Provider value={auth}>
      <ConvexProviderWithAuth client={client} useAuth={useAuth}>
        {props.children}
      </ConvexProviderWithAuth>
    </AuthContext.Provider>
  );
}

function useAuthState(auth: AuthClient): AuthState {
  return useSyncExternalStore(auth.subscribe, () => auth.state, () => auth.state);
}

/** What `ConvexProviderWithAuth` needs. A new fetcher per token owner makes Convex re-authenticate. */
function useConvexAuthAdapter(auth: AuthClient) {
  const state = useAuthState(auth);
  const owner = state.token?.split(".")[1];
  const fetchAccessToken = useCallback(
    (args: { forceRefreshToken: boolean }) => auth.fetchAccessToken(args),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [auth, owner === undefined ? null : subjectOf(owner)],
  );
  return {
    isLoading: state.status === "loading",
    isAuthenticated: state.status === "signedIn",
    fetchAccessToken,
  };
}

function subjectOf(payload: string): string {
  try {
    return String(JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))).sub);
  } catch {
    return "";
  }
}

function useOAuthReturn(
  auth: AuthClient,
  should: ConvexAuthProviderProps["shouldHandleCode"],
  replaceURL?: (url: string) => void,
  onError: (error: unknown) => void = console.error,
) {
  useEffect(() => {
    if (typeof window === "undefined") return;
    const enabled = typeof should === "function" ? should() : should !== false;
    const url = new URL(window.location.href);
    const code = url.searchParams.get("code");
    const failed = url.searchParams.get("authError");
    if (!enabled || (!code && !failed)) return;
    url.searchParams.delete("code");
    url.searchParams.delete("authError");
    (replaceURL ?? ((next) => window.history.replaceState(window.history.state, "", next)))(url.toString());
    if (failed) onError(new ConvexError({ code: failed, message: "Sign-in failed" }));
    else if (code) auth.finishRedirect(code).catch(onError);
  }, [auth, should, replaceURL, onError]);
}

function useAuthClient(): AuthClient {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error("Wrap your app in <ConvexAuthProvider>");
  return auth;
}

/**
 * `signIn(provider, params)` and `signOut()`. `signIn` resolves to a
 * {@link SignInOutcome} to switch on.
 *
 * @example
 * ```tsx
 * const { signIn } = useAuthActions();
 * const outcome = await signIn("password", { flow: "signIn", email, password });
 * if (outcome.status === "totpRequired") askForCode(outcome.verifier);
 * ```
 */
export function useAuthActions() {
  const auth = useAuthClient();
  return useMemo(
    () => ({
      signIn: (provider: string, params?: Record<string, unknown>, verifier?: string) =>
        auth.signIn(provider, params, verifier),
      signOut: () => auth.signOut(),
    }),
    [auth],
  );
}

/** The current access token (a JWT), or `null` when signed out. */
export function useAuthToken(): string | null {
  return useAuthState(useAuthClient()).token;
}
