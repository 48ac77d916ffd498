/**
 * The flows behind `Email()` and `Phone()` (see codeProvider.ts), loaded
 * (`import()`) when a code or link sign-in runs.
 */
import { authError, rateLimited } from "../../server/errors.js";
import { MAGIC_LINK } from "../../server/oauth/kinds.js";
import { resolveRedirect, withQuery } from "../../server/oauth/redirect.js";
import type { ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashCode, newNumericCode } from "../../server/tokens/oneTimeCode.js";

import type { Channel, CodeProviderOptions, ProfileFromParams } from "./codeProvider.js";

/** The settings `codeProvider` resolved and checked. */
export type CodeSettings = { id: string; codeLength: number; ttlMs: number; profile: ProfileFromParams };

const PURPOSE = "sign_in";

/** The code and link flows of a channel. */
export function codeFlows<Code, Link>(
  channel: Channel,
  options: CodeProviderOptions<Code, Link>,
  { id, codeLength, ttlMs, profile }: CodeSettings,
) {

  function identity(address: string, params: Record<string, unknown>) {
    const fields = profile(params);
    return {
      provider: id,
      providerAccountId: address,
      ...(channel.field === "email" ? { email: address } : { phone: address }),
      emailVerified: channel.field === "email",
      phoneVerified: channel.field === "phone",
      profile: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    };
  }

  async function send(sc: SignInContext, address: string, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const method = params.method ?? (options.sendCode ? "code" : "link");
    if (method !== "code" && method !== "link") throw authError("INVALID_ARGUMENT", 'method must be "code" or "link"');
    const deliver = method === "code" ? options.sendCode : options.sendLink;
    if (!deliver) throw authError("INVALID_ARGUMENT", `${channel.label}(): sending a ${method} is not enabled`);
    // Check the redirect before spending a send.
    const returnTo = method === "link" ? resolveRedirect(params.redirectTo) : undefined;
    const limit = { ...sc.attemptLimit("code", address), key: `send:${id}:${address}` };
    const state = await sc.ctx.runMutation(sc.component.limits.consume, { limit });
    if (!state.ok) throw rateLimited(state.retryAfterMs);
    const expiresAt = Date.now() + ttlMs;
    try {
      if (method === "code") {
        const code = newNumericCode(codeLength);
        await sc.ctx.runMutation(sc.component.passwordless.storeCode, {
          provider: id,
          address,
          codeHash: await hashCode(code, `${id}:${address}`, PURPOSE),
          expirationTime: expiresAt,
        });
        await options.sendCode!(sc.ctx, { [channel.field]: address, code, expiresAt } as Code);
        return { started: true };
      }
      const token = sc.randomSecret();
      // Binds the link to this browser: it keeps `verifier` and sends it back with the code.
      const verifier = sc.randomSecret();
      const caller = await sc.signedIn();
      await sc.ctx.runMutation(sc.component.verifiers.create, {
        kind: MAGIC_LINK,
        verifierHash: token.hash,
        challenge: verifier.hash,
        ...(caller !== null ? { userId: caller.userId } : {}),
        data: identity(address, params),
        expirationTime: expiresAt,
      });
      const url = withQuery(returnTo!, { code: token.raw });
      await options.sendLink!(sc.ctx, { [channel.field]: address, url, expiresAt } as Link);
      return { started: true, verifier: verifier.raw };
    } catch (error) {
      // Only delivered codes count against the send bucket.
      await sc.ctx.runMutation(sc.component.limits.refund, { limit });
      throw error;
    }
  }

  async function verify(sc: SignInContext, address: string, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const code = typeof params.code === "string" ? params.code.trim().slice(0, 64) : "";
    const caller = await sc.signedIn();
    const outcome = await sc.ctx.runMutation(sc.component.passwordless.verifyCode, {
      provider: id,
      address,
      codeHash: await hashCode(code, `${id}:${address}`, PURPOSE),
      limit: sc.attemptLimit("code", address),
      identity: identity(address, params),
      ...(caller !== null ? { linkUserId: caller.userId } : {}),
    });
    switch (outcome.status) {
      case "rate_limited":
        throw rateLimited(outcome.retryAfterMs);
      case "invalid":
        throw authError("INVALID_CODE", "The code is wrong or has expired");
      case "account_exists":
        throw authError(
          "ACCOUNT_EXISTS",
          "A user with this email exists but has not verified it; sign in as that user and verify it first",
        );
      default:
        return { verdict: "firstFactor", userId: outcome.userId, provider: id };
    }
  }

  return {
    async signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
      const address = channel.normalize(params[channel.field]);
      return params.code === undefined ? await send(sc, address, params) : await verify(sc, address, params);
    },
  };
}
