import type { ReactNode } from "react";
import { authErrorCode, useAuthToken } from "convex-auth-kit/react";
import { ErrorBoundary } from "./ErrorBoundary";
import { useSession } from "./session";

/**
 * Shows `signedOut` to signed-out visitors, a line while the session loads,
 * and `children` (inside an error boundary) once signed in.
 *
 * The boundary resets with the session: a sign-in that replaces the session
 * (a guest creating an account, a TOTP enrolment confirmed) ends the old
 * one a moment before the new tokens arrive, and a query that checks the
 * live session may throw `SESSION_ENDED` in that moment. So that error is
 * tried again shortly (a session that really ended signs this client out
 * meanwhile, and the gate shows `signedOut`), and the boundary resets when
 * the session changes; without an error nothing is remounted (a page's
 * messages stay).
 */
export function AuthGate({ signedOut, children }: { signedOut: ReactNode; children: ReactNode }) {
  const { status } = useSession();
  const sessionKey = sessionOf(useAuthToken());
  if (status === "loading") return <p className="muted">Signing you in…</p>;
  if (status === "signedOut") return <>{signedOut}</>;
  return (
    <ErrorBoundary resetKey={sessionKey} retry={(error) => authErrorCode(error) === "SESSION_ENDED"}>
      {children}
    </ErrorBoundary>
  );
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
