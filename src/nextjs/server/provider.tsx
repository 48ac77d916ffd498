/**
 * The root layout's server provider: reads the access token for this
 * render and hands it to `ConvexAuthNextjsProvider` in the browser, so the
 * page hydrates signed in, with no signed-out flash.
 */
import type { ReactNode } from "react";
import type { CookieOptions } from "../../ssr/cookies.js";
import { ConvexAuthNextjsServerToken } from "../client.js";
import { convexAuthToken } from "./token.js";

/**
 * Wrap the root layout's body in it (a Server Component), around the
 * client component that renders `ConvexAuthNextjsProvider`.
 *
 * @example
 * ```tsx
 * // app/layout.tsx
 * export default function RootLayout({ children }: { children: ReactNode }) {
 *   return (
 *     <ConvexAuthNextjsServerProvider>
 *       <html lang="en"><body><Providers>{children}</Providers></body></html>
 *     </ConvexAuthNextjsServerProvider>
 *   );
 * }
 * ```
 */
export async function ConvexAuthNextjsServerProvider(props: CookieOptions & { children: ReactNode }) {
  const { children, ...options } = props;
  return <ConvexAuthNextjsServerToken token={await convexAuthToken(options)}>{children}</ConvexAuthNextjsServerToken>;
}
