/**
 * `Phone(options)`: sign-in with a one-time code (or link) sent to a phone
 * number, e.g. by SMS through your provider's API. Numbers are E.164
 * (`+15551234567`; spaces, dashes, dots and parentheses are dropped).
 *
 * Flows (`signIn("phone", params)`): `{ phone }` sends, `{ phone, code }`
 * signs in. A proven number is a verified phone: it links to the user who
 * verified the same number before and sets `phoneVerificationTime` on a new
 * user. Otherwise as {@link Email} (see `codes/codeProvider.ts`).
 *
 * @example
 * ```ts
 * Phone({
 *   sendCode: async (ctx, { phone, code }) => {
 *     await ctx.runAction(internal.sms.send, { to: phone, text: `Your code: ${code}` });
 *   },
 * })
 * ```
 */
import type { AuthProvider } from "../server/provider.js";
import { phoneParam } from "./codes/address.js";
import { codeProvider, type CodeProviderOptions } from "./codes/codeProvider.js";

/** What `sendCode` receives. */
export type PhoneCodeDelivery = { phone: string; code: string; expiresAt: number };
/** What `sendLink` receives. */
export type PhoneLinkDelivery = { phone: string; url: string; expiresAt: number };

/** Options of {@link Phone}; the id defaults to `"phone"`. */
export type PhoneOptions = CodeProviderOptions<PhoneCodeDelivery, PhoneLinkDelivery>;

/** Sign-in by a code sent to a phone number. */
export function Phone(options: PhoneOptions): AuthProvider {
  return codeProvider(
    { type: "phone", field: "phone", normalize: phoneParam, defaultId: "phone", label: "Phone" },
    options,
  );
}
