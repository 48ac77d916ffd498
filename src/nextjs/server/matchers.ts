/**
 * Which paths a proxy protects: `protect` as paths (a path matches itself
 * and what lies under it: `/dashboard` matches `/dashboard/settings`, not
 * `/dashboards`), regular expressions tested on the path, or a function.
 */

/** What `convexAuthProxy({ protect })` takes. */
export type RouteMatcher = string | RegExp | readonly (string | RegExp)[] | ((request: Request) => boolean);

/** True when `request`'s path is one `matcher` names. */
export function matchesRoute(matcher: RouteMatcher | undefined, request: Request): boolean {
  if (matcher === undefined) return false;
  if (typeof matcher === "function") return matcher(request);
  const path = new URL(request.url).pathname;
  const all: readonly (string | RegExp)[] = typeof matcher === "string" || matcher instanceof RegExp ? [matcher] : matcher;
  return all.some((one) => {
    if (one instanceof RegExp) return one.test(path);
    const base = one.replace(/\/+$/, "");
    return base === "" || path === base || path.startsWith(`${base}/`);
  });
}
