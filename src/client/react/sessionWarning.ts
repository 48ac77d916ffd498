/**
 * The warning for a `sessionState` query that fails (most likely the app
 * does not export it): a set-up mistake, so its text is loaded only when it
 * happens, not with every page.
 */
export function warnSessionWatch(name: string, error: unknown): void {
  console.warn(
    `convex-auth-kit: "${name}" failed, so a revoked session signs out only at the next refresh. ` +
      "Add `export const { signIn, signOut, sessionState } = auth;` to convex/auth.ts, or set watchSession={false}.",
    error,
  );
}
