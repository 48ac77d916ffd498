/**
 * The passkey flows behind `Passkey(options).signIn` (see Passkey.ts for what
 * each does and checks), loaded (`import()`) when a passkey sign-in runs, with
 * `@simplewebauthn/server`, so a function module that only imports `auth`
 * bundles neither.
 */
import { authError } from "../../server/errors.js";
import type { ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashSecret } from "../../server/tokens/secretHash.js";
import { creationOptions, requestOptions } from "./ceremonyOptions.js";
import type { ResolvedPasskeyOptions } from "./config.js";
import { relyingParty, type RelyingParty } from "./relyingParty.js";
import { parseResponse, type CeremonyResponse } from "./response.js";
import { invalid, verifyAssertion, verifyRegistration } from "./verify.js";

const NAME_MAX = 100;

type Pending = NonNullable<Awaited<ReturnType<typeof takeChallenge>>>;

async function takeChallenge(sc: SignInContext, verifier: string, credentialId: string) {
  return await sc.ctx.runMutation(sc.component.passkeyCeremonies.takeChallenge, {
    verifierHash: hashSecret(verifier),
    credentialId,
  });
}

function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === "string" ? value.trim() : "";
  if (text.length === 0 || text.length > NAME_MAX) {
    throw authError("INVALID_ARGUMENT", `${what} must have 1 to ${NAME_MAX} characters`);
  }
  return text;
}

/** The passkey flows for resolved options `config`. */
export function passkeyFlows(config: ResolvedPasskeyOptions) {
  const { id } = config;

  /** A fresh challenge and the verifier that will name it. */
  function newCeremony(sc: SignInContext, isoBase64URL: Base64URL) {
    const challenge = random32();
    const verifier = sc.randomSecret();
    return {
      challenge,
      verifier: verifier.raw,
      args: {
        verifierHash: verifier.hash,
        challenge: isoBase64URL.fromBuffer(challenge),
        expirationTime: Date.now() + config.challengeTtlMs,
      },
    };
  }

  /**
   * `signedIn`: the signed-in user a `register` is for. `caller`: whoever is
   * signed in during a `signUp` (a guest signs up as themself, keeping their
   * id; anyone else gets a new user, as signed out).
   */
  async function startRegistration(
    sc: SignInContext,
    params: Record<string, unknown>,
    signedIn: { userId: string; sessionId: string } | null,
    caller: { userId: string; sessionId: string } | null = null,
  ): Promise<ProviderOutcome> {
    const rp = await relyingParty(config);
    const [{ generateRegistrationOptions }, { isoBase64URL }] = await webauthn();
    const ceremony = newCeremony(sc, isoBase64URL);
    const passkeyName = optionalText(params.passkeyName, "A passkey name");
    const target =
      signedIn === null
        ? {
            flow: "signUp" as const,
            ...(params.email !== undefined ? { email: String(params.email) } : {}),
            ...(params.name !== undefined ? { name: optionalText(params.name, "A name")! } : {}),
            ...(caller !== null ? { caller } : {}),
          }
        : {
            flow: "register" as const,
            userId: signedIn.userId,
            sessionId: signedIn.sessionId,
            ...(config.freshSessionMs !== undefined ? { freshWithinMs: config.freshSessionMs } : {}),
          };
    const begun = await sc.ctx.runMutation(sc.component.passkeyCeremonies.beginRegistration, {
      ceremony: ceremony.args,
      provider: id,
      target,
      newUserHandle: isoBase64URL.fromBuffer(random32()),
      ...(passkeyName !== undefined ? { passkeyName } : {}),
      ...(signedIn !== null && params.secondFactor === true ? { secondFactor: true } : {}),
    });
    const json = await generateRegistrationOptions({
      rpName: rp.rpName,
      rpID: rp.rpID,
      userName: begun.email ?? begun.name ?? `${rp.rpName} account`,
      userDisplayName: begun.name ?? begun.email ?? "",
      userID: isoBase64URL.toBuffer(begun.userHandle),
      challenge: ceremony.challenge,
      timeout: config.challengeTtlMs,
      attestationType: config.attestation,
      excludeCredentials: begun.exclude.map((c) => ({ id: c.credentialId, ...(c.transports ? { transports: c.transports } : {}) })),
      authenticatorSelection: { ...config.authenticatorSelection, userVerification: config.userVerification },
      supportedAlgorithmIDs: config.algorithms,
    });
    return { options: creationOptions(json), verifier: ceremony.verifier };
  }

  async function startAuthentication(
    sc: SignInContext,
    hint: { email?: string; secondFactorHash?: string; stepUp?: { userId: string; sessionId: string } },
  ): Promise<ProviderOutcome> {
    const rp = await relyingParty(config);
    const [{ generateAuthenticationOptions }, { isoBase64URL }] = await webauthn();
    const ceremony = newCeremony(sc, isoBase64URL);
    const begun = await sc.ctx.runMutation(sc.component.passkeyCeremonies.beginAuthentication, {
      ceremony: ceremony.args,
      provider: id,
      ...hint,
    });
    const json = await generateAuthenticationOptions({
      rpID: rp.rpID,
      challenge: ceremony.challenge,
      timeout: config.challengeTtlMs,
      userVerification: hint.secondFactorHash !== undefined ? "discouraged" : config.userVerification,
      ...(begun.allow !== null
        ? {
            allowCredentials: begun.allow.map((c) => ({
              id: c.credentialId,
              ...(c.transports ? { transports: c.transports } : {}),
            })),
          }
        : {}),
    });
    return { options: requestOptions(json), verifier: ceremony.verifier };
  }

  async function finishRegistration(
    sc: SignInContext,
    rp: RelyingParty,
    response: CeremonyResponse,
    pending: Pending,
  ): Promise<ProviderOutcome> {
    if (pending.credential !== null) throw invalid("This passkey is registered already");
    const credential = await verifyRegistration(config, rp, response, pending.challenge);
    const { data } = pending;
    // A guest's sign-up names the guest and its session (checked again when the passkey is stored).
    const guest =
      pending.userId !== undefined && pending.sessionId !== undefined ? { userId: pending.userId, sessionId: pending.sessionId } : null;
    const target =
      data.flow === "signUp"
        ? {
            flow: "signUp" as const,
            ...(data.email !== undefined ? { email: data.email } : {}),
            ...(data.name !== undefined ? { name: data.name } : {}),
            ...(guest !== null ? { caller: guest } : {}),
          }
        : { flow: "register" as const, userId: pending.userId!, sessionId: pending.sessionId! };
    const done = await sc.ctx.runMutation(sc.component.passkeyCeremonies.completeRegistration, {
      provider: id,
      target,
      audit: sc.options.audit,
      passkey: {
        ...credential,
        userHandle: data.userHandle!,
        ...(data.passkeyName !== undefined ? { name: data.passkeyName } : {}),
        ...(data.secondFactor ? { secondFactor: true } : {}),
      },
    });
    // An upgraded guest's sessions ended with the upgrade: it gets a new one, as a new user does.
    if (target.flow === "register" && done.upgraded !== true) {
      return { verdict: "continue", userId: done.userId, sessionId: target.sessionId, provider: id };
    }
    return { verdict: "firstFactor", userId: done.userId, provider: id };
  }

  async function finishAuthentication(
    sc: SignInContext,
    rp: RelyingParty,
    response: CeremonyResponse,
    pending: Pending,
  ): Promise<ProviderOutcome> {
    const { flow } = pending.data;
    const secondFactor = flow === "secondFactor";
    const verified = await verifyAssertion(
      config,
      rp,
      response,
      { challenge: pending.challenge, ...(pending.userId !== undefined ? { boundUserId: pending.userId } : {}), secondFactor },
      pending.credential,
    );
    const { userId } = await sc.ctx.runMutation(sc.component.passkeyCeremonies.completeAuthentication, {
      passkeyId: pending.credential!.passkeyId,
      newCounter: verified.newCounter,
      backedUp: verified.backedUp,
      ...(secondFactor ? { secondFactorHash: pending.data.secondFactorHash! } : {}),
      ...(flow === "stepUp" ? { stepUpSessionId: pending.sessionId! } : {}),
    });
    if (secondFactor) return { verdict: "secondFactor", userId, provider: id, stepHash: pending.data.secondFactorHash! };
    if (flow === "stepUp") {
      return { verdict: "continue", userId, sessionId: pending.sessionId!, provider: id, factorVerified: true };
    }
    // A user-verified passkey proves two factors; without verification it is
    // one, and a user with a second factor must still pass it.
    return { verdict: "firstFactor", userId, provider: id, multiFactor: verified.userVerified };
  }

  async function finish(sc: SignInContext, value: unknown): Promise<ProviderOutcome> {
    const rp = await relyingParty(config);
    const response = parseResponse(value);
    if (sc.verifier === undefined) throw invalid("The passkey response needs the verifier of its challenge");
    const pending = await takeChallenge(sc, sc.verifier, response.id);
    if (pending === null || pending.data.provider !== id) {
      throw invalid("The challenge is unknown, used or expired; start again");
    }
    const registering = pending.data.flow === "signUp" || pending.data.flow === "register";
    return registering
      ? await finishRegistration(sc, rp, response, pending)
      : await finishAuthentication(sc, rp, response, pending);
  }

  return {
    async signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
      if (params.response !== undefined) return await finish(sc, params.response);
      const flow = params.flow ?? "signIn";
      switch (flow) {
        case "signUp":
          if (!config.allowSignUp) throw authError("INVALID_ARGUMENT", "Sign-up with a passkey is turned off");
          return await startRegistration(sc, params, null, await sc.signedIn());
        case "register": {
          const who = await sc.signedIn();
          if (who === null) throw authError("NOT_SIGNED_IN", "Sign in to add a passkey");
          return await startRegistration(sc, params, who);
        }
        case "signIn": {
          const email = typeof params.email === "string" && params.email.trim() !== "" ? params.email : undefined;
          return await startAuthentication(sc, email !== undefined ? { email } : {});
        }
        case "stepUp": {
          const who = await sc.signedIn();
          if (who === null) throw authError("NOT_SIGNED_IN", "Sign in first");
          return await startAuthentication(sc, { stepUp: who });
        }
        case "secondFactor":
          if (sc.verifier === undefined) {
            throw authError("INVALID_ARGUMENT", "A second factor needs the verifier of the password step");
          }
          return await startAuthentication(sc, { secondFactorHash: hashSecret(sc.verifier) });
        default:
          throw authError(
            "INVALID_ARGUMENT",
            'flow must be one of "signUp", "register", "signIn", "secondFactor", "stepUp" (or send { response })',
          );
      }
    },
  };
}

type Base64URL = (typeof import("@simplewebauthn/server/helpers"))["isoBase64URL"];

/** `@simplewebauthn/server` and its helpers, loaded when a ceremony starts. */
async function webauthn() {
  return await Promise.all([import("@simplewebauthn/server"), import("@simplewebauthn/server/helpers")]);
}

/** 32 bytes from Web Crypto's CSPRNG (challenges, user handles). */
function random32(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}
