/**
 * The second-factor step a redirect sign-in (an OAuth return, a magic link)
 * stopped at: `ConvexAuthProvider`'s `onRedirectResult` puts its verifier
 * here, and the app shows the authenticator-code form for it.
 */
import { useSyncExternalStore } from "react";
import type { SignInOutcome } from "convex-auth-kit/react";

let verifier: string | null = null;
const listeners = new Set<() => void>();

function set(next: string | null): void {
  verifier = next;
  for (const listener of [...listeners]) listener();
}

/** For `<ConvexAuthProvider onRedirectResult>`. */
export function onRedirectResult(outcome: SignInOutcome): void {
  if (outcome.status === "totpRequired") set(outcome.verifier);
}

/** The verifier waiting for a second factor, and a way to drop it. */
export function useRedirectStep(): { verifier: string | null; clear: () => void } {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => verifier,
    () => null,
  );
  return { verifier: current, clear: () => set(null) };
}
