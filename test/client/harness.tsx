/**
 * Runs the React client against the real server code on convex-test: the
 * transport calls the example app's `signIn`/`signOut` actions and its
 * `refresh` mutation through convex-test (standing in for the network), as
 * the default transport does, and a small stand-in for `ConvexReactClient`
 * does what Convex does with a token: asks the provider for one and
 * "authenticates" only if the app's `auth.config.ts` (`authConfig()`)
 * accepts it, and serves `watchQuery` subscriptions whose results the test
 * pushes.
 */
import { act, render } from "@testing-library/react";
import { Authenticated, AuthLoading, Unauthenticated, useConvexAuth, type ConvexReactClient } from "convex/react";
import { getFunctionName, type FunctionReference } from "convex/server";
import type { ReactNode } from "react";
import { api } from "../../example/convex/_generated/api.js";
import type { AuthTransport, SignInArgs, SignInOutcome } from "../../src/client/protocol.js";
import type { TokenStorage } from "../../src/client/storage.js";
import { ConvexAuthProvider, useAuthToken } from "../../src/client/react/index.js";
import { as, makeAuthTest, verifiedAsConvex, type AuthTest } from "../harness/auth.js";

/**
 * The network: real server code, with a switch to fail like a dropped
 * connection. A refresh goes to the `refresh` mutation, as the default
 * transport sends it, or (`viaSignIn`: a server without it) to `signIn`.
 */
export class TestNetwork implements AuthTransport {
  calls: SignInArgs[] = [];
  failNext = 0;
  constructor(
    readonly t: AuthTest,
    readonly options: { viaSignIn?: boolean } = {},
  ) {}
  get refreshCalls() {
    return this.calls.filter((c) => c.refreshToken !== undefined).length;
  }
  async signIn(args: SignInArgs, token?: string) {
    this.calls.push(args);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new TypeError("Failed to fetch");
    }
    if (args.refreshToken !== undefined && !this.options.viaSignIn) {
      return await this.t.mutation(api.auth.refresh, { refreshToken: args.refreshToken });
    }
    return await (token ? as(this.t, token) : this.t).action(api.auth.signIn, args);
  }
  async signOut(token: string) {
    await as(this.t, token).action(api.auth.signOut, {});
  }
}

/** What Convex's client does with the provider's token fetcher, minus the WebSocket. */
export class FakeConvexClient {
  readonly url = "https://test-deployment.convex.cloud";
  fetchToken: ((args: { forceRefreshToken: boolean }) => Promise<string | null | undefined>) | null = null;
  /** Every token Convex authenticated the socket with, in order (the last one is what it uses). */
  authenticatedWith: string[] = [];
  private onChange: ((authenticated: boolean) => void) | null = null;
  /** Query results by function name, as the test pushes them (`undefined`: not loaded yet). */
  private results = new Map<string, { value?: unknown; error?: Error }>();
  private watchers = new Map<string, Set<() => void>>();
  /** Without `t` (no server), any token is accepted. */
  constructor(private readonly t?: AuthTest) {}

  /** `ConvexReactClient.watchQuery`, for results the test pushes with `push`/`fail`. */
  watchQuery(query: FunctionReference<"query">, _args: Record<string, never>) {
    const name = getFunctionName(query);
    return {
      onUpdate: (callback: () => void) => {
        const set = this.watchers.get(name) ?? new Set();
        this.watchers.set(name, set);
        set.add(callback);
        return () => void set.delete(callback);
      },
      localQueryResult: () => {
        const result = this.results.get(name);
        if (result?.error) throw result.error;
        return result?.value;
      },
    };
  }
  /** The server pushes a new result of `name` to its subscribers. */
  push(name: string, value: unknown) {
    this.results.set(name, { value });
    for (const callback of [...(this.watchers.get(name) ?? [])]) callback();
  }
  /** `name` fails (e.g. the app does not export it), as Convex reports it. */
  fail(name: string, error: Error) {
    this.results.set(name, { error });
    for (const callback of [...(this.watchers.get(name) ?? [])]) callback();
  }
  /** How many subscriptions to `name` are open. */
  subscribers(name: string) {
    return this.watchers.get(name)?.size ?? 0;
  }

  setAuth(fetchToken: FakeConvexClient["fetchToken"], onChange: (authenticated: boolean) => void) {
    this.fetchToken = fetchToken;
    this.onChange = onChange;
    void this.authenticate(false);
  }
  clearAuth() {
    this.fetchToken = null;
    this.onChange = null;
  }
  /** Asks for a fresh token, as Convex does before expiry or after a rejection. */
  async refresh() {
    return await this.authenticate(true);
  }
  private async authenticate(forceRefreshToken: boolean) {
    const fetchToken = this.fetchToken;
    const onChange = this.onChange;
    if (!fetchToken || !onChange) return null;
    const token = await fetchToken({ forceRefreshToken });
    const ok = token ? await this.verifies(token) : false;
    if (ok) this.authenticatedWith.push(token!);
    onChange(ok);
    return token ?? null;
  }
  /** As a deployment checks a token against the app's `auth.config.ts` (the package's `authConfig()`). */
  private async verifies(token: string) {
    if (!this.t) return true;
    try {
      await verifiedAsConvex(this.t, token);
      return true;
    } catch {
      return false;
    }
  }
}

/** Shows the auth state the way an app would. */
export function Status() {
  const { isAuthenticated, isLoading } = useConvexAuth();
  const token = useAuthToken();
  return (
    <div>
      <AuthLoading>
        <p>loading</p>
      </AuthLoading>
      <Authenticated>
        <p>signed in</p>
      </Authenticated>
      <Unauthenticated>
        <p>signed out</p>
      </Unauthenticated>
      <p data-testid="state">{JSON.stringify({ isAuthenticated, isLoading, hasToken: token !== null })}</p>
    </div>
  );
}

/** Mounts one "tab": a provider over `storage`, talking to `network`. */
export function mountTab(options: {
  t: AuthTest;
  network: TestNetwork;
  storage: TokenStorage;
  children?: ReactNode;
  /** Finish sign-ins from the URL (`?code=`, `?authError=`), reporting failures here. */
  onSignInError?: (error: unknown) => void;
  /** What a sign-in finished from the URL came to. */
  onRedirectResult?: (outcome: SignInOutcome) => void;
}) {
  const convex = new FakeConvexClient(options.t);
  const view = render(
    <ConvexAuthProvider
      client={convex as unknown as ConvexReactClient}
      storage={options.storage}
      transport={options.network}
      shouldHandleCode={options.onSignInError !== undefined}
      onSignInError={options.onSignInError}
      onRedirectResult={options.onRedirectResult}
      refreshRetryMs={20}
    >
      {options.children ?? <Status />}
    </ConvexAuthProvider>,
  );
  return { convex, view };
}

/** Lets effects, promises and short timers run. */
export async function settle(ms = 30) {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
}

export { makeAuthTest };
