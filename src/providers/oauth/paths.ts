/** The HTTP paths of an OAuth provider's routes (`auth.http.add(http)` mounts them). */

/** Where the browser starts: `/api/auth/signin/<id>`. */
export const signInPath = (id: string) => `/api/auth/signin/${id}`;
/** Where the provider returns: `/api/auth/callback/<id>` (register `<CONVEX_SITE_URL>` + this with the provider). */
export const callbackPath = (id: string) => `/api/auth/callback/${id}`;
