import { ConvexHttpClient } from "convex/browser";
import type { DefaultFunctionArgs, FunctionReference, FunctionType } from "convex/server";
import type { AuthTransport, SignInArgs, SignInResult } from "./protocol.js";

/**
 * An app's public function, by its name: Convex's clients take the name
 * itself where they take a reference (their `getFunctionName` passes a
 * string through), so the bundle needs nothing of `convex/server` at run
 * time. `name as unknown as Named<...>` (a cast, no code).
 */
export type Named<Type extends FunctionType, Args extends DefaultFunctionArgs, Result> = FunctionReference<Type, "public", Args, Result>;

/**
 * Names of the app's public auth functions, as `convex/auth.ts` exports them
 * by default: `auth:signIn`, `auth:signOut` (actions), `auth:refresh` (a
 * mutation), `auth:sessionState` (a query, watched by the React provider).
 */
export type AuthActionNames = {
  signIn?: string;
  signOut?: string;
  refresh?: string;
  sessionState?: string;
  /** The mutation that exchanges @convex-dev/auth's tokens (`migrateFrom`). Default `authMigration:exchange`. */
  exchangeLegacy?: string;
};

/**
 * Reaches the app's `signIn`/`signOut` actions over HTTP, and its `refresh`
 * mutation for `signIn({ refreshToken })` (one call; a server without it is
 * refreshed through `signIn`). Not through the WebSocket client: Convex
 * pauses that while it waits for a token, so a refresh through it would wait
 * for itself.
 */
export function convexTransport(url: string, names: AuthActionNames = {}): AuthTransport {
  /** Set once the server turned out to have no `refresh` mutation. */
  let noRefresh: unknown;
  const client = (token?: string) => new ConvexHttpClient(url, { auth: token });
  const signIn = (args: SignInArgs, token?: string) =>
    client(token).action((names.signIn ?? "auth:signIn") as unknown as Named<"action", SignInArgs, SignInResult>, args);
  /** A mutation of `{ refreshToken }` (`refresh`, `exchange`), called signed out. */
  const withRefreshToken = (name: string, refreshToken: string) =>
    client().mutation(name as unknown as Named<"mutation", { refreshToken: string }, SignInResult>, { refreshToken });
  return {
    signIn: (args, token) =>
      args.refreshToken && !noRefresh
        ? // A server without the mutation is refreshed through signIn; any other failure is the caller's to retry.
          withRefreshToken(names.refresh ?? "auth:refresh", args.refreshToken).catch((error) =>
            /find public/.test(error) ? (noRefresh = signIn(args)) : Promise.reject(error),
          )
        : signIn(args, token),
    async signOut(token) {
      await client(token).action((names.signOut ?? "auth:signOut") as unknown as Named<"action", Record<string, never>, null>, {});
    },
    exchangeLegacy: (refreshToken) => withRefreshToken(names.exchangeLegacy ?? "authMigration:exchange", refreshToken),
  };
}
