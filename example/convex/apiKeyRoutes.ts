/**
 * An HTTP API protected by API keys:
 *
 * ```sh
 * curl -H "Authorization: Bearer sk_test_..." https://<deployment>.convex.site/api/profile
 * curl -X POST -H "Authorization: Bearer sk_test_..." -d '{"name":"Ada"}' https://<deployment>.convex.site/api/profile
 * ```
 *
 * 401 without a valid key, 403 when the key lacks the scope, 429 over the
 * key's rate limit (see `auth.key.errorResponse`).
 */
import type { HttpRouter } from "convex/server";
import { components } from "./_generated/api";
import { httpAction } from "./_generated/server";
import { auth } from "./auth";

function forbidden(scope: string): Response {
  return Response.json(
    { code: "INSUFFICIENT_SCOPE", message: `This key does not grant ${scope}` },
    { status: 403, headers: { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${scope}"` } },
  );
}

/** GET: the key owner's profile. Needs `profile:read`. */
const getProfile = httpAction(async (ctx, request) => {
  try {
    const { userId, scopes } = await auth.key.fromRequest(ctx, request);
    if (!scopes.can("profile", "read")) return forbidden("profile:read");
    const user = await ctx.runQuery(components.auth.users.get, { userId });
    if (user === null) return Response.json({ code: "NOT_FOUND", message: "No such user" }, { status: 404 });
    return Response.json({ id: user._id, name: user.name ?? null, email: user.email ?? null });
  } catch (error) {
    return auth.key.errorResponse(error);
  }
});

/** POST `{ name }`: renames the key owner. Needs `profile:write`. */
const postProfile = httpAction(async (ctx, request) => {
  try {
    const { userId, scopes } = await auth.key.fromRequest(ctx, request);
    if (!scopes.can("profile", "write")) return forbidden("profile:write");
    const body: unknown = await request.json().catch(() => null);
    const name = typeof body === "object" && body !== null ? (body as { name?: unknown }).name : undefined;
    if (typeof name !== "string" || name.trim() === "") {
      return Response.json({ code: "INVALID_ARGUMENT", message: 'Send JSON { "name": "..." }' }, { status: 400 });
    }
    await ctx.runMutation(components.auth.users.update, { userId, patch: { name: name.trim() } });
    return Response.json({ id: userId, name: name.trim() });
  } catch (error) {
    return auth.key.errorResponse(error);
  }
});

/** Mounts `/api/profile` (GET, POST) on the app's router: call from `convex/http.ts`. */
export function addApiKeyRoutes(http: HttpRouter): void {
  http.route({ path: "/api/profile", method: "GET", handler: getProfile });
  http.route({ path: "/api/profile", method: "POST", handler: postProfile });
}
