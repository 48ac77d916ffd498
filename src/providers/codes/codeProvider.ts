/**
 * What `Email()` and `Phone()` share: send a one-time code or a magic link
 * to an address, then sign in whoever proves they received it.
 *
 * - `signIn(id, { <address> })` sends (a code, or with `method: "link"` or
 *   only `sendLink` configured, a link) and returns `{ started: true }`.
 *   Sends per address are limited by a bucket like the failed attempts.
 * - `signIn(id, { <address>, code })` checks the code: stored only as a
 *   keyed hash bound to the provider and the address, 10 minutes, single
 *   use, only the newest works; a wrong code counts against the address's
 *   code bucket (its own: a locked password does not block it). Right: the
 *   user of the address is found, linked by verified address, or created (or
 *   the signed-in anonymous caller upgraded); tokens, or `{ totpRequired }`.
 * - A link goes to `SITE_URL` (or `redirectTo` under it) with `?code=<token>`
 *   (256 bits, stored hashed, 10 minutes, single use); the client finishes it
 *   with `signIn({ params: { code } })` like an OAuth return. Asking returns
 *   `{ started, verifier }`: opened in the browser that asked, the link signs
 *   in (and upgrades the anonymous user who asked, never whoever opens it).
 *   Opened anywhere else (people open mail on their phone), it first answers
 *   `{ confirm: { account }, verifier }`: nothing happens until the person
 *   confirms that account, and a confirmed link links to no one.
 */
import { authError } from "../../server/errors.js";
import { MAGIC_LINK } from "../../server/oauth/kinds.js";
import { resolveRedirect, withQuery } from "../../server/oauth/redirect.js";
import type { ActionCtx, AuthProvider, ProviderOutcome, ProviderType, SignInContext } from "../../server/provider.js";
import { hashCode, newNumericCode } from "../../server/tokens/oneTimeCode.js";

type Awaitable<T> = T | Promise<T>;

/** Fields for a new user (or an anonymous user upgrading) from the params of `signIn`. */
export type ProfileFromParams = (params: Record<string, unknown>) => { name?: string; image?: string; extend?: unknown };

/** Options shared by `Email()` and `Phone()`. */
export type CodeProviderOptions<Code, Link> = {
  /** Provider id for `signIn(id, ...)`. */
  id?: string;
  /** Delivers a numeric code. */
  sendCode?: (ctx: ActionCtx, delivery: Code) => Awaitable<void>;
  /** Delivers a magic link (`url` carries a single-use token). */
  sendLink?: (ctx: ActionCtx, delivery: Link) => Awaitable<void>;
  /** Digits in a code, 6 to 12. Default 8. */
  codeLength?: number;
  /** How long a code or link works. Default 10 minutes. */
  codeTtlMs?: number;
  /** Fields for a new user from the sign-in params (`name` by default). */
  profile?: ProfileFromParams;
};

/** How one kind of address is read and what proving it means. */
export type Channel = {
  type: Extract<ProviderType, "email" | "phone">;
  /** The params field holding the address, and the delivery field too. */
  field: "email" | "phone";
  normalize(value: unknown): string;
  defaultId: string;
  label: string;
};

const DEFAULT_TTL_MS = 10 * 60 * 1000;
const PURPOSE = "sign_in";

const defaultProfile: ProfileFromParams = (params) =>
  typeof params.name === "string" && params.name.trim() !== "" ? { name: params.name.trim() } : {};

/** Builds the provider for a channel. */
export function codeProvider<Code, Link>(
  channel: Channel,
  options: CodeProviderOptions<Code, Link>,
): AuthProvider {
  const id = options.id ?? channel.defaultId;
  const codeLength = options.codeLength ?? 8;
  const ttlMs = options.codeTtlMs ?? DEFAULT_TTL_MS;
  const profile = options.profile ?? defaultProfile;
  if (!Number.isInteger(codeLength) || codeLength < 6 || codeLength > 12) {
    throw new Error(`${channel.label}(): codeLength must be an integer from 6 to 12`);
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`${channel.label}(): codeTtlMs must be positive`);
  if (!options.sendCode && !options.sendLink) throw new Error(`${channel.label}(): give sendCode, sendLink or both`);

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
    id,
    type: channel.type,
    async signIn(sc, params) {
      const address = channel.normalize(params[channel.field]);
      return params.code === undefined ? await send(sc, address, params) : await verify(sc, address, params);
    },
  };
}

function rateLimited(retryAfterMs: number) {
  return authError("RATE_LIMITED", `Too many attempts; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
}
