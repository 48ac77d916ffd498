/**
 * `TOTP(options)`: authenticator-app codes (RFC 6238) as a second factor,
 * with recovery codes.
 *
 * Flows (`signIn("totp", params, verifier)`):
 * - `{ flow: "setup", name? }`, signed in: starts enrolling an authenticator.
 *   Returns `{ totpSetup: { uri, secret, totpId }, verifier }`; show `uri` as
 *   a QR code (and `secret` for typing in). The secret is never returned
 *   again. The factor counts only once confirmed. When the user already has a
 *   second factor, this needs step-up.
 * - `{ flow: "confirm", code }` with the set-up's verifier, signed in: a
 *   correct code activates the factor. Returns `{ tokens }` of a new session
 *   that counts as factor-verified (step-up), replacing the caller's session
 *   (which ends, `replaced`).
 * - `{ code }` or `{ recoveryCode }` with the verifier of `{ totpRequired }`
 *   (a password sign-in of a user with a second factor): finishes the sign-in.
 *
 * A wrong code keeps the verifier usable until it expires, so the person can
 * type again. Every attempt takes a token from the user's TOTP bucket (or
 * recovery-code bucket) BEFORE the code is checked, so concurrent guesses
 * cannot outnumber it (10 per hour by default); a right code gives it back.
 */
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { authError } from "../server/errors.js";
import { randomBytes } from "../server/random.js";
import type { AuthProvider, ProviderOutcome, SignInContext } from "../server/provider.js";
import { hashSecret } from "../server/tokens/secretHash.js";
import {
  NAME_MAX,
  resolveTotpOptions,
  SECRET_BYTES,
  SETUP_TTL_MS,
  SETUP_VERIFIER,
  type ResolvedTotpOptions,
  type TotpOptions,
} from "./totp/options.js";
import { keyUri } from "./totp/otp.js";
import { encryptionKeyFromEnv, encryptSecret } from "./totp/secret.js";
import { requireStepUp } from "./totp/stepUp.js";
import { acceptRecoveryCode, acceptTotpCode, type CheckDeps } from "./totp/verify.js";

export type { TotpOptions } from "./totp/options.js";

/** The TOTP provider; `Auth()` hands its settings to `auth.totp`. */
export interface TotpProvider extends AuthProvider {
  readonly type: "totp";
  /** The options with defaults filled in. */
  readonly config: ResolvedTotpOptions;
}

/** Authenticator-app codes as a second factor. See the module docs. */
export function TOTP(options: TotpOptions = {}): TotpProvider {
  const config = resolveTotpOptions(options);

  function deps(sc: SignInContext, userId: string): CheckDeps {
    return { ctx: sc.ctx, component: sc.component, config, limit: sc.attemptLimit("totp", `user:${userId}`) };
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
    await requireStepUp(sc.ctx, sc.component, who);
    const user = await sc.ctx.runQuery(sc.component.users.get, { userId: who.userId });
    if (user === null) throw authError("NOT_FOUND", "No such user");
    const secret = randomBytes(SECRET_BYTES);
    const sealed = await encryptSecret(key, secret, who.userId);
    const totpId = await sc.ctx.runMutation(sc.component.totp.create, {
      userId: who.userId,
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      ...(name !== undefined ? { name } : {}),
    });
    const verifier = sc.randomSecret();
    await sc.ctx.runMutation(sc.component.verifiers.create, {
      kind: SETUP_VERIFIER,
      verifierHash: verifier.hash,
      userId: who.userId,
      sessionId: who.sessionId,
      data: { totpId },
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
    const pending = await sc.ctx.runQuery(sc.component.verifiers.peek, {
      kind: SETUP_VERIFIER,
      verifierHash: hashSecret(sc.verifier),
    });
    const totpId = (pending?.data as { totpId?: unknown } | undefined)?.totpId;
    if (pending === null || pending.userId !== who.userId || pending.sessionId !== who.sessionId || typeof totpId !== "string") {
      throw authError("NOT_FOUND", "No authenticator set-up is waiting (it may have expired): start again");
    }
    await acceptTotpCode(deps(sc, who.userId), {
      userId: who.userId,
      code: params.code,
      pendingTotpId: totpId,
      sessionId: who.sessionId,
    });
    await sc.ctx.runMutation(sc.component.verifiers.consume, { kind: SETUP_VERIFIER, verifierHash: hashSecret(sc.verifier) });
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
    // The step is only read here; issuing the session takes it, once.
    const pending = await sc.pendingSecondFactor();
    if (pending === null) throw authError("NOT_FOUND", "This sign-in step has expired: sign in again");
    const { userId } = pending;
    if (hasCode) await acceptTotpCode(deps(sc, userId), { userId, code: params.code });
    else await acceptRecoveryCode(recoveryDeps(sc, userId), { userId, code: params.recoveryCode });
    return { verdict: "secondFactor", userId, provider: config.id, stepHash: hashSecret(sc.verifier) };
  }

  return {
    id: config.id,
    type: "totp",
    config,
    async signIn(sc, params) {
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
