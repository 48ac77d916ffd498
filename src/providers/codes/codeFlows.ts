/**
 * The flows behind `Email()` and `Phone()` (see codeProvider.ts), loaded
 * (`import()`) when a code or link sign-in runs.
 */
import { authError, rateLimited } from "../../server/errors.js";
import { resolveRedirect, withQuery } from "../../server/oauth/redirect.js";
import type { ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashCode, newNumericCode } from "../../server/tokens/oneTimeCode.js";
import { SIGN_IN } from "../../shared/codePurposes.js";
import { deliver } from "../../server/delivery.js";

import type { Channel, CodeProviderOptions, ProfileFromParams } from "./codeProvider.js";

/** The settings `codeProvider` resolved and checked. */
export type CodeSettings = { id: string; codeLength: number; ttlMs: number; profile: ProfileFromParams };


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
    const sender = method === "code" ? options.sendCode : options.sendLink;
    if (!sender) throw authError("INVALID_ARGUMENT", `${channel.label}(): sending a ${method} is not enabled`);
    // Check the redirect before spending a send.
    const returnTo = method === "link" ? await resolveRedirect(params.redirectTo) : undefined;
    // The send's token is leased with what is sent and settled once delivered: a send that throws does not count.
    const limit = { ...sc.attemptLimit("code", address), key: `send:${id}:${address}` };
    const expiresAt = Date.now() + ttlMs;
    const target = { provider: id, address, purpose: SIGN_IN } as const;
    let delivery: { kind: "code"; code: string } | { kind: "link"; url: string; verifier: string };
    let stored;
    if (method === "code") {
      const code = newNumericCode(codeLength);
      delivery = { kind: "code", code };
      stored = await sc.ctx.runMutation(sc.component.codes.create, {
        ...target,
        codeHash: await hashCode(code, target),
        expirationTime: expiresAt,
        limit,
      });
    } else {
      const token = sc.randomSecret();
      // Binds the link to this browser: it keeps `verifier` and sends it back with the code.
      const verifier = sc.randomSecret();
      const caller = await sc.signedIn();
      delivery = { kind: "link", url: withQuery(returnTo!, { code: token.raw }), verifier: verifier.raw };
      stored = await sc.ctx.runMutation(sc.component.codes.create, {
        ...target,
        codeHash: token.hash,
        expirationTime: expiresAt,
        limit,
        link: {
          requesterHash: verifier.hash,
          ...(caller !== null ? { userId: caller.userId } : {}),
          identity: identity(address, params),
        },
      });
    }
    if (stored.status === "rate_limited") throw rateLimited(stored.retryAfterMs);
    await deliver(sc, limit, async () => {
      if (delivery.kind === "code") {
        await options.sendCode!(sc.ctx, { [channel.field]: address, code: delivery.code, expiresAt } as Code);
      } else {
        await options.sendLink!(sc.ctx, { [channel.field]: address, url: delivery.url, expiresAt } as Link);
      }
    });
    return delivery.kind === "code" ? { started: true } : { started: true, verifier: delivery.verifier };
  }

  async function verify(sc: SignInContext, address: string, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const code = typeof params.code === "string" ? params.code.trim().slice(0, 64) : "";
    const caller = await sc.signedIn();
    const target = { provider: id, address, purpose: SIGN_IN } as const;
    const outcome = await sc.ctx.runMutation(sc.component.codes.redeem, {
      ...target,
      codeHash: await hashCode(code, target),
      limit: sc.attemptLimit("code", address),
      identity: identity(address, params),
      ...(caller !== null ? { linkUserId: caller.userId } : {}),
      audit: sc.options.audit,
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
