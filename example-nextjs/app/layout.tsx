// The root layout: the server reads the session (no call to Convex for a fresh
// token) and hands it to the client provider, so pages hydrate signed in.
import type { ReactNode } from "react";
import { ConvexAuthNextjsServerProvider } from "convex-auth-kit/nextjs/server";
import { convexUrl } from "./convexUrl";
import { Providers } from "./providers";

export const metadata = { title: "convex-auth-kit on Next.js", icons: { icon: "data:," } };
// Every page depends on who is signed in: render per request, never at build time.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "2rem auto", padding: "0 1rem" }}>
        <ConvexAuthNextjsServerProvider>
          <Providers convexUrl={convexUrl()}>{children}</Providers>
        </ConvexAuthNextjsServerProvider>
      </body>
    </html>
  );
}
