import type { ReactNode } from "react";
import { ErrorBoundary } from "./ErrorBoundary";
import { useSession } from "./session";

/**
 * Shows `signedOut` to signed-out visitors, a line while the session loads,
 * and `children` (inside an error boundary) once signed in.
 */
export function AuthGate({ signedOut, children }: { signedOut: ReactNode; children: ReactNode }) {
  const { status } = useSession();
  if (status === "loading") return <p className="muted">Signing you in…</p>;
  if (status === "signedOut") return <>{signedOut}</>;
  return <ErrorBoundary>{children}</ErrorBoundary>;
}
