/**
 * Passkey ceremonies, as a data layer: the challenges of registration and
 * authentication (single use, by the hash of the verifier the client holds,
 * expiring) and what completing them stores. The server builds the WebAuthn
 * options and verifies responses with `@simplewebauthn/server` in the
 * `signIn` action. Invariants kept here: a credential ID belongs to one
 * user, a counter never goes back, a challenge is taken once.
 */
import { v } from "convex/values";
import { verifierByHash } from "./model/verifiers.js";
import type { Id } from "./_generated/dataModel.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { authError } from "../shared/errors.js";
import { normalizeEmail } from "../shared/email.js";
import { auditOf, auditPolicy, recordEvent } from "./model/events.js";
import {
  ceremonyArgs,
  ceremonyData,
  credentialRef,
  MAX_PASSKEYS_PER_USER,
  passkeyByCredential,
  passkeysOf,
  recordPasskeyEvent,
  requireLiveSession,
  STEP_UP_WINDOW_MS,
  storedCredential,
  WEBAUTHN_VERIFIER,
  isCeremonyData,
  type CeremonyData,
} from "./model/passkeys.js";
import { hasSecondFactor, pendingSecondFactor, syncSecondFactorFlag } from "./model/secondFactors.js";
import { nameKeyFields } from "./model/profile.js";
import { guestOf, signedInCaller, upgradeGuest } from "./model/guests.js";

/**
 * Starts a registration ceremony: stores the challenge and returns what the
 * creation options need: the user handle (the user's existing one, or
 * `newUserHandle`), the profile to show, and the credentials to exclude.
 *
 * - `signUp`: a new user (created when the passkey is registered);
 *   `ACCOUNT_EXISTS` when another user holds the email. With `caller`
 *   (the signed-in user) a guest: the guest's own user instead, which the
 *   passkey will upgrade (`SESSION_ENDED` when the guest's session is not
 *   live; a caller who is no guest makes a new user, as without one).
 * - `register`: a passkey for the signed-in user; `NOT_SIGNED_IN` when the
 *   session has ended; `STEP_UP_REQUIRED` when the user has a second factor
 *   and the session has not verified one in the last 10 minutes, or when the
 *   session is older than `freshWithinMs` (and verified no second factor
 *   since); `INVALID_ARGUMENT` past 100 passkeys.
 */
export const beginRegistration = mutation({
  args: {
    ceremony: ceremonyArgs,
    provider: v.string(),
    target: v.union(
      v.object({
        flow: v.literal("signUp"),
        email: v.optional(v.string()),
        name: v.optional(v.string()),
        /** The signed-in caller: a guest signs up as themself (upgraded, keeping their id). */
        caller: v.optional(signedInCaller),
      }),
      v.object({
        flow: v.literal("register"),
        userId: v.id("users"),
        sessionId: v.id("sessions"),
        /** The session must have started, or passed a second factor, this recently. */
        freshWithinMs: v.optional(v.number()),
      }),
    ),
    newUserHandle: v.string(),
    passkeyName: v.optional(v.string()),
    secondFactor: v.optional(v.boolean()),
  },
  returns: v.object({
    userHandle: v.string(),
    email: v.optional(v.string()),
    name: v.optional(v.string()),
    exclude: v.array(credentialRef),
  }),
  handler: async (ctx, { ceremony, provider, target, newUserHandle, passkeyName, secondFactor }) => {
    const base = { provider, ...(passkeyName !== undefined ? { passkeyName } : {}), ...(secondFactor ? { secondFactor } : {}) };
    if (target.flow === "signUp") {
      const caller = await guestOf(ctx, target.caller);
      const guest = caller?.user ?? null;
      const email = target.email === undefined ? undefined : normalizeEmail(target.email);
      if (email !== undefined) await requireFreeEmail(ctx, email, guest?._id);
      // A guest keeps its user handle, should it have passkeys already.
      const existing = guest === null ? [] : await passkeysOf(ctx, guest._id);
      const userHandle = existing[0]?.userHandle ?? newUserHandle;
      const data: CeremonyData = {
        ...base,
        flow: "signUp",
        userHandle,
        ...(email !== undefined ? { email } : {}),
        ...(target.name !== undefined ? { name: target.name } : {}),
      };
      await ctx.db.insert("verifiers", {
        kind: WEBAUTHN_VERIFIER,
        ...ceremony,
        ...(caller !== null ? { userId: caller.user._id, sessionId: caller.session._id } : {}),
        data,
      });
      return {
        userHandle,
        email: email ?? guest?.email,
        name: target.name ?? guest?.name,
        exclude: existing.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
      };
    }
    const user = await ctx.db.get(target.userId);
    if (user === null) throw authError("NOT_FOUND", "No such user");
    const session = await requireLiveSession(ctx, target.userId, target.sessionId);
    const now = Date.now();
    const factorVerified = session.factorVerifiedTime ?? 0;
    if (factorVerified < now - STEP_UP_WINDOW_MS && (await hasSecondFactor(ctx, target.userId))) {
      // A passkey signs in on its own: past a second factor, it needs one verified lately.
      throw authError("STEP_UP_REQUIRED", "Verify your second factor again to add a passkey");
    }
    if (
      target.freshWithinMs !== undefined &&
      user.isAnonymous !== true &&
      Math.max(session._creationTime, session.authTime ?? 0, factorVerified) < now - target.freshWithinMs
    ) {
      throw authError("STEP_UP_REQUIRED", "Sign in again (or verify a second factor) to add a passkey");
    }
    const existing = await passkeysOf(ctx, target.userId);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
    }
    const userHandle = existing[0]?.userHandle ?? newUserHandle;
    const data: CeremonyData = { ...base, flow: "register", userHandle };
    await ctx.db.insert("verifiers", {
      kind: WEBAUTHN_VERIFIER,
      ...ceremony,
      userId: target.userId,
      sessionId: target.sessionId,
      data,
    });
    return {
      userHandle,
      email: user.email,
      name: user.name,
      exclude: existing.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    };
  },
});

/** `ACCOUNT_EXISTS` when a user (other than `exceptUserId`, the guest signing up) holds `email`. */
async function requireFreeEmail(ctx: MutationCtx, email: string, exceptUserId?: Id<"users">): Promise<void> {
  const holder = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .first();
  if (holder !== null && holder._id !== exceptUserId) throw authError("ACCOUNT_EXISTS", "An account with this email exists");
}

/**
 * Starts an authentication ceremony: stores the challenge and returns the
 * credentials to allow (`null`: any discoverable credential, a usernameless
 * sign-in).
 *
 * - `email` (a hint): when it names a user with passkeys, only theirs are
 *   allowed and the challenge is bound to that user; otherwise the ceremony
 *   is usernameless.
 * - `secondFactorHash`: completes the pending second-factor step with this
 *   hash (left in place until the sign-in succeeds): only that user's
 *   passkeys; `PASSKEY_INVALID` when the step is unknown or expired.
 * - `stepUp`: re-verifies the signed-in user in their live session
 *   (`NOT_SIGNED_IN` otherwise): only their passkeys.
 *
 * With `secondFactorHash` or `stepUp`, `NOT_FOUND` when the user has no passkey.
 */
export const beginAuthentication = mutation({
  args: {
    ceremony: ceremonyArgs,
    provider: v.string(),
    email: v.optional(v.string()),
    secondFactorHash: v.optional(v.string()),
    stepUp: v.optional(v.object({ userId: v.id("users"), sessionId: v.id("sessions") })),
  },
  returns: v.object({ allow: v.union(v.array(credentialRef), v.null()) }),
  handler: async (ctx, { ceremony, provider, email, secondFactorHash, stepUp }) => {
    let userId: Id<"users"> | undefined;
    let data: CeremonyData = { provider, flow: "signIn" };
    if (secondFactorHash !== undefined) {
      const pending = await pendingSecondFactor(ctx, secondFactorHash);
      if (pending === null) throw authError("PASSKEY_INVALID", "The sign-in step expired; sign in again");
      userId = pending.userId;
      data = { provider, flow: "secondFactor", secondFactorHash };
    } else if (stepUp !== undefined) {
      await requireLiveSession(ctx, stepUp.userId, stepUp.sessionId);
      userId = stepUp.userId;
      data = { provider, flow: "stepUp" };
    } else if (email !== undefined) {
      const user = await ctx.db
        .query("users")
        .withIndex("by_email", (q) => q.eq("email", normalizeEmail(email)))
        .first();
      userId = user?._id;
    }
    const passkeys = userId === undefined ? [] : await passkeysOf(ctx, userId);
    if (data.flow !== "signIn" && passkeys.length === 0) {
      throw authError("NOT_FOUND", "This account has no passkey");
    }
    const bound = passkeys.length > 0 ? userId : undefined;
    await ctx.db.insert("verifiers", {
      kind: WEBAUTHN_VERIFIER,
      ...ceremony,
      ...(bound !== undefined ? { userId: bound } : {}),
      ...(stepUp !== undefined ? { sessionId: stepUp.sessionId } : {}),
      data,
    });
    return {
      allow: bound === undefined ? null : passkeys.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    };
  },
});

/**
 * Takes (single use) the ceremony whose verifier has this hash, with the
 * stored credential named `credentialId` (`null` when unknown). Returns
 * `null` when the ceremony is unknown, used or expired (an expired one is
 * deleted too). The challenge is gone whatever the server then decides.
 */
export const takeChallenge = mutation({
  args: { verifierHash: v.string(), credentialId: v.string() },
  returns: v.union(
    v.object({
      challenge: v.string(),
      userId: v.optional(v.id("users")),
      sessionId: v.optional(v.id("sessions")),
      data: ceremonyData,
      credential: v.union(storedCredential, v.null()),
    }),
    v.null(),
  ),
  handler: async (ctx, { verifierHash, credentialId }) => {
    const verifier = await verifierByHash(ctx, verifierHash);
    if (verifier === null || verifier.kind !== WEBAUTHN_VERIFIER) return null;
    await ctx.db.delete(verifier._id);
    if (verifier.expirationTime <= Date.now() || verifier.challenge === undefined || !isCeremonyData(verifier.data)) {
      return null;
    }
    const passkey = await passkeyByCredential(ctx, credentialId);
    return {
      challenge: verifier.challenge,
      userId: verifier.userId,
      sessionId: verifier.sessionId,
      data: verifier.data,
      credential:
        passkey === null
          ? null
          : {
              passkeyId: passkey._id,
              userId: passkey.userId,
              credentialId: passkey.credentialId,
              publicKey: passkey.publicKey,
              counter: passkey.counter,
              transports: passkey.transports,
              userHandle: passkey.userHandle,
            },
    };
  },
});

const newPasskeyArgs = v.object({
  credentialId: v.string(),
  publicKey: v.bytes(),
  algorithm: v.number(),
  counter: v.number(),
  transports: v.optional(v.array(v.string())),
  deviceType: v.optional(v.string()),
  backedUp: v.optional(v.boolean()),
  userHandle: v.string(),
  name: v.optional(v.string()),
  secondFactor: v.optional(v.boolean()),
});

/**
 * Stores a verified new credential, all or nothing (no session: the server
 * asks `sessions.issue` for one):
 * - `signUp`: creates the user (`ACCOUNT_EXISTS` when the email was taken
 *   meanwhile); with `caller` a guest (still anonymous, its session live:
 *   `SESSION_ENDED` otherwise), the guest's user instead, which gets the
 *   email and name it lacks and stops being anonymous (`anonymous_upgraded`);
 * - `register`: adds it to the signed-in user, whose session (`sessionId`)
 *   must still be live (else `NOT_SIGNED_IN`). An anonymous user stops being
 *   anonymous (`anonymous_upgraded`).
 * An upgraded guest's sessions end (`upgraded`: the sign-in gets a new one).
 * `PASSKEY_INVALID` when the credential ID is registered already (to anyone).
 * A passkey without a name is called "Passkey <n>".
 */
export const completeRegistration = mutation({
  args: {
    provider: v.string(),
    target: v.union(
      v.object({
        flow: v.literal("signUp"),
        email: v.optional(v.string()),
        name: v.optional(v.string()),
        caller: v.optional(signedInCaller),
      }),
      v.object({ flow: v.literal("register"), userId: v.id("users"), sessionId: v.id("sessions") }),
    ),
    passkey: newPasskeyArgs,
    audit: v.optional(auditPolicy),
  },
  returns: v.object({ userId: v.id("users"), passkeyId: v.id("passkeys"), upgraded: v.optional(v.boolean()) }),
  handler: async (ctx, { provider, target, passkey, audit: policy }) => {
    const audit = await auditOf(ctx, { audit: policy });
    if ((await passkeyByCredential(ctx, passkey.credentialId)) !== null) {
      throw authError("PASSKEY_INVALID", "This passkey is registered already");
    }
    let userId: Id<"users">;
    let count = 0;
    let created = false;
    let upgraded = false;
    if (target.flow === "signUp") {
      const guest = (await guestOf(ctx, target.caller))?.user ?? null;
      const email = target.email === undefined ? undefined : normalizeEmail(target.email);
      if (email !== undefined) await requireFreeEmail(ctx, email, guest?._id);
      if (guest !== null) {
        userId = guest._id;
        await upgradeGuest(ctx, guest, { set: email !== undefined ? { email } : {}, profile: { name: target.name } }, provider, audit);
        upgraded = true;
        count = (await passkeysOf(ctx, userId)).length;
      } else {
        userId = await ctx.db.insert("users", {
          ...(email !== undefined ? { email } : {}),
          ...(target.name !== undefined ? { name: target.name, ...nameKeyFields(target.name) } : {}),
        });
        created = true;
      }
    } else {
      userId = target.userId;
      const user = await ctx.db.get(userId);
      if (user === null) throw authError("NOT_FOUND", "No such user");
      await requireLiveSession(ctx, userId, target.sessionId);
      // A guest with a passkey can come back: no longer anonymous.
      if (user.isAnonymous) {
        await upgradeGuest(ctx, user, { set: {}, profile: {} }, provider, audit);
        upgraded = true;
      }
      count = (await passkeysOf(ctx, userId)).length;
      if (count >= MAX_PASSKEYS_PER_USER) {
        throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
      }
    }
    const { name, secondFactor, ...credential } = passkey;
    const passkeyId = await ctx.db.insert("passkeys", {
      ...credential,
      userId,
      name: name ?? `Passkey ${count + 1}`,
      ...(secondFactor ? { secondFactor: true } : {}),
    });
    if (secondFactor) await syncSecondFactorFlag(ctx, userId, true);
    // Recorded once the passkey is stored: the app's `afterUserCreated` sees the whole new user.
    if (created) await recordEvent(ctx, { type: "sign_up", userId, data: { provider } }, audit);
    await recordPasskeyEvent(ctx, "passkey_added", userId, { passkeyId, secondFactor: secondFactor === true }, audit);
    return { userId, passkeyId, ...(upgraded ? { upgraded: true } : {}) };
  },
});

/**
 * Records a verified assertion, all or nothing: moves the counter forward
 * (`PASSKEY_INVALID` when it went back: a cloned authenticator; counters
 * that stay 0 are allowed), and checks what the ceremony was for:
 * - `secondFactorHash`: the pending second-factor step must be live and the
 *   passkey's user's (`PASSKEY_INVALID` otherwise; `sessions.issue` takes it);
 * - `stepUpSessionId`: that session must be live and the user's
 *   (`NOT_SIGNED_IN` otherwise).
 * Returns the passkey's user. No session starts here.
 */
export const completeAuthentication = mutation({
  args: {
    passkeyId: v.id("passkeys"),
    newCounter: v.number(),
    backedUp: v.boolean(),
    secondFactorHash: v.optional(v.string()),
    stepUpSessionId: v.optional(v.id("sessions")),
  },
  returns: v.object({ userId: v.id("users") }),
  handler: async (ctx, args) => {
    const { passkeyId, newCounter, secondFactorHash, stepUpSessionId } = args;
    const passkey = await ctx.db.get(passkeyId);
    // The user is not read here: `sessions.issue` refuses a user who is gone.
    if (passkey === null) throw authError("PASSKEY_INVALID", "This passkey was removed");
    const userId = passkey.userId;
    if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
      throw authError("PASSKEY_INVALID", "The passkey's signature counter went back (a cloned authenticator?)");
    }
    if (stepUpSessionId !== undefined) await requireLiveSession(ctx, userId, stepUpSessionId);
    if (secondFactorHash !== undefined && (await pendingSecondFactor(ctx, secondFactorHash, userId)) === null) {
      throw authError("PASSKEY_INVALID", "The sign-in step expired; sign in again");
    }
    await ctx.db.patch(passkeyId, { counter: newCounter, backedUp: args.backedUp, lastUsedTime: Date.now() });
    return { userId };
  },
});
