/**
 * Sign-in providers, one file each. Pass them to `Auth({ providers })`.
 *
 * @module
 */
export { Password, type PasswordOptions, type PasswordProvider, type CodeDelivery } from "./Password.js";
export { DEFAULT_ARGON2ID, type Argon2idParams } from "./password/params.js";
export type { PasswordPolicy, PasswordValidator } from "./password/rules.js";
export type { BreachedPasswordOptions } from "./password/breached.js";
export { TOTP, type TotpOptions, type TotpProvider } from "./TOTP.js";
export { Passkey, type PasskeyOptions, type PasskeyProvider } from "./Passkey.js";
export type { AuthProvider, ProviderType } from "../server/provider.js";
export { OAuth, type OAuthProvider, type OAuthOptions, type AuthCoreOAuthConfig } from "./OAuth.js";
export { Email, type EmailOptions, type EmailCodeDelivery, type EmailLinkDelivery } from "./Email.js";
export { Phone, type PhoneOptions, type PhoneCodeDelivery, type PhoneLinkDelivery } from "./Phone.js";
export { Anonymous, type AnonymousOptions } from "./Anonymous.js";
