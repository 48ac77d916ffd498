"use client";
// The browser's Convex client, signed in through the app's auth route.
import { ConvexReactClient } from "convex/react";
import { useState, type ReactNode } from "react";
import { ConvexAuthNextjsProvider } from "convex-auth-kit/nextjs";

export function Providers({ convexUrl, children }: { convexUrl: string; children: ReactNode }) {
  const [client] = useState(() => new ConvexReactClient(convexUrl));
  return <ConvexAuthNextjsProvider client={client}>{children}</ConvexAuthNextjsProvider>;
}
