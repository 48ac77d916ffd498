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
 *   the signed-in anonymous caller upgraded); tokens, or `{ secondFactor }`.
 * - A link goes to `SITE_URL` (or `redirectTo` under it) with `?code=<token>`
 *   (256 bits, stored hashed, 10 minutes, single use); the client finishes it
 *   with `signIn({ params: { code } })` like an OAuth return. Asking returns
 *   `{ started, verifier }`: opened in the browser that asked, the link signs
 *   in (and upgrades the anonymous user who asked, never whoever opens it).
 *   Opened anywhere else (people open mail on their phone), it first answers
 *   `{ confirm: { account }, verifier }`: nothing happens until the person
 *   confirms that account, and a confirmed link links to no one.
 */
import type { ActionCtx, AuthProvider, ProviderType } from "../../server/provider.js";
import { authError } from "../../server/errors.js";
import { resolveCodeOptions } from "./codeOptions.js";

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


const defaultProfile: ProfileFromParams = (params) =>
  typeof params.name === "string" && params.name.trim() !== "" ? { name: params.name.trim() } : {};

/** Builds the provider for a channel. */
export function codeProvider<Code, Link>(
  channel: Channel,
  options: CodeProviderOptions<Code, Link>,
): AuthProvider {
  const id = options.id ?? channel.defaultId;
  const { codeLength, ttlMs } = resolveCodeOptions(channel.label, options);
  const profile = options.profile ?? defaultProfile;
  if (!options.sendCode && !options.sendLink) throw authError("CONFIGURATION", `${channel.label}(): give sendCode, sendLink or both`);
  const settings = { id, codeLength, ttlMs, profile };
  return {
    id,
    type: channel.type,
    async signIn(sc, params) {
      const { codeFlows } = await import("./codeFlows.js");
      return await codeFlows(channel, options, settings).signIn(sc, params);
    },
  };
}
