/** The app's origin as the browser addressed it, for the route's Origin check and the cookies' `Secure` flag. */

/**
 * The request's own origin, as the browser saw it: the URL's, and the one
 * its `Host` (or a proxy's `X-Forwarded-Host` / `-Proto`) names, for a
 * server that sees another URL than the browser (`next start -H ::`, a
 * TLS-terminating proxy). A browser's cross-site request cannot set these
 * headers (that would need a CORS preflight the route never grants), so
 * they only ever describe the app itself.
 */
export function ownOrigins(request: Request): string[] {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(",")[0]?.trim() || undefined;
  const host = first("x-forwarded-host") ?? first("host");
  const scheme = first("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  const origins = [url.origin];
  if (host !== undefined && (scheme === "http" || scheme === "https")) {
    try {
      origins.push(new URL(`${scheme}://${host}`).origin);
    } catch {
      // Not a host: only the URL's origin counts.
    }
  }
  return [...new Set(origins)];
}

/** The origin the browser used: the one the `Host` (or forwarded) headers name, else the URL's. */
export function browserOrigin(request: Request): string {
  return ownOrigins(request).at(-1)!;
}
