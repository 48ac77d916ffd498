/**
 * What a one-time code sent to an address is for. The component stores every
 * code in one table, bound to (provider, address, purpose), and redeeming one
 * applies its purpose's effect in the same transaction.
 */
import { v, type Infer } from "convex/values";

/** A code that signs the address's holder in (Email / Phone providers). */
export const SIGN_IN = "sign_in";
/** A code that proves a password account's email address. */
export const EMAIL_VERIFICATION = "email_verification";
/** A code that lets a password account's holder set a new password. */
export const PASSWORD_RESET = "password_reset";

export const codePurpose = v.union(v.literal(SIGN_IN), v.literal(EMAIL_VERIFICATION), v.literal(PASSWORD_RESET));
export type CodePurpose = Infer<typeof codePurpose>;
