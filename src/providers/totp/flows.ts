/**
 * The flows behind `TOTP(options).signIn` (see TOTP.ts), loaded (`import()`)
 * when a TOTP sign-in, set-up or confirmation runs.
 */
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { authError } from "../../server/errors.js";
import { randomBytes } from "../../server/random.js";
import type { ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashSecret } from "../../server/tokens/secretHash.js";
import {
  NAME_MAX,
  SECRET_BYTES,
  SETUP_TTL_MS,
  type ResolvedTotpOptions,
} from "./options.js";
import { keyUri } from "./otp.js";
import { encryptionKeyFromEnv, encryptSecret } from "./secret.js";
import { requireStepUp } from "../../server/stepUp.js";
import { acceptRecoveryCode, acceptTotpCode, type CheckDeps } from "./verify.js";

/** The TOTP flows for resolved options `config`. */
export function totpFlows(config: ResolvedTotpOptions) {

  function deps(sc: SignInContext, userId: string): CheckDeps {
    return { ctx: sc.ctx, component: sc.component, config, limit: sc.attemptLimit("totp", `user:${userId}`), audit: sc.options.audit };
  }

  /** The recovery-code bucket of a user: its own, so a locked TOTP does not lock recovery. */
  function recoveryDeps(sc: SignInContext, userId: string): CheckDeps {
    return { ...deps(sc, userId), limit: sc.attemptLimit("recovery", `user:${userId}`) };
  }

  async function setup(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const who = await sc.signedIn();
    if (who === null) throw authError("NOT_SIGNED_IN", "Sign in to set up an authenticator");
    const name = params.name === undefined ? undefined : String(params.name).trim();
    if (name !== undefined && (name === "" || name.length > NAME_MAX)) {
      throw authError("INVALID_ARGUMENT", `An authenticator name has 1 to ${NAME_MAX} characters`);
    }
    const key = await encryptionKeyFromEnv();
    await requireStepUp(sc.ctx, sc.component, who, sc.options.reauthenticateWithinMs);
    const user = await sc.ctx.runQuery(sc.component.users.get, { userId: who.userId });
    if (user === null) throw authError("NOT_FOUND", "No such user");
    const secret = randomBytes(SECRET_BYTES);
    const sealed = await encryptSecret(key, secret, who.userId);
    const verifier = sc.randomSecret();
    const totpId = await sc.ctx.runMutation(sc.component.totp.create, {
      userId: who.userId,
      sessionId: who.sessionId,
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      ...(name !== undefined ? { name } : {}),
      setupHash: verifier.hash,
      expirationTime: Date.now() + SETUP_TTL_MS,
    });
    const account = config.accountName({
      _id: user._id,
      ...(user.email !== undefined ? { email: user.email } : {}),
      ...(user.phone !== undefined ? { phone: user.phone } : {}),
      ...(user.name !== undefined ? { name: user.name } : {}),
    });
    return {
      totpSetup: {
        uri: keyUri(config.issuer, account, secret, config),
        secret: encodeBase32UpperCaseNoPadding(secret),
        totpId,
      },
      verifier: verifier.raw,
    };
  }

  async function confirm(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const who = await sc.signedIn();
    if (who === null) throw authError("NOT_SIGNED_IN", "Sign in to confirm the authenticator");
    if (sc.verifier === undefined) throw authError("INVALID_ARGUMENT", "This step needs the verifier of the set-up");
    // Checked before the set-up is looked at: a missing key must not use it up.
    await encryptionKeyFromEnv();
    // The set-up must be this user's, from this session, and live; confirming uses it up.
    await acceptTotpCode(deps(sc, who.userId), {
      userId: who.userId,
      code: params.code,
      setupHash: hashSecret(sc.verifier),
      sessionId: who.sessionId,
    });
    // A new session, verified now, replaces the caller's (which ends).
    return { verdict: "replace", userId: who.userId, sessionId: who.sessionId, provider: config.id, factorVerified: true };
  }

  async function secondFactor(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const hasCode = params.code !== undefined;
    if (hasCode === (params.recoveryCode !== undefined)) {
      throw authError("INVALID_ARGUMENT", "Send either a code or a recoveryCode");
    }
    if (sc.verifier === undefined) throw authError("INVALID_ARGUMENT", "This step needs the verifier of the previous one");
    // Configuration first: a missing key must not cost the person their step.
    if (hasCode) await encryptionKeyFromEnv();
    // Whose step it is comes from the verifier itself (its MAC); the check
    // below confirms it is still pending, and issuing the session takes it, once.
    const pending = await sc.pendingSecondFactor();
    if (pending === null) throw authError("NOT_FOUND", "This sign-in step has expired: sign in again");
    const { userId } = pending;
    const stepHash = hashSecret(sc.verifier);
    if (hasCode) await acceptTotpCode(deps(sc, userId), { userId, code: params.code, stepHash });
    else await acceptRecoveryCode(recoveryDeps(sc, userId), { userId, code: params.recoveryCode, stepHash });
    return { verdict: "secondFactor", userId, provider: config.id, stepHash };
  }

  return {
    async signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
      switch (params.flow) {
        case undefined:
        case "signIn":
          return await secondFactor(sc, params);
        case "setup":
          return await setup(sc, params);
        case "confirm":
          return await confirm(sc, params);
        default:
          throw authError("INVALID_ARGUMENT", 'flow must be one of "signIn" (the default), "setup", "confirm"');
      }
    },
  };
}
