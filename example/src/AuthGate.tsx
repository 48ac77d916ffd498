import type { ReactNode } from "react";
import { useAuthToken } from "convex-auth-kit/react";
import { ErrorBoundary } from "./ErrorBoundary";
import { useSession } from "./session";

/**
 * Shows `signedOut` to signed-out visitors, a line while the session loads,
 * and `children` (inside an error boundary) once signed in.
 *
 * The boundary is keyed by the session: a sign-in that replaces the session
 * (a guest creating an account, a TOTP enrolment confirmed) ends the old
 * one a moment before the new tokens arrive, and a query that checks the
 * live session throws `SESSION_ENDED` in that moment. The new session's
 * first render starts afresh instead of keeping that error.
 */
export function AuthGate({ signedOut, children }: { signedOut: ReactNode; children: ReactNode }) {
  const { status } = useSession();
  const sessionKey = sessionOf(useAuthToken());
  if (status === "loading") return <p className="muted">Signing you in…</p>;
  if (status === "signedOut") return <>{signedOut}</>;
  return <ErrorBoundary key={sessionKey}>{children}</ErrorBoundary>;
}

/** The session an access token is for (its `sub` is `userId|sessionId`); "" for none or one that cannot be read. */
function sessionOf(token: string | null): string {
  try {
    const payload = token?.split(".")[1];
    if (payload === undefined) return "";
    const { sub } = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown };
    return typeof sub === "string" ? (sub.split("|")[1] ?? "") : "";
  } catch {
    return "";
  }
}
