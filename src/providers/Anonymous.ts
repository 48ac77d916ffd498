/**
 * `Anonymous()`: a guest user with no credentials (`isAnonymous: true`),
 * signed in at once with `signIn("anonymous")`. The app can use the user's
 * id like any other; the session is all that identifies them, so signing
 * out loses the user.
 *
 * Upgrading: while signed in as the guest, sign in with another provider
 * (an OAuth provider, an Email or Phone code or link), or sign up with a
 * password or a passkey. The new account (or passkey) is attached to the
 * guest, who keeps their id and data and stops being anonymous. If the
 * identity of a sign-in already belongs to a user (or links to one by a
 * verified email), the sign-in is as that user instead and the guest is
 * left as it was (merge the guest's data yourself if you need to); a
 * sign-up with an email another user holds is refused (`ACCOUNT_EXISTS`).
 * The guest's session must be live (`SESSION_ENDED` otherwise).
 */
import type { AuthProvider } from "../server/provider.js";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { randomBytes } from "../server/random.js";

/** Options of {@link Anonymous}. */
export type AnonymousOptions = {
  /** Provider id for `signIn(id)`. Default `"anonymous"`. */
  id?: string;
  /** Fields for the new guest from the sign-in params (e.g. a display name). Default none. */
  profile?: (params: Record<string, unknown>) => { name?: string; image?: string; extend?: unknown };
};

/** Sign-in as a new anonymous user. */
export function Anonymous(options: AnonymousOptions = {}): AuthProvider {
  const id = options.id ?? "anonymous";
  return {
    id,
    type: "anonymous",
    async signIn(sc, params) {
      const fields = options.profile?.(params) ?? {};
      const userId = await sc.ctx.runMutation(sc.component.users.create, {
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.image !== undefined ? { image: fields.image } : {}),
        ...(fields.extend !== undefined ? { extend: fields.extend } : {}),
        isAnonymous: true,
        account: { provider: id, providerAccountId: encodeBase64urlNoPadding(randomBytes(16)) },
        audit: sc.options.audit,
      });
      return { verdict: "firstFactor", userId, provider: id };
    },
  };
}
