/**
 * Enrolls an authenticator for a signed-in user the way a client does
 * (set-up, then a confirming code), returning the authenticator and the
 * tokens of the verified session that replaces the caller's.
 */
import * as OTPAuth from "otpauth";
import { api } from "../../example/convex/_generated/api.js";
import { as, tokensOf, type AuthTest } from "./auth.js";

export async function enrollTotp(t: AuthTest, token: string, name?: string) {
  const setup = (await as(t, token).action(api.auth.signIn, {
    provider: "totp",
    params: { flow: "setup", ...(name ? { name } : {}) },
  })) as { totpSetup: { uri: string; totpId: string }; verifier: string };
  const otp = OTPAuth.URI.parse(setup.totpSetup.uri) as OTPAuth.TOTP;
  const tokens = tokensOf(
    await as(t, token).action(api.auth.signIn, {
      provider: "totp",
      params: { flow: "confirm", code: otp.generate() },
      verifier: setup.verifier,
    }),
  );
  return { otp, tokens, totpId: setup.totpSetup.totpId };
}
