"use client";
/**
 * The Next.js client side: `ConvexAuthNextjsProvider`, `ConvexAuthProvider`
 * on a cookie session (the app's auth route, the refresh token in an
 * HttpOnly cookie), starting from the access token the server render read
 * (`ConvexAuthNextjsServerProvider` passes it down), so the first render
 * in the browser is already signed in.
 */
import { createContext, useContext, useState, type ReactNode } from "react";
import { ConvexAuthProvider, type ConvexAuthProviderProps } from "../client/react/ConvexAuthProvider.js";
import { cookieSession } from "../client/ssr/cookieSession.js";

/** The server render's access token: `undefined` outside `ConvexAuthNextjsServerProvider`. */
const ServerToken = createContext<string | null | undefined>(undefined);

/** Hands the server render's access token to `ConvexAuthNextjsProvider` below it (rendered by `ConvexAuthNextjsServerProvider`). */
export function ConvexAuthNextjsServerToken(props: { token: string | null; children: ReactNode }) {
  return <ServerToken.Provider value={props.token}>{props.children}</ServerToken.Provider>;
}

/** Props of {@link ConvexAuthNextjsProvider}: `ConvexAuthProvider`'s, with the route in place of a transport and storage. */
export type ConvexAuthNextjsProviderProps = Omit<ConvexAuthProviderProps, "transport" | "storage"> & {
  /** The app's auth route (`app/api/auth/route.ts`). Default `/api/auth`. */
  route?: string;
  /** The access token to start from. Default: the one `ConvexAuthNextjsServerProvider` read. */
  initialToken?: string | null;
};

/**
 * `ConvexAuthProvider` for a Next.js App Router app: signs in, refreshes and
 * signs out through the app's auth route, so tokens never reach
 * `localStorage` and the refresh token never reaches page JavaScript.
 * Render it in a client component inside `ConvexAuthNextjsServerProvider`
 * (in the root layout); hooks (`useAuthActions`, `useConvexAuth`, ...) work
 * as with `ConvexAuthProvider`.
 *
 * @example
 * ```tsx
 * "use client";
 * const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);
 * export function Providers({ children }: { children: ReactNode }) {
 *   return <ConvexAuthNextjsProvider client={convex}>{children}</ConvexAuthNextjsProvider>;
 * }
 * ```
 */
export function ConvexAuthNextjsProvider({ route, initialToken, ...props }: ConvexAuthNextjsProviderProps) {
  const fromServer = useContext(ServerToken);
  // One session for the page's life: the cookies, not this component, hold the truth.
  const [session] = useState(() => cookieSession({ url: route, initialToken: initialToken !== undefined ? initialToken : fromServer }));
  return <ConvexAuthProvider {...props} transport={session.transport} storage={session.storage} />;
}
