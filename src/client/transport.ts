import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { AuthTransport, SignInArgs, SignInResult } from "./protocol.js";

/** For the React binding, so that the bundle imports `convex/server` once. */
export { makeFunctionReference };

/**
 * Names of the app's public auth functions, as `convex/auth.ts` exports them
 * by default: `auth:signIn`, `auth:signOut` (actions), `auth:sessionState`
 * (a query, watched by the React provider).
 */
export type AuthActionNames = { signIn?: string; signOut?: string; sessionState?: string };

/**
 * Reaches the app's `signIn`/`signOut` actions over HTTP. Not through the
 * WebSocket client: Convex pauses that while it waits for a token, so a
 * refresh through it would wait for itself.
 */
export function convexTransport(url: string, names: AuthActionNames = {}): AuthTransport {
  const signIn = makeFunctionReference<"action", SignInArgs, SignInResult>(names.signIn ?? "auth:signIn");
  const signOut = makeFunctionReference<"action", Record<string, never>, null>(names.signOut ?? "auth:signOut");
  const client = (token?: string) => {
    const http = new ConvexHttpClient(url);
    if (token) http.setAuth(token);
    return http;
  };
  return {
    signIn: (args, token) => client(token).action(signIn, args),
    async signOut(token) {
      await client(token).action(signOut, {});
    },
  };
}
