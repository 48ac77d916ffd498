import { recordEvent, type Audit, type EventType } from "./events.js";
import { v, type Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel.js";
import type { MutationCtx, QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { passkeyFields } from "../schema.js";

/** The kind of verifier a WebAuthn challenge is stored under (defined in shared). */
export { WEBAUTHN_VERIFIER } from "../../shared/verifierKinds.js";

/**
 * How recently a second factor must have been verified in a session for a
 * user who has one to add a passkey (defined in shared).
 */
export { STEP_UP_WINDOW_MS } from "../../shared/windows.js";

/** Passkeys one user may hold (bounds every per-user read). */
export const MAX_PASSKEYS_PER_USER = 100;

/** A passkey as it leaves the component to apps: no key material, counter or user handle. */
export const passkeyDoc = v.object({
  _id: v.id("passkeys"),
  _creationTime: v.number(),
  userId: passkeyFields.userId,
  credentialId: passkeyFields.credentialId,
  algorithm: passkeyFields.algorithm,
  transports: passkeyFields.transports,
  deviceType: passkeyFields.deviceType,
  backedUp: passkeyFields.backedUp,
  name: passkeyFields.name,
  secondFactor: v.boolean(),
  lastUsedTime: passkeyFields.lastUsedTime,
});
export type PasskeyDoc = Infer<typeof passkeyDoc>;

export function publicPasskey(passkey: Doc<"passkeys">): PasskeyDoc {
  const { publicKey: _k, counter: _c, userHandle: _h, secondFactor, ...rest } = passkey;
  return { ...rest, secondFactor: secondFactor === true };
}

/** A credential as the server needs it to verify an assertion. */
export const storedCredential = v.object({
  passkeyId: v.id("passkeys"),
  userId: v.id("users"),
  credentialId: v.string(),
  publicKey: v.bytes(),
  counter: v.number(),
  transports: v.optional(v.array(v.string())),
  userHandle: v.string(),
});

/** A credential to name in `allowCredentials` / `excludeCredentials`. */
export const credentialRef = v.object({
  credentialId: v.string(),
  transports: v.optional(v.array(v.string())),
});

/** What a ceremony's verifier remembers besides its challenge, user and session. */
export const ceremonyData = v.object({
  /** The provider id that started it: another Passkey provider cannot finish it. */
  provider: v.string(),
  flow: v.union(
    v.literal("signUp"),
    v.literal("register"),
    v.literal("signIn"),
    v.literal("secondFactor"),
    v.literal("stepUp"),
  ),
  /** Registration: the user handle the options carried. */
  userHandle: v.optional(v.string()),
  /** Registration: the new passkey's name and two-factor flag. */
  passkeyName: v.optional(v.string()),
  secondFactor: v.optional(v.boolean()),
  /** Sign-up: the new user's profile. */
  email: v.optional(v.string()),
  name: v.optional(v.string()),
  /** Second factor: the hash of the pending second-factor verifier it completes. */
  secondFactorHash: v.optional(v.string()),
});
export type CeremonyData = Infer<typeof ceremonyData>;

const FLOWS: readonly unknown[] = ["signUp", "register", "signIn", "secondFactor", "stepUp"];

/** True for the `data` of a ceremony this module stored. */
export function isCeremonyData(data: unknown): data is CeremonyData {
  if (typeof data !== "object" || data === null) return false;
  const { provider, flow } = data as { provider?: unknown; flow?: unknown };
  return typeof provider === "string" && FLOWS.includes(flow);
}

/** A new ceremony: the challenge and the hash of the verifier handed to the client. */
export const ceremonyArgs = v.object({
  verifierHash: v.string(),
  challenge: v.string(),
  expirationTime: v.number(),
});

export async function passkeysOf(ctx: QueryCtx, userId: Id<"users">): Promise<Doc<"passkeys">[]> {
  return await ctx.db
    .query("passkeys")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_PASSKEYS_PER_USER);
}

export async function passkeyByCredential(ctx: QueryCtx, credentialId: string) {
  return await ctx.db
    .query("passkeys")
    .withIndex("by_credential", (q) => q.eq("credentialId", credentialId))
    .first();
}

/**
 * The passkey, when it exists and (with `userId`) belongs to that user;
 * `NOT_FOUND` otherwise. Ids are taken as any string (one that is no id of
 * the table is `NOT_FOUND` too).
 */
export async function ownedPasskey(
  ctx: QueryCtx,
  rawPasskeyId: string,
  userId: string | undefined,
): Promise<Doc<"passkeys">> {
  const passkeyId = ctx.db.normalizeId("passkeys", rawPasskeyId);
  const passkey = passkeyId === null ? null : await ctx.db.get(passkeyId);
  if (passkey === null || (userId !== undefined && passkey.userId !== userId)) {
    throw authError("NOT_FOUND", "No such passkey");
  }
  return passkey;
}

/** Audit-log events about passkeys. */
export type PasskeyEventType = Extract<EventType, `passkey_${string}`>;

/** Appends a passkey event to the audit log (never key material). */
export async function recordPasskeyEvent(
  ctx: MutationCtx,
  type: PasskeyEventType,
  userId: Id<"users">,
  data: Record<string, string | number | boolean | null>,
  audit?: Audit,
): Promise<void> {
  await recordEvent(ctx, { type, userId, data }, audit);
}

/** A live session of `userId`, or `SESSION_ENDED`; `IMPERSONATING` for an impersonation. */
export async function requireLiveSession(ctx: QueryCtx, userId: Id<"users">, sessionId: Id<"sessions">) {
  const session = await ctx.db.get(sessionId);
  if (session === null || session.userId !== userId || session.expirationTime <= Date.now()) {
    throw authError("SESSION_ENDED", "The session has ended; sign in again");
  }
  // Passkeys are the user's own: an admin impersonating them registers none, and passes no step-up.
  if (session.impersonatorUserId !== undefined) throw authError("IMPERSONATING", "Not while impersonating: the user does this themself");
  return session;
}
