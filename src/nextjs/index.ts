/**
 * Next.js App Router, the client side: `ConvexAuthNextjsProvider`. The
 * server side (proxy, auth route, the token in Server Components, Route
 * Handlers and Server Actions) is `convex-auth-kit/nextjs/server`. See
 * docs/ssr.md.
 *
 * @module
 */
export { ConvexAuthNextjsProvider, type ConvexAuthNextjsProviderProps } from "./client.js";
export { useAuthActions, useAuthToken, usePendingSignIn, usePendingStep } from "../client/react/ConvexAuthProvider.js";
export { authErrorCode } from "../client/errors.js";
