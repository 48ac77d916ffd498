import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { AuthTransport, SignInArgs, SignInResult } from "./protocol.js";

/** For the React binding, so that the bundle imports `convex/server` once. */
export { makeFunctionReference };

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
  const signIn = makeFunctionReference<"action", SignInArgs, SignInResult>(names.signIn ?? "auth:signIn");
  const signOut = makeFunctionReference<"action", Record<string, never>, null>(names.signOut ?? "auth:signOut");
  const refresh = makeFunctionReference<"mutation", { refreshToken: string }, SignInResult>(names.refresh ?? "auth:refresh");
  /** Set once the server turned out to have no `refresh` mutation. */
  let noRefresh: unknown;
  const client = (token?: string) => {
    const http = new ConvexHttpClient(url);
    if (token) http.setAuth(token);
    return http;
  };
  return {
    signIn: (args, token) =>
      args.refreshToken && !noRefresh
        ? // A server without the mutation is refreshed through signIn; any other failure is the caller's to retry.
          client()
            .mutation(refresh, { refreshToken: args.refreshToken })
            .catch((error) => (/find public/.test(error) ? (noRefresh = client().action(signIn, args)) : Promise.reject(error)))
        : client(token).action(signIn, args),
    async signOut(token) {
      await client(token).action(signOut, {});
    },
    exchangeLegacy: (refreshToken) =>
      client().mutation(makeFunctionReference<"mutation", { refreshToken: string }, SignInResult>(names.exchangeLegacy ?? "authMigration:exchange"), {
        refreshToken,
      }),
  };
}
