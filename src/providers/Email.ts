/**
 * `Email(options)`: sign-in with a one-time code or a magic link sent to an
 * email address. No password; the user is created on the first sign-in
 * (asking for a code creates nothing).
 *
 * Flows (`signIn("email", params)`):
 * - `{ email, name? }`: sends a code (`sendCode`); `{ email, method: "link",
 *   redirectTo? }` sends a link (`sendLink`; the default when it is the only
 *   one). Returns `{ started: true }`.
 * - `{ email, code }`: signs in with the code.
 * - a link returns to the app with `?code=`, which the React client
 *   finishes by itself (`signIn({ params: { code } })`).
 *
 * A proven address is a verified email: it links to the user who verified
 * the same address before (e.g. through Password's email verification or a
 * verified OAuth email), and makes a new user's email verified. A user
 * holding the address UNverified is refused (`ACCOUNT_EXISTS`). A signed-in
 * anonymous user who proves an address keeps their data and becomes a
 * regular user. Details in `codes/codeProvider.ts`.
 *
 * @example
 * ```ts
 * Email({
 *   sendCode: async (ctx, { email, code, expiresAt }) => {
 *     await ctx.runAction(internal.mail.send, { to: email, text: `Your code: ${code}` });
 *   },
 * })
 * ```
 */
import type { AuthProvider } from "../server/provider.js";
import { emailParam } from "./codes/address.js";
import { codeProvider, type CodeProviderOptions } from "./codes/codeProvider.js";

/** What `sendCode` receives. */
export type EmailCodeDelivery = { email: string; code: string; expiresAt: number };
/** What `sendLink` receives: `url` is the app's URL with `?code=<token>`. */
export type EmailLinkDelivery = { email: string; url: string; expiresAt: number };

/** Options of {@link Email}; the id defaults to `"email"`. */
export type EmailOptions = CodeProviderOptions<EmailCodeDelivery, EmailLinkDelivery>;

/** Sign-in by a code or link sent to an email address. */
export function Email(options: EmailOptions): AuthProvider {
  return codeProvider(
    { type: "email", field: "email", normalize: emailParam, defaultId: "email", label: "Email" },
    options,
  );
}
