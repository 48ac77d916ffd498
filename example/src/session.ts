/**
 * The example's view of the signed-in state, on the package's React client
 * (`ConvexAuthProvider`, `useAuthActions`): one place the pages read it from.
 */
import { useConvexAuth } from "convex/react";
import { useAuthActions } from "convex-auth-kit/react";
import { useMemo } from "react";

export type SessionStatus = "loading" | "signedIn" | "signedOut";

/** Runs Password flows and signs out. */
export type SessionActions = {
  /**
   * A Password flow: "signedIn", "started" when a code was sent, or
   * "secondFactor" when the user must still give a second factor (a reset of
   * a user with TOTP or a two-factor passkey): the client keeps that step and
   * `SecondFactorPrompt` finishes it.
   */
  signIn(params: Record<string, unknown>): Promise<"signedIn" | "started" | "secondFactor">;
  /** Ends the session here, on the server and in other tabs. */
  signOut(): Promise<void>;
};

export function useSession(): { status: SessionStatus; session: SessionActions } {
  const { isLoading, isAuthenticated } = useConvexAuth();
  const { signIn, signOut } = useAuthActions();
  const session = useMemo<SessionActions>(
    () => ({
      async signIn(params) {
        const outcome = await signIn("password", params);
        if (outcome.status === "secondFactorRequired") return "secondFactor";
        return outcome.status === "signedIn" ? "signedIn" : "started";
      },
      signOut,
    }),
    [signIn, signOut],
  );
  return { status: isLoading ? "loading" : isAuthenticated ? "signedIn" : "signedOut", session };
}
