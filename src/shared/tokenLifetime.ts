/**
 * How long an access token is signed for: the configured lifetime, cut so
 * that it never outlives its session (an impersonation's hour, the last
 * minutes of a session), and at least 1 s. Shared by the component, which
 * signs with the deployment's key, and the server, which signs with the
 * app's own.
 */
export function tokenLifetimeSeconds(configuredSeconds: number, sessionExpirationTime: number, now: number): number {
  const left = Math.floor((sessionExpirationTime - now) / 1000);
  return Math.max(1, Math.min(Math.floor(configuredSeconds), left));
}
